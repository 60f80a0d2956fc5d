package rules

import "github.com/tenantguard/tenantguard/lint"

// ProbeClaimSpoof is reported by `tenantguard probe` (package probe): forged user-editable JWT claims (user_metadata) widened access.
var ProbeClaimSpoof = register(&lint.Rule{
	Name:     "probe-claim-spoof",
	Code:     "PRB006",
	Severity: lint.Error,
	Summary:  "forged user-editable JWT claims (user_metadata) widened access",
	Scope:    lint.ScopeProbeTables,
	Probe:    true,
})
