package rules

import "github.com/tenantguard/tenantguard/lint"

// ProbeDeleteLeak is reported by `tenantguard probe` (package probe): acting as tenant A, rows of tenant B could be deleted or updated.
var ProbeDeleteLeak = register(&lint.Rule{
	Name:     "probe-delete-leak",
	Code:     "PRB003",
	Severity: lint.Error,
	Summary:  "acting as tenant A, rows of tenant B could be deleted or updated",
	Scope:    lint.ScopeProbeTables,
	Probe:    true,
})
