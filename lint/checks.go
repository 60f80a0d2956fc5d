package lint

import (
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// checksFor lists the objects a rule examined.
func checksFor(r *Rule, cat *model.Catalog, cfg *Config, tn *Tenancy) []Check {
	var out []Check
	add := func(obj Object, span source.Span) {
		c := Check{Rule: r.Name, Object: obj.Name, ObjectKind: obj.Kind}
		if span.IsValid() {
			c.File = span.Path()
			c.Line = span.StartPos().Line
		}
		out = append(out, c)
	}
	switch r.Scope {
	case ScopeTenantTables:
		for _, t := range tn.TenantTables(cat) {
			add(TableObject(t), t.Span)
		}
	case ScopeTables:
		for _, t := range cat.Tables() {
			if cfg.ChecksSchema(t.Schema) {
				add(TableObject(t), t.Span)
			}
		}
	case ScopePolicies:
		for _, t := range tn.TenantTables(cat) {
			for _, p := range t.Policies {
				add(PolicyObject(p), p.Span)
			}
		}
	case ScopeViews:
		for _, v := range cat.Views() {
			if cfg.ChecksSchema(v.Schema) {
				add(ViewObject(v), v.Span)
			}
		}
	case ScopeFunctions:
		for _, f := range cat.Functions() {
			if cfg.ChecksSchema(f.Schema) {
				add(FunctionObject(f), f.Span)
			}
		}
	case ScopeRoles:
		for _, ro := range cat.SortedRoles() {
			add(RoleObject(ro), ro.Span)
		}
	case ScopeFiles:
		for _, f := range cat.Files {
			out = append(out, Check{Rule: r.Name, Object: f.Path, ObjectKind: "file", File: f.Path})
		}
	}
	return out
}
