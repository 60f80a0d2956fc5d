package rules

import "github.com/tenantguard/tenantguard/lint"

// ProbeOwnerBypass is reported by `tenantguard probe` (package probe): acting as the table owner, other tenants' rows were visible.
var ProbeOwnerBypass = register(&lint.Rule{
	Name:     "probe-owner-bypass",
	Code:     "PRB005",
	Severity: lint.Error,
	Summary:  "acting as the table owner, other tenants' rows were visible",
	Scope:    lint.ScopeProbeTables,
	Probe:    true,
})
