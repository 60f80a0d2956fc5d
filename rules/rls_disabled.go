package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// RLSDisabled reports tenant tables that never had row level security
// enabled.
var RLSDisabled = register(&lint.Rule{
	Name:     "rls-disabled",
	Code:     "RLS001",
	Severity: lint.Error,
	Summary:  "tenant-scoped table without ENABLE ROW LEVEL SECURITY",
	Scope:    lint.ScopeTenantTables,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			if t.RLS.Enabled || lastRLSAction(t, model.EnableRLS, model.DisableRLS) == model.DisableRLS {
				continue // protected, or switched off on purpose: rls-disabled-by-migration
			}
			col, _ := pass.TenantColumn(t)
			if t.PartitionOf != nil {
				pass.Reportf(t.Span, lint.TableObject(t),
					"partition %s of %s (tenant column %s) does not enable row level security: queries on the partition itself skip the parent's policies and read every tenant's rows; add ALTER TABLE %s ENABLE ROW LEVEL SECURITY and its own policies",
					t.QName(), t.PartitionOf, col, t.QName().SQL())
				continue
			}
			pass.Reportf(t.Span, lint.TableObject(t),
				"tenant table %s (tenant column %s) does not enable row level security: every role with table privileges reads and writes every tenant's rows; add ALTER TABLE %s ENABLE ROW LEVEL SECURITY",
				t.QName(), col, t.QName().SQL())
		}
	},
})

// lastRLSAction returns the last of the given actions applied to t by a
// statement, or "" when none was.
func lastRLSAction(t *model.Table, actions ...model.RLSAction) model.RLSAction {
	for i := len(t.RLS.History) - 1; i >= 0; i-- {
		for _, a := range actions {
			if t.RLS.History[i].Action == a {
				return a
			}
		}
	}
	return ""
}
