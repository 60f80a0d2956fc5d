package rules

import (
	"strings"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// FKCrossesTenants reports foreign keys between tenant tables that do not
// include the tenant column.
var FKCrossesTenants = register(&lint.Rule{
	Name:     "fk-crosses-tenants",
	Code:     "FK001",
	Severity: lint.Warning,
	Summary:  "a foreign key between two tenant tables that does not include the tenant column, so a row can point into another tenant",
	Scope:    lint.ScopeTenantTables,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			col, _ := pass.TenantColumn(t)
			for _, c := range t.Constraints {
				if c.Kind != model.ForeignKey {
					continue
				}
				ref := pass.Catalog.Table(c.RefTable)
				if ref == nil || !pass.IsTenantTable(ref) {
					continue
				}
				refCol, _ := pass.TenantColumn(ref)
				if includes(c.Columns, col) && (len(c.RefColumns) == 0 || includes(c.RefColumns, refCol)) {
					continue
				}
				at := c.Span
				if !at.IsValid() {
					at = t.Span
				}
				refCols := strings.Join(c.RefColumns, ", ")
				if refCols == "" {
					refCols = "its primary key"
				}
				pass.Reportf(at, lint.TableObject(t),
					"foreign key %s (%s) -> %s (%s) does not include the tenant column: a row of one tenant can point at another tenant's %s row, and joins through it cross tenants; use FOREIGN KEY (%s, %s) REFERENCES %s (%s, ...) with a UNIQUE (%s, ...) key on %s",
					c.Name, strings.Join(c.Columns, ", "), c.RefTable, refCols, c.RefTable,
					model.QuoteIdent(col), quoteList(c.Columns), c.RefTable.SQL(), model.QuoteIdent(refCol), model.QuoteIdent(refCol), c.RefTable.SQL())
			}
		}
	},
})

func includes(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = model.QuoteIdent(c)
	}
	return strings.Join(q, ", ")
}
