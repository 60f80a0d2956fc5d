package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// PolicyNoTenantPredicate reports permissive policies that let rows
// through without tying them to the current tenant or user.
var PolicyNoTenantPredicate = register(&lint.Rule{
	Name:     "policy-no-tenant-predicate",
	Code:     "POL002",
	Severity: lint.Error,
	Summary:  "a permissive policy on a tenant table lets rows through without constraining the tenant column to a trusted tenant value",
	Scope:    lint.ScopePolicies,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			col, _ := pass.TenantColumn(t)
			for _, p := range t.Policies {
				if !p.Permissive || p.Command == model.Insert || p.Analysis == nil || p.Analysis.Using == nil || adminOnly(pass, p) {
					continue
				}
				for _, b := range p.Analysis.Using.Branches {
					if b.Scope != model.Unscoped {
						continue
					}
					// USING filters SELECT, UPDATE and DELETE; each needs
					// its own restrictive cover.
					cmds := []model.Command{p.Command}
					if p.Command == model.AllCommands {
						cmds = []model.Command{model.Select, model.Update, model.Delete}
					}
					open, partly := uncovered(t, p, cmds, false)
					if len(open) == 0 {
						break
					}
					what := "USING"
					if len(p.Analysis.Using.Branches) > 1 {
						what = "USING branch"
					}
					pass.Reportf(exprSpan(b.At, p), lint.PolicyObject(p),
						"policy %s on %s (%s, %s) lets every tenant's rows through%s: %s `%s` does not tie %s to the current tenant (%s); compare %s to a trusted tenant value or a membership lookup keyed on the current user",
						p.Name, t.QName(), p.Command, rolesText(p.Roles), partly, what, exprOr(b.At, "?"), col, b.Why, col)
					break
				}
			}
		}
	},
})

func rolesText(roles []string) string {
	if len(roles) == 1 && roles[0] == "PUBLIC" {
		return "every role"
	}
	out := "TO "
	for i, r := range roles {
		if i > 0 {
			out += ", "
		}
		out += r
	}
	return out
}
