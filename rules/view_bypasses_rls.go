package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// ViewBypassesRLS reports views over tenant tables that run with their
// owner's rights.
var ViewBypassesRLS = register(&lint.Rule{
	Name:     "view-bypasses-rls",
	Code:     "VIEW001",
	Severity: lint.Error,
	Summary:  "a view over a tenant table that runs with its owner's rights (no security_invoker)",
	Scope:    lint.ScopeViews,
	Run: func(pass *lint.Pass) {
		for _, v := range pass.Catalog.Views() {
			if v.Materialized || v.SecurityInvoker() || v.Analysis == nil || !pass.Config.ChecksSchema(v.Schema) {
				continue
			}
			exposed := v.Analysis.Unscoped()
			if len(exposed) == 0 {
				continue
			}
			at := v.Span
			if s, ok := v.OptionsAt["security_invoker"]; ok && s.IsValid() {
				at = s // the statement that set it to false
			}
			pass.Reportf(at, lint.ViewObject(v),
				"view %s reads tenant table %s but runs with its owner's rights (no security_invoker): the table's policies are checked against the view's owner, who usually bypasses them, so every user who can select from the view sees every tenant's rows; recreate it WITH (security_invoker = true) or ALTER VIEW %s SET (security_invoker = true)",
				v.QName(), qnamesText(exposed), v.QName().SQL())
		}
	},
})

func qnamesText(qs []model.QName) string {
	out := ""
	for i, q := range qs {
		if i > 0 {
			out += ", "
		}
		out += q.String()
	}
	return out
}
