package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// RLSDisabledByMigration reports statements that turn row level security
// (or its FORCE) off on a tenant table, when it stays off.
var RLSDisabledByMigration = register(&lint.Rule{
	Name:     "rls-disabled-by-migration",
	Code:     "RLS004",
	Severity: lint.Error,
	Summary:  "a statement disables RLS or FORCE on a tenant table",
	Scope:    lint.ScopeTenantTables,
	Origins:  []model.Origin{model.FromMigrations},
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			if !t.RLS.Enabled && lastRLSAction(t, model.EnableRLS, model.DisableRLS) == model.DisableRLS {
				pass.Reportf(t.RLS.EnabledAt, lint.TableObject(t),
					"this statement disables row level security on tenant table %s and no later migration turns it back on: every role with table privileges now reads and writes every tenant's rows",
					t.QName())
			}
			if t.RLS.Enabled && !t.RLS.Forced && lastRLSAction(t, model.ForceRLS, model.NoForceRLS) == model.NoForceRLS {
				pass.Reportf(t.RLS.ForcedAt, lint.TableObject(t),
					"this statement removes FORCE ROW LEVEL SECURITY from tenant table %s and no later migration restores it: the table owner bypasses every policy again",
					t.QName())
			}
		}
	},
})
