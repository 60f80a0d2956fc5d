package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// TenantColumnNullable reports tenant columns that allow NULL.
var TenantColumnNullable = register(&lint.Rule{
	Name:     "tenant-column-nullable",
	Code:     "COL002",
	Severity: lint.Warning,
	Summary:  "the tenant column allows NULL",
	Scope:    lint.ScopeTenantTables,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			col, _ := pass.TenantColumn(t)
			c := t.Column(col)
			if c == nil || c.NotNull {
				continue
			}
			at := c.NotNullAt // a DROP NOT NULL
			if !at.IsValid() {
				at = c.Span
			}
			if !at.IsValid() {
				at = t.Span
			}
			pass.Reportf(at, lint.TableObject(t),
				"tenant column %s.%s allows NULL: a row without a tenant matches no tenant's policy (or every tenant's, under an IS NULL fallback); add ALTER TABLE %s ALTER COLUMN %s SET NOT NULL",
				t.QName(), col, t.QName().SQL(), model.QuoteIdent(col))
		}
	},
})
