package rules

import "github.com/tenantguard/tenantguard/lint"

// ProbeUnsetContextLeak is reported by `tenantguard probe` (package probe): with no tenant set (or an empty one), tenant rows were visible.
var ProbeUnsetContextLeak = register(&lint.Rule{
	Name:     "probe-unset-context-leak",
	Code:     "PRB004",
	Severity: lint.Error,
	Summary:  "with no tenant set (or an empty one), tenant rows were visible",
	Scope:    lint.ScopeProbeTables,
	Probe:    true,
})
