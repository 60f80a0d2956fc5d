package probe

import (
	"github.com/tenantguard/tenantguard/lint/model"
)

// What the probe learns from a table's policies (as lint/introspect read
// them): which settings and claim keys carry the tenant, and which
// relations hold memberships. It follows the functions the policies call
// (has_role_on_account(...)) a few levels down.

const maxCallDepth = 3

// walkPolicies calls fn on every expression of t's policies and of the
// bodies of the functions they call, and onQuery on every query met.
func walkPolicies(cat *model.Catalog, t *model.Table, fn func(*model.Expr), onQuery func(*model.Query)) {
	seen := map[*model.Function]bool{}
	var visit func(e *model.Expr, depth int)
	var visitQuery func(q *model.Query, depth int)
	visit = func(e *model.Expr, depth int) {
		model.Walk(e, func(x *model.Expr) bool {
			fn(x)
			if x.Kind == model.SubLink && x.Query != nil && onQuery != nil {
				onQuery(x.Query)
			}
			if x.Kind == model.FuncCall && x.Func != nil && depth < maxCallDepth {
				for _, f := range cat.FunctionsNamed(*x.Func) {
					if seen[f] {
						continue
					}
					seen[f] = true
					for _, q := range f.Queries {
						visitQuery(q, depth+1)
					}
				}
			}
			return true
		})
	}
	visitQuery = func(q *model.Query, depth int) {
		if onQuery != nil {
			onQuery(q)
		}
		model.WalkQuery(q, func(x *model.Expr) bool {
			visit(x, depth)
			return false // visit walks the children itself
		})
	}
	for _, p := range t.Policies {
		for _, e := range []*model.Expr{p.Using, p.WithCheck} {
			if e != nil {
				visit(e, 0)
			}
		}
	}
}

// settingsRead returns the settings the policies read with
// current_setting('name').
func settingsRead(cat *model.Catalog, t *model.Table) map[string]bool {
	out := map[string]bool{}
	walkPolicies(cat, t, func(e *model.Expr) {
		if e.Kind == model.FuncCall && e.FuncName() == "current_setting" && len(e.Args) > 0 {
			if v, ok := constString(e.Args[0]); ok {
				out[v] = true
			}
		}
	}, nil)
	return out
}

// claimKeys returns the JSON keys the policies read with -> and ->>
// (the claim keys that may carry the tenant), except the standard ones.
func claimKeys(cat *model.Catalog, t *model.Table) map[string]bool {
	out := map[string]bool{}
	walkPolicies(cat, t, func(e *model.Expr) {
		if e.Kind != model.Op || (e.Op != "->>" && e.Op != "->") || len(e.Args) != 2 {
			return
		}
		if k, ok := constString(e.Args[1]); ok {
			switch k {
			case "app_metadata", "user_metadata", "sub", "role", "aud", "email", "phone", "exp", "iat", "iss", "session_id", "provider":
			default:
				out[k] = true
			}
		}
	}, nil)
	return out
}

// constString returns the value of a string constant, through casts
// ('app.current_tenant'::text, as pg_get_expr prints it).
func constString(e *model.Expr) (string, bool) {
	for e != nil && e.Kind == model.Cast && len(e.Args) == 1 {
		e = e.Args[0]
	}
	if e != nil && e.Kind == model.Const && e.Type == "string" {
		return e.Value, true
	}
	return "", false
}

// relationsRead returns the relations the policies' sub-selects and the
// functions they call read.
func relationsRead(cat *model.Catalog, t *model.Table) []model.QName {
	var out []model.QName
	seen := map[model.QName]bool{}
	walkPolicies(cat, t, func(*model.Expr) {}, func(q *model.Query) {
		for _, r := range q.Relations() {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	})
	return out
}
