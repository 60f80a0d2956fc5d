package rules

import (
	"strings"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// TableUnclassified reports tables that are neither tenant-scoped nor
// declared global.
var TableUnclassified = register(&lint.Rule{
	Name:     "table-unclassified",
	Code:     "COL003",
	Severity: lint.Info,
	Summary:  "a table that is neither tenant-scoped nor declared global (global_tables)",
	Scope:    lint.ScopeTables,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.Catalog.Tables() {
			q := t.QName()
			if t.Temporary || !pass.Config.ChecksSchema(t.Schema) || pass.IsTenantTable(t) ||
				pass.IsRoot(q) || pass.Config.IsGlobal(q) {
				continue
			}
			if c := lookalike(t, pass.Config); c != "" {
				pass.Reportf(t.Span, lint.TableObject(t),
					"%s has no tenant column (%s), but its column %s looks like one: if it marks the tenant, add %s to tenant_columns in tenantguard.yaml (`tenantguard init` writes one)",
					q, strings.Join(pass.Config.TenantColumns, ", "), c, c)
				continue
			}
			pass.Reportf(t.Span, lint.TableObject(t),
				"%s has no tenant column (%s) and is not declared shared: if it holds tenant data add the tenant column; if every tenant may read it, list it under global_tables in tenantguard.yaml",
				q, strings.Join(pass.Config.TenantColumns, ", "))
		}
	},
})

// lookalike returns a column of t spelt like a tenant column in another
// case style (organizationId for organization_id, as Prisma names them).
func lookalike(t *model.Table, cfg *lint.Config) string {
	for _, c := range t.Columns {
		if cfg.LooksLikeTenantColumn(c.Name) {
			return c.Name
		}
	}
	return ""
}
