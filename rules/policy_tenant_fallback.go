package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// PolicyTenantFallback reports tenant predicates that pass every row when
// the tenant setting is unset or empty.
var PolicyTenantFallback = register(&lint.Rule{
	Name:     "policy-tenant-fallback",
	Code:     "POL004",
	Severity: lint.Error,
	Summary:  "a tenant predicate that still passes when the tenant setting is unset or empty (coalesce(current_setting(...), tenant_id), ... IS NULL OR ...)",
	Scope:    lint.ScopePolicies,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			for _, p := range t.Policies {
				if p.Analysis == nil {
					continue
				}
				seen := map[*model.Expr]bool{}
				for _, a := range []*model.ExprAnalysis{p.Analysis.Using, p.Analysis.Check} {
					if a == nil {
						continue
					}
					for _, fb := range a.Fallbacks {
						if seen[fb.At] {
							continue
						}
						seen[fb.At] = true
						state := "is not set"
						if fb.When == "empty" {
							state = "is set to ''"
						}
						pass.Reportf(exprSpan(fb.At, p), lint.PolicyObject(p),
							"policy %s on %s passes every row when %s %s: `%s` is true then, so a request that forgets to set the tenant (a background job, a new endpoint) sees or writes every tenant's rows; drop the fallback and let a missing tenant match nothing",
							p.Name, t.QName(), fb.Setting, state, fb.At.String())
					}
				}
			}
		}
	},
})
