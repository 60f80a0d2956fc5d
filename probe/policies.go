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

// stripCasts returns e without the casts around it.
func stripCasts(e *model.Expr) *model.Expr {
	for e != nil && e.Kind == model.Cast && len(e.Args) == 1 {
		e = e.Args[0]
	}
	return e
}

// namedIn reports whether e (through casts) is a column or a named
// parameter whose name is in names.
func namedIn(e *model.Expr, names map[string]bool) bool {
	e = stripCasts(e)
	if e == nil || (e.Kind != model.ColumnRef && e.Kind != model.Param) || len(e.Names) == 0 {
		return false
	}
	return names[e.Names[len(e.Names)-1]]
}

// comparisons calls fn on both orders of the two operands of every
// equality-like comparison of the policies (and the functions they call):
// a = b, a IN (...), a = ANY (...).
func comparisons(cat *model.Catalog, t *model.Table, fn func(side, other *model.Expr)) {
	walkPolicies(cat, t, func(e *model.Expr) {
		switch {
		case e.Kind == model.Op && len(e.Args) == 2 && (e.Op == "=" || e.Op == "IS NOT DISTINCT FROM"):
			fn(e.Args[0], e.Args[1])
			fn(e.Args[1], e.Args[0])
		case e.Kind == model.InList && len(e.Args) > 1 && e.Op == "IN":
			for _, o := range e.Args[1:] {
				fn(e.Args[0], o)
				fn(o, e.Args[0])
			}
		case e.Kind == model.SubLink && e.Op == "ANY" && e.SubOp == "=" && len(e.Args) == 1 && e.Query != nil:
			for _, x := range targets(e.Query) {
				fn(e.Args[0], x)
			}
		}
	}, nil)
}

// keysIn returns the claim keys an expression reads with -> and ->>,
// directly or in the bodies of the functions it calls (auth.tenant_id()).
func keysIn(cat *model.Catalog, e *model.Expr, out map[string]bool) {
	seen := map[*model.Function]bool{}
	var visit func(e *model.Expr, depth int)
	visit = func(e *model.Expr, depth int) {
		model.Walk(e, func(x *model.Expr) bool {
			if x.Kind == model.Op && (x.Op == "->>" || x.Op == "->") && len(x.Args) == 2 {
				if k, ok := constString(x.Args[1]); ok {
					out[k] = true
				}
			}
			if x.Kind == model.SubLink && x.Query != nil && x.Op != "EXISTS" {
				for _, y := range targets(x.Query) {
					visit(y, depth)
				}
			}
			if x.Kind == model.FuncCall && x.Func != nil && depth < maxCallDepth {
				for _, f := range cat.FunctionsNamed(*x.Func) {
					if seen[f] {
						continue
					}
					seen[f] = true
					for _, q := range f.Queries {
						for _, y := range targets(q) {
							visit(y, depth+1)
						}
					}
				}
			}
			return true
		})
	}
	visit(e, 0)
}

// targets returns what a query returns (its select lists, UNION arms
// included): the values a sub-select or a function body yields, not the
// keys its WHERE reads (auth.uid() reads sub).
func targets(q *model.Query) []*model.Expr {
	if q == nil {
		return nil
	}
	out := append([]*model.Expr(nil), q.Targets...)
	for _, o := range q.SetOps {
		out = append(out, targets(o)...)
	}
	return out
}

// tenantClaimKeys returns the claim keys the policies compare with a
// tenant column (names: the tenant column names): the keys whose value a
// member of tenant A has set to A. Other keys the policies read (aal, a
// plan, a flag) do not carry the tenant.
func tenantClaimKeys(cat *model.Catalog, t *model.Table, names map[string]bool) map[string]bool {
	out := map[string]bool{}
	comparisons(cat, t, func(side, other *model.Expr) {
		if namedIn(side, names) {
			keysIn(cat, other, out)
		}
	})
	for _, k := range []string{"app_metadata", "user_metadata", "sub", "role", "aud", "email", "phone", "session_id", "aal", "amr", "is_anonymous", "iss", "iat", "exp"} {
		delete(out, k) // never the tenant
	}
	return out
}

