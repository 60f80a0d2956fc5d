package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// RLSNotForced reports tenant tables with RLS enabled but not forced.
var RLSNotForced = register(&lint.Rule{
	Name:     "rls-not-forced",
	Code:     "RLS002",
	Severity: lint.Error,
	Summary:  "RLS enabled but not FORCE: the table owner bypasses every policy",
	Scope:    lint.ScopeTenantTables,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			if !t.RLS.Enabled || t.RLS.Forced || lastRLSAction(t, model.ForceRLS, model.NoForceRLS) == model.NoForceRLS {
				continue
			}
			at := t.RLS.EnabledAt
			if !at.IsValid() {
				at = t.Span
			}
			owner := "the table owner"
			if t.Owner != "" {
				owner = "its owner " + t.Owner
			}
			pass.Reportf(at, lint.TableObject(t),
				"row level security on %s is enabled but not forced: %s (often the role migrations and the application connect as) bypasses every policy; add ALTER TABLE %s FORCE ROW LEVEL SECURITY",
				t.QName(), owner, t.QName().SQL())
		}
	},
})
