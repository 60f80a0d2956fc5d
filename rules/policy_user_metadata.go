package rules

import (
	"strings"

	"github.com/tenantguard/tenantguard/lint"
)

// PolicyUserMetadata reports policies that trust user-editable metadata.
var PolicyUserMetadata = register(&lint.Rule{
	Name:     "policy-user-metadata",
	Code:     "POL001",
	Severity: lint.Error,
	Summary:  "a policy (or a function it calls) reads user-editable metadata: auth.jwt() -> 'user_metadata', raw_user_meta_data",
	Scope:    lint.ScopePolicies,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			for _, p := range t.Policies {
				if p.Analysis == nil {
					continue
				}
				for _, m := range p.Analysis.UserMetadata {
					via := ""
					if len(m.Via) > 0 {
						via = " through " + strings.Join(m.Via, " -> ")
					}
					pass.Reportf(exprSpan(m.At, p), lint.PolicyObject(p),
						"policy %s on %s reads %s%s: users can write their own user metadata (supabase.auth.updateUser), so anyone can put another tenant's id there and pass this policy; keep tenant ids in app_metadata or a membership table",
						p.Name, t.QName(), m.What, via)
				}
			}
		}
	},
})
