package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// PolicyWriteUnchecked reports write policies whose check lets a row be
// written into (or moved to) another tenant.
var PolicyWriteUnchecked = register(&lint.Rule{
	Name:     "policy-write-unchecked",
	Code:     "POL003",
	Severity: lint.Error,
	Summary:  "an INSERT/UPDATE/ALL policy whose WITH CHECK does not constrain the tenant column",
	Scope:    lint.ScopePolicies,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			col, _ := pass.TenantColumn(t)
			for _, p := range t.Policies {
				if !p.Permissive || p.Command == model.Select || p.Command == model.Delete || adminOnly(pass, p) {
					continue
				}
				check := effectiveCheck(p)
				if check == nil {
					continue // no check at all: PostgreSQL refuses every new row
				}
				for _, b := range check.Branches {
					if b.Scope >= model.TenantScoped {
						continue
					}
					// The check applies to INSERT and UPDATE; each needs its
					// own restrictive cover.
					cmds := []model.Command{p.Command}
					if p.Command == model.AllCommands {
						cmds = []model.Command{model.Insert, model.Update}
					}
					open, partly := uncovered(t, p, cmds, true)
					if len(open) == 0 {
						break
					}
					source := "WITH CHECK"
					if p.WithCheck == nil {
						source = "USING (used as the check, since WITH CHECK is absent)"
					}
					why := b.Why
					if b.Scope != model.Unscoped {
						why = b.How + " constrains the row but not " + col
					}
					pass.Reportf(exprSpan(b.At, p), lint.PolicyObject(p),
						"policy %s on %s (%s) lets a user write rows into another tenant%s: its %s `%s` does not constrain %s (%s); add WITH CHECK (%s = <current tenant>)",
						p.Name, t.QName(), p.Command, partly, source, exprOr(b.At, "?"), col, why, model.QuoteIdent(col))
					break
				}
			}
		}
	},
})
