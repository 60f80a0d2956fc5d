package rules

import "github.com/tenantguard/tenantguard/lint"

// ProbeReadLeak is reported by `tenantguard probe` (package probe): acting as tenant A, rows of tenant B were visible.
var ProbeReadLeak = register(&lint.Rule{
	Name:     "probe-read-leak",
	Code:     "PRB001",
	Severity: lint.Error,
	Summary:  "acting as tenant A, rows of tenant B were visible",
	Scope:    lint.ScopeProbeTables,
	Probe:    true,
})