// claimConstants returns, for each claim key the policies compare with a
// string constant ((auth.jwt() ->> 'aal') = 'aal2'), those constants.
func claimConstants(cat *model.Catalog, t *model.Table) map[string][]string {
	out := map[string][]string{}
	comparisons(cat, t, func(side, other *model.Expr) {
		s := stripCasts(side)
		if s == nil || s.Kind != model.Op || (s.Op != "->>" && s.Op != "->") || len(s.Args) != 2 {
			return
		}
		k, ok := constString(s.Args[1])
		if !ok {
			return
		}
		if v, ok := constString(other); ok && !contains(out[k], v) {
			out[k] = append(out[k], v)
		}
	})
	return out
}

// allClaimKeys returns every JSON key the policies read with -> and ->>.
func allClaimKeys(cat *model.Catalog, t *model.Table) map[string]bool {
	out := map[string]bool{}
	walkPolicies(cat, t, func(e *model.Expr) {
		if e.Kind == model.Op && (e.Op == "->>" || e.Op == "->") && len(e.Args) == 2 {
			if k, ok := constString(e.Args[1]); ok {
				out[k] = true
			}
		}
	}, nil)
	return out
}

// readsUID reports whether e reads the current user's id: auth.uid(),
// the sub claim, or request.jwt.claim.sub.
func readsUID(cat *model.Catalog, e *model.Expr) bool {
	found := false
	model.Walk(e, func(x *model.Expr) bool {
		switch {
		case x.Kind == model.FuncCall && x.FuncName() == "uid":
			found = true
		case x.Kind == model.FuncCall && x.FuncName() == "current_setting" && len(x.Args) > 0:
			if v, ok := constString(x.Args[0]); ok && v == "request.jwt.claim.sub" {
				found = true
			}
		case x.Kind == model.Op && x.Op == "->>" && len(x.Args) == 2:
			if v, ok := constString(x.Args[1]); ok && v == "sub" {
				found = true
			}
		case x.Kind == model.SubLink && x.Query != nil:
			model.WalkQuery(x.Query, func(y *model.Expr) bool {
				found = found || readsUID(cat, y)
				return false
			})
		}
		return !found
	})
	return found
}

// seatColumns returns, for each permissive UPDATE policy of t that
// applies to role, the columns of the row its USING ties to the current
// user (author_id = auth.uid()); all reports whether every such policy
// has one (the rows a user may update are then only their own).
func seatColumns(cat *model.Catalog, t *model.Table, role string) (cols []string, all bool) {
	all = true
	n := 0
	for _, pol := range t.Policies {
		if !pol.Permissive || !pol.Applies(model.Update) || pol.Using == nil || !appliesTo(pol, role) {
			continue
		}
		n++
		var mine []string
		var conj func(e *model.Expr)
		conj = func(e *model.Expr) {
			if e == nil {
				return
			}
			if e.Kind == model.And {
				for _, a := range e.Args {
					conj(a)
				}
				return
			}
			if e.Kind == model.Op && e.Op == "=" && len(e.Args) == 2 {
				for i := 0; i < 2; i++ {
					c := stripCasts(e.Args[i])
					if c != nil && c.Kind == model.ColumnRef && c.Depth == 0 && t.Column(c.Column()) != nil && readsUID(cat, e.Args[1-i]) {
						mine = append(mine, c.Column())
					}
				}
			}
		}
		conj(pol.Using)
		if len(mine) == 0 {
			all = false
		}
		for _, c := range mine {
			if !contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	return cols, all && n > 0
}

func appliesTo(pol *model.Policy, role string) bool {
	for _, r := range pol.Roles {
		if r == role || r == "PUBLIC" || r == "public" {
			return true
		}
	}
	return len(pol.Roles) == 0
}
