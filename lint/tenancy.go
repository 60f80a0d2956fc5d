package lint

import (
	"github.com/tenantguard/tenantguard/lint/model"
)

// Tenancy classifies the tables of a catalog under a Config.
type Tenancy struct {
	tenantColumn map[*model.Table]string
	teamColumn   map[*model.Table]string
	roots        map[model.QName]bool
}

// Classify decides which tables are tenant-scoped. A table is
// tenant-scoped when it has one of the tenant columns, is in a checked
// schema, is not declared global, and is not the tenant root. The root is
// the table the tenant columns reference: the target of a foreign key from
// a tenant column, or a table whose tenant column is its whole primary key
// without referencing another table.
func Classify(cat *model.Catalog, cfg *Config) *Tenancy {
	tn := &Tenancy{
		tenantColumn: map[*model.Table]string{},
		teamColumn:   map[*model.Table]string{},
		roots:        map[model.QName]bool{},
	}
	tables := cat.Tables()
	for _, t := range tables {
		for _, c := range t.Constraints {
			if c.Kind == model.ForeignKey && len(c.Columns) == 1 && contains(cfg.TenantColumns, c.Columns[0]) && c.RefTable != t.QName() {
				tn.roots[c.RefTable] = true
			}
		}
	}
	for _, t := range tables {
		col := tenantColumnOf(t, cfg.TenantColumns)
		if col == "" {
			continue
		}
		if isOwnPrimaryKey(t, col) && !hasForeignKeyOn(t, col) {
			tn.roots[t.QName()] = true
		}
	}
	// A partition of the root is part of the root.
	for _, t := range tables {
		if t.PartitionOf != nil && tn.roots[*t.PartitionOf] {
			tn.roots[t.QName()] = true
		}
	}
	for _, t := range tables {
		if !cfg.ChecksSchema(t.Schema) || cfg.IsGlobal(t.QName()) || tn.roots[t.QName()] {
			continue
		}
		if col := tenantColumnOf(t, cfg.TenantColumns); col != "" {
			tn.tenantColumn[t] = col
			if team := tenantColumnOf(t, cfg.TeamColumns); team != "" {
				tn.teamColumn[t] = team
			}
		}
	}
	return tn
}

// tenantColumnOf returns the first configured column the table has, in
// the order of the configuration.
func tenantColumnOf(t *model.Table, cols []string) string {
	for _, name := range cols {
		if t.Column(name) != nil {
			return name
		}
	}
	return ""
}

func isOwnPrimaryKey(t *model.Table, col string) bool {
	for _, c := range t.Constraints {
		if c.Kind == model.PrimaryKey && len(c.Columns) == 1 && c.Columns[0] == col {
			return true
		}
	}
	return false
}

func hasForeignKeyOn(t *model.Table, col string) bool {
	for _, c := range t.Constraints {
		if c.Kind == model.ForeignKey && contains(c.Columns, col) {
			return true
		}
	}
	return false
}

// TenantColumn returns the tenant column of a tenant-scoped table.
func (tn *Tenancy) TenantColumn(t *model.Table) (string, bool) {
	c, ok := tn.tenantColumn[t]
	return c, ok
}

// TeamColumn returns the team column of a tenant-scoped table.
func (tn *Tenancy) TeamColumn(t *model.Table) (string, bool) {
	c, ok := tn.teamColumn[t]
	return c, ok
}

// IsTenantTable reports whether t is tenant-scoped.
func (tn *Tenancy) IsTenantTable(t *model.Table) bool {
	_, ok := tn.tenantColumn[t]
	return ok
}

// IsRoot reports whether q is the tenant root table.
func (tn *Tenancy) IsRoot(q model.QName) bool { return tn.roots[q] }

// TenantTables returns the tenant-scoped tables sorted by name.
func (tn *Tenancy) TenantTables(cat *model.Catalog) []*model.Table {
	var out []*model.Table
	for _, t := range cat.Tables() {
		if tn.IsTenantTable(t) {
			out = append(out, t)
		}
	}
	return out
}
