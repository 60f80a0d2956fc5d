package rules

import (
	"github.com/tenantguard/tenantguard/lint"
)

// MatviewExposesTenantData reports materialized views over tenant tables.
var MatviewExposesTenantData = register(&lint.Rule{
	Name:     "matview-exposes-tenant-data",
	Code:     "VIEW002",
	Severity: lint.Warning,
	Summary:  "a materialized view over a tenant table (materialized views have no RLS)",
	Scope:    lint.ScopeViews,
	Run: func(pass *lint.Pass) {
		for _, v := range pass.Catalog.Views() {
			if !v.Materialized || v.Analysis == nil || len(v.Analysis.TenantReads) == 0 || !pass.Config.ChecksSchema(v.Schema) {
				continue
			}
			pass.Reportf(v.Span, lint.ViewObject(v),
				"materialized view %s copies rows of tenant table %s, and materialized views have no row level security: anyone who can select from it reads every tenant's copy; keep it out of reach of application roles (REVOKE ALL ... FROM PUBLIC, anon, authenticated) and serve it through a security_invoker view or function that filters by tenant",
				v.QName(), qnamesText(v.Analysis.TenantReads))
		}
	},
})
