package lint

import (
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// checkList lists, rule by rule, the objects each rule examined. Rules of
// the same scope examine the same objects: each scope's objects are
// listed once and copied for each of its rules.
func checkList(rules []*Rule, cat *model.Catalog, cfg *Config, tn *Tenancy) []Check {
	inScope := map[Scope][]Check{}
	n := 0
	for _, r := range rules {
		objs, ok := inScope[r.Scope]
		if !ok {
			objs = objectsIn(r.Scope, cat, cfg, tn)
			inScope[r.Scope] = objs
		}
		n += len(objs)
	}
	out := make([]Check, 0, n)
	for _, r := range rules {
		start := len(out)
		out = append(out, inScope[r.Scope]...)
		for i := start; i < len(out); i++ {
			out[i].Rule = r.Name
		}
	}
	return out
}

// objectsIn lists the objects of a scope as checks without a rule.
func objectsIn(scope Scope, cat *model.Catalog, cfg *Config, tn *Tenancy) []Check {
	var out []Check
	add := func(obj Object, span source.Span) {
		c := Check{Object: obj.Name, ObjectKind: obj.Kind}
		if span.IsValid() {
			c.File = span.Path()
			c.Line = span.StartPos().Line
		}
		out = append(out, c)
	}
	switch scope {
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
			out = append(out, Check{Object: f.Path, ObjectKind: "file", File: f.Path})
		}
	}
	return out
}
