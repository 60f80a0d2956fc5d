package rules

import "github.com/tenantguard/tenantguard/lint"

// ProbeViewLeak is reported by `tenantguard probe` (package probe): a view returned rows of another tenant.
var ProbeViewLeak = register(&lint.Rule{
	Name:     "probe-view-leak",
	Code:     "PRB007",
	Severity: lint.Error,
	Summary:  "a view returned rows of another tenant",
	Scope:    lint.ScopeProbeViews,
	Probe:    true,
})
