package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// TenantColumnUnindexed reports tenant tables with no index led by the
// tenant column.
var TenantColumnUnindexed = register(&lint.Rule{
	Name:     "tenant-column-unindexed",
	Code:     "COL001",
	Severity: lint.Warning,
	Summary:  "no index leads with the tenant column (policies cannot use an index)",
	Scope:    lint.ScopeTenantTables,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			col, _ := pass.TenantColumn(t)
			if leadingIndex(t, col) != nil || t.Kind == model.ForeignTable {
				continue
			}
			at := t.Span
			if c := t.Column(col); c != nil && c.Span.IsValid() {
				at = c.Span
			}
			pass.Reportf(at, lint.TableObject(t),
				"no index on %s starts with tenant column %s: every policy check filters on %s, so each query scans the whole table (every tenant's rows); add CREATE INDEX ON %s (%s)",
				t.QName(), col, col, t.QName().SQL(), model.QuoteIdent(col))
		}
	},
})

// leadingIndex returns a complete (not partial) index whose first key
// column is col.
func leadingIndex(t *model.Table, col string) *model.Index {
	for _, ix := range t.Indexes {
		if !ix.Partial && len(ix.Columns) > 0 && ix.Columns[0] == col {
			return ix
		}
	}
	return nil
}
