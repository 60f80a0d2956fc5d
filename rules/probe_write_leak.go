package rules

import "github.com/tenantguard/tenantguard/lint"

// ProbeWriteLeak is reported by `tenantguard probe` (package probe): acting as tenant A, a row of tenant B could be inserted or a row moved to tenant B.
var ProbeWriteLeak = register(&lint.Rule{
	Name:     "probe-write-leak",
	Code:     "PRB002",
	Severity: lint.Error,
	Summary:  "acting as tenant A, a row of tenant B could be inserted or a row moved to tenant B",
	Scope:    lint.ScopeProbeTables,
	Probe:    true,
})
