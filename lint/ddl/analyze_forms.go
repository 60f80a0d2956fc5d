package ddl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tenantguard/tenantguard/lint/model"
)

// This file holds the less common shapes policies take in the wild: CASE
// and COALESCE conditions, JSON and array membership, checks that only
// admin roles pass, helper functions used as row sources, and rows tied
// to their tenant through a composite foreign key.

// passThrough are built-ins whose result carries the trust of their first
// argument: unnest(my_org_ids()), string_to_array(current_setting(...)).
var passThrough = map[string]bool{
	"unnest": true, "string_to_array": true, "regexp_split_to_array": true,
	"jsonb_array_elements_text": true, "jsonb_array_elements": true,
	"json_array_elements_text": true, "json_array_elements": true,
	"jsonb_object_keys": true, "json_object_keys": true,
}

// argument returns the value a helper was called with for parameter e
// (see helperValue); parameters left to their defaults are the
// function's own constants.
func (c *ctx) argument(e *model.Expr) (value, bool) {
	if c.args == nil || e.Kind != model.Param {
		return value{}, false
	}
	i, err := strconv.Atoi(e.Value)
	if err != nil || i < 1 {
		return value{}, false
	}
	if i > len(c.args) {
		return value{kind: vLiteral, how: "its default", expr: e}, true
	}
	v := c.args[i-1]
	if v.kind == vRowCol {
		// Another column of the calling row: whoever wrote the row chose
		// it, like a parameter (has_permission(owner_id, ...)).
		return value{kind: vParam, how: "the row's " + v.col, expr: e}, true
	}
	if v.how == "" {
		v.how = exprText(v.expr)
	}
	return v, true
}

// trustedValue reports whether v is a value the current user cannot
// choose: a tenant value, their own identity, or a trusted helper.
func trustedValue(v value) bool {
	return v.kind == vTenant || v.kind == vIdentity || v.kind == vExternal
}

// scopeCase judges CASE WHEN c1 THEN r1 ... ELSE rn END as the OR of its
// branches, each the AND of its guard and its result; a missing ELSE is
// NULL and lets nothing through (verified in pg_semantics_test.go).
func (a *analyzer) scopeCase(e *model.Expr, c *ctx) scopeResult {
	var worst scopeResult
	first := true
	take := func(r scopeResult) {
		if first || r.scope < worst.scope {
			worst, first = r, false
		}
	}
	for i := 0; i+1 < len(e.Args); i += 2 {
		cond, then := e.Args[i], e.Args[i+1]
		if cond == nil || then == nil {
			return unscoped(e, "the CASE could not be analysed")
		}
		if e.Arg != nil {
			cond = &model.Expr{Kind: model.Op, Op: "=", Args: []*model.Expr{e.Arg, cond}, Pos: cond.Pos}
		}
		g, r := a.scope(cond, c), a.scope(then, c)
		if g.scope > r.scope {
			r = g
		}
		if r.scope == model.Unscoped {
			r = unscoped(then, "when %s, the CASE yields %s", cond, caseResult(then, r))
		}
		take(r)
	}
	if e.Else == nil {
		take(scopeResult{scope: model.NoRows, how: "a CASE without ELSE yields NULL", at: e})
	} else {
		r := a.scope(e.Else, c)
		if r.scope == model.Unscoped {
			r = unscoped(e.Else, "otherwise the CASE yields %s", caseResult(e.Else, r))
		}
		take(r)
	}
	return worst
}

// caseResult describes an unscoped CASE result for messages.
func caseResult(then *model.Expr, r scopeResult) string {
	if x := stripCasts(then); x != nil && x.Kind == model.Const && x.Type == "bool" && x.Value == "true" {
		return "true for every row"
	}
	return fmt.Sprintf("`%s`, and %s", then, r.why)
}

// scopeCoalesce judges coalesce(cond, fallback...): the fallbacks apply
// when the condition is NULL, so a true fallback lets every row through
// and a false or NULL one lets none.
func (a *analyzer) scopeCoalesce(e *model.Expr, c *ctx) scopeResult {
	for _, x := range e.Args {
		if x == nil {
			return unscoped(e, "it does not compare the tenant column")
		}
	}
	if len(e.Args) == 0 {
		return unscoped(e, "it does not compare the tenant column")
	}
	worst := a.scope(e.Args[0], c)
	for _, x := range e.Args[1:] {
		r := a.scope(x, c)
		if r.scope == model.NoRows {
			continue
		}
		if x := stripCasts(x); x != nil && x.Kind == model.Const && x.Type == "bool" && x.Value == "true" {
			r = unscoped(e, "it falls back to true whenever %s is NULL", e.Args[0])
		}
		if r.scope < worst.scope {
			worst = r
		}
	}
	return worst
}

// scopeOpForms judges operators other than plain equality: membership
// in a JSON or array value (?, @>, <@, = ANY(row_array)) and comparisons
// of the role with an admin role.
func (a *analyzer) scopeOpForms(e *model.Expr, c *ctx) (scopeResult, bool) {
	switch {
	case e.Op == "?" && e.Quantifier == "":
		return a.scopeMember(e, e.Args[1], e.Args[0], c)
	case e.Op == "@>" && e.Quantifier == "":
		return a.scopeMember(e, e.Args[1], e.Args[0], c)
	case e.Op == "<@" && e.Quantifier == "":
		return a.scopeMember(e, e.Args[0], e.Args[1], c)
	case e.Op == "=" && e.Quantifier == "ANY":
		// auth.uid() = ANY(shared_with): the row lists the user.
		l, r := a.classify(e.Args[0], c), a.classify(e.Args[1], c)
		if l.kind != vRowCol && r.kind == vRowCol {
			return a.scopeListed(e, l, r, c), true
		}
	case (e.Op == "=" || e.Op == "IS NOT DISTINCT FROM") && e.Quantifier == "":
		l, r := a.classify(e.Args[0], c), a.classify(e.Args[1], c)
		for _, pair := range [][2]value{{l, r}, {r, l}} {
			if role, ok := a.adminRoleCheck(pair[0], pair[1]); ok {
				return scopeResult{scope: model.NoRows, how: "only " + role + " passes", at: e}, true
			}
		}
	}
	return scopeResult{}, false
}

// scopeMember judges "element is in container": container ? element,
// container @> element, element <@ container.
func (a *analyzer) scopeMember(e, elem, container *model.Expr, c *ctx) (scopeResult, bool) {
	ev, cv := a.classify(element(elem), c), a.classify(container, c)
	switch {
	case ev.kind == vRowCol:
		return a.compare(e, ev, cv, c), true
	case cv.kind == vRowCol:
		return a.scopeListed(e, ev, cv, c), true
	}
	return scopeResult{}, false
}

// element unwraps the single element of ARRAY[x], to_jsonb(x) and kin.
func element(e *model.Expr) *model.Expr {
	e = stripCasts(e)
	switch {
	case e == nil:
	case e.Kind == model.Array && len(e.Args) == 1:
		return element(e.Args[0])
	case e.Kind == model.FuncCall && e.Func == nil && len(e.Args) == 1:
		switch e.FuncName() {
		case "to_jsonb", "to_json", "jsonb_build_array", "json_build_array":
			return element(e.Args[0])
		}
	}
	return e
}

// scopeListed judges a row whose array column lists the current user or
// tenant: auth.uid() = ANY(shared_with), member_ids @> ARRAY[auth.uid()].
func (a *analyzer) scopeListed(e *model.Expr, v, list value, c *ctx) scopeResult {
	how := fmt.Sprintf("%s is listed in %s", v.how, list.col)
	switch v.kind {
	case vIdentity:
		return scopeResult{scope: model.SeatScoped, how: how, at: e}
	case vTenant, vExternal:
		if v.kind == vExternal {
			a.trusted = append(a.trusted, v.how)
		}
		if list.col == c.tenantCol && c.tenantCol != "" {
			return scopeResult{scope: model.TenantScoped, how: how, at: e}
		}
		return scopeResult{scope: model.ParentScoped, how: how, at: e}
	case vUntrusted:
		return unscoped(e, "it trusts %s, which users can edit themselves", v.how)
	}
	return unscoped(e, "it looks for %s in the row's %s, which does not tie the row to the current tenant", exprText(v.expr), list.col)
}

// adminRoleCheck reports whether role = lit compares the current role
// with one of the configured admin roles (auth.role() = 'service_role'):
// only that role passes, and it may bypass tenant isolation anyway.
func (a *analyzer) adminRoleCheck(role, lit value) (string, bool) {
	if lit.kind != vLiteral || !isRoleValue(role) {
		return "", false
	}
	name := stripCasts(lit.expr)
	if name == nil || name.Kind != model.Const || name.Type != "string" {
		return "", false
	}
	for _, r := range a.s.AdminRoles {
		if r == name.Value {
			return r, true
		}
	}
	return "", false
}

// adminInList judges auth.role() IN ('service_role', 'supabase_admin').
func (a *analyzer) adminInList(e *model.Expr, l value, c *ctx) (scopeResult, bool) {
	if !isRoleValue(l) || len(e.Args) < 2 {
		return scopeResult{}, false
	}
	var roles []string
	for _, x := range e.Args[1:] {
		role, ok := a.adminRoleCheck(l, a.classify(x, c))
		if !ok {
			return scopeResult{}, false
		}
		roles = append(roles, role)
	}
	return scopeResult{scope: model.NoRows, how: "only " + strings.Join(roles, ", ") + " pass", at: e}, true
}

// isRoleValue reports whether v is the current database or JWT role.
func isRoleValue(v value) bool {
	x := v.expr
	if x == nil {
		return false
	}
	switch v.kind {
	case vRole:
		if len(v.path) == 1 && strings.TrimSpace(v.path[0]) == "role" {
			return true
		}
		x = stripCasts(x)
		if x == nil || x.Kind != model.FuncCall {
			return false
		}
		if qualifiedName(x) == "auth.role" {
			return true
		}
		if x.FuncName() == "current_setting" && len(x.Args) > 0 {
			n := stripCasts(x.Args[0])
			return n.Kind == model.Const && strings.EqualFold(n.Value, "role")
		}
	case vIdentity:
		x = stripCasts(x)
		switch x.FuncName() { // nil-safe
		case "current_user", "session_user", "current_role":
			return x.Op == "SQLVALUE"
		}
	}
	return false
}

// keyedBySource reports whether a query's rows come from a source that is
// itself restricted to the current user or tenant: a helper returning the
// user's tenants (FROM my_org_ids() o), a derived table or a CTE that is
// such a lookup.
func (a *analyzer) keyedBySource(q *model.Query, c *ctx) (string, bool) {
	var how string
	var visit func(f *model.FromItem) bool
	visit = func(f *model.FromItem) bool {
		if f == nil || how != "" {
			return false
		}
		switch {
		case f.Func != nil:
			if v := a.classify(f.Func, c); trustedValue(v) {
				if v.kind == vExternal {
					a.trusted = append(a.trusted, v.how)
				}
				how = v.how
				return true
			}
		case f.Query != nil:
			if v, ok := a.lookup(f.Query, c); ok && trustedValue(v) {
				how = v.how
				return true
			}
		case f.Relation == nil && len(f.Written) > 0 && len(q.With) > 0:
			// A common table expression of this query.
			for _, w := range q.With {
				if v, ok := a.lookup(w, c); !ok || !trustedValue(v) {
					return false
				}
			}
			how = "a lookup in WITH " + strings.Join(f.Written, ".")
			return true
		case f.JoinType == "JOIN":
			return visit(f.Left) || visit(f.Right)
		}
		return false
	}
	for _, f := range q.From {
		if visit(f) {
			return how, true
		}
	}
	return "", false
}

// fkPinsTenant reports whether a composite foreign key of the protected
// table ties its tenant column to the tenant of the row that column col
// points at: FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id).
// A row whose team_id is scoped then has its org_id scoped too.
func (a *analyzer) fkPinsTenant(c *ctx, col string) (string, bool) {
	if c.table == nil || c.tenantCol == "" || col == c.tenantCol {
		return "", false
	}
	for _, k := range c.table.Constraints {
		if k.Kind != model.ForeignKey || len(k.RefColumns) != len(k.Columns) {
			continue
		}
		ti, ci := indexOf(k.Columns, c.tenantCol), indexOf(k.Columns, col)
		if ti < 0 || ci < 0 {
			continue
		}
		ref := a.cat.Table(k.RefTable)
		if ref == nil || a.s.TenantColumn(ref) != k.RefColumns[ti] {
			continue
		}
		return fmt.Sprintf("FOREIGN KEY (%s) REFERENCES %s (%s) ties %s to the tenant of that %s",
			strings.Join(k.Columns, ", "), k.RefTable, strings.Join(k.RefColumns, ", "), c.tenantCol, k.RefTable.Name), true
	}
	return "", false
}

// parentOrTenant returns the verdict on a row tied to the current tenant
// through column col (not its tenant column): tenant-scoped when a
// composite foreign key pins the tenant column to the parent's tenant,
// parent-scoped otherwise.
func (a *analyzer) parentOrTenant(c *ctx, col, how string, at *model.Expr) scopeResult {
	if fk, ok := a.fkPinsTenant(c, col); ok {
		return scopeResult{scope: model.TenantScoped, how: how + "; " + fk, at: at}
	}
	return scopeResult{scope: model.ParentScoped, how: how, at: at}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// selfComparison returns a condition that compares an inner column with
// itself, the mark of an unqualified name that meant the outer row:
// EXISTS (SELECT 1 FROM members WHERE members.org_id = org_id ...).
func selfComparison(conds []*model.Expr) *model.Expr {
	for _, cond := range conds {
		if cond.Kind != model.Op || cond.Op != "=" || len(cond.Args) != 2 {
			continue
		}
		l, r := stripCasts(cond.Args[0]), stripCasts(cond.Args[1])
		if l != nil && r != nil && l.Kind == model.ColumnRef && r.Kind == model.ColumnRef && l.Rel != nil && r.Rel != nil &&
			*l.Rel == *r.Rel && l.Depth == r.Depth && l.Column() == r.Column() {
			return cond
		}
	}
	return nil
}

// levelScoped reports whether the conditions of one query level (WHERE
// and inner join ON clauses) tie the protected table's rows to the
// current tenant or user: one condition alone (org_id = setting), or the
// other relations of the level acting as a membership lookup (FROM docs
// d JOIN members m ON m.org_id = d.org_id WHERE m.user_id = auth.uid()),
// judged like the equivalent EXISTS.
func (a *analyzer) levelScoped(conds []*model.Expr, c *ctx) bool {
	for _, cond := range conds {
		if a.scope(cond, c).scope >= model.SeatScoped {
			return true
		}
	}
	if len(conds) < 2 {
		return false
	}
	joined := &model.Query{Kind: "SELECT", Where: &model.Expr{Kind: model.And, Args: conds}}
	return a.scopeExists(nil, joined, c).scope >= model.SeatScoped
}

// crossJoined reports whether, in query level q, relation from is
// certainly not tied to the relations its key conditions restrict to the
// current user or tenant: SELECT o.id FROM orgs o, members m WHERE
// m.user_id = auth.uid() returns every org, however the members rows are
// keyed. It answers false whenever it cannot tell (functions, sub-selects,
// USING joins, self-joins, relations the files do not define).
func (a *analyzer) crossJoined(q *model.Query, from *model.QName, c *ctx) bool {
	if from == nil {
		return false
	}
	rels := map[model.QName]bool{}
	plain := true
	var visit func(f *model.FromItem)
	visit = func(f *model.FromItem) {
		switch {
		case f == nil:
		case f.Relation != nil:
			if rels[*f.Relation] || a.cat.Table(*f.Relation) == nil && a.cat.View(*f.Relation) == nil {
				plain = false
			}
			rels[*f.Relation] = true
		case f.Left != nil || f.Right != nil:
			visit(f.Left)
			visit(f.Right)
		default:
			plain = false
		}
	}
	for _, f := range q.From {
		visit(f)
	}
	if !plain || len(rels) < 2 || !rels[*from] {
		return false
	}
	parent := map[model.QName]model.QName{}
	var find func(x model.QName) model.QName
	find = func(x model.QName) model.QName {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		return x
	}
	var keyed []model.QName
	for _, cond := range queryConditions(q) {
		unknown := false
		model.Walk(cond, func(x *model.Expr) bool {
			if x.Kind == model.ColumnRef && x.Rel == nil {
				unknown = true
			}
			return x.Kind != model.SubLink
		})
		if unknown {
			return false
		}
		if _, ok := a.keyCondition(cond, c); ok {
			rel := keyRel(cond, rels)
			if rel == nil {
				return false
			}
			keyed = append(keyed, *rel)
			continue
		}
		if cond.Kind == model.Op && (cond.Op == "=" || cond.Op == "IS NOT DISTINCT FROM") && len(cond.Args) == 2 {
			l, r := stripCasts(cond.Args[0]), stripCasts(cond.Args[1])
			if l != nil && r != nil && l.Kind == model.ColumnRef && r.Kind == model.ColumnRef && l.Rel != nil && r.Rel != nil && rels[*l.Rel] && rels[*r.Rel] {
				parent[find(*l.Rel)] = find(*r.Rel)
			}
		}
	}
	if len(keyed) == 0 {
		return false
	}
	for _, k := range keyed {
		if find(k) == find(*from) {
			return false
		}
	}
	return true
}

// keyRel returns the relation of the level whose column a key condition
// restricts (m in m.user_id = auth.uid()), nil when unclear.
func keyRel(cond *model.Expr, rels map[model.QName]bool) *model.QName {
	var found *model.QName
	ambiguous := false
	var args []*model.Expr
	switch cond.Kind {
	case model.Op, model.FuncCall:
		args = cond.Args
	case model.SubLink:
		args = cond.Args
	}
	for _, x := range args {
		x = stripCasts(x)
		if x != nil && x.Kind == model.ColumnRef && x.Rel != nil && rels[*x.Rel] {
			if found != nil && *found != *x.Rel {
				ambiguous = true
			}
			found = x.Rel
		}
	}
	if ambiguous {
		return nil
	}
	return found
}

// targetRel returns the relation a single-column lookup returns a column
// of, nil when it returns anything else.
func targetRel(q *model.Query) *model.QName {
	if len(q.Targets) != 1 {
		return nil
	}
	t := stripCasts(q.Targets[0])
	if t == nil || t.Kind != model.ColumnRef {
		return nil
	}
	return t.Rel
}

// corrRel returns the inner relation of a correlation condition
// (m in m.org_id = docs.org_id).
func (a *analyzer) corrRel(cond *model.Expr, c *ctx) *model.QName {
	for _, x := range cond.Args {
		x = stripCasts(x)
		if x != nil && x.Kind == model.ColumnRef {
			if _, row := c.rowColumn(x); !row {
				return x.Rel
			}
		}
	}
	return nil
}

// scopeDerived judges a value computed from a column of the row compared
// with the current user or tenant: (storage.foldername(path))[1] =
// auth.uid()::text keeps the row to the user's own folder (seat-level),
// but says nothing about the row's tenant column.
func (a *analyzer) scopeDerived(e, derived *model.Expr, v value, c *ctx) (scopeResult, bool) {
	col := a.rowDerived(derived, c)
	if col == "" {
		return scopeResult{}, false
	}
	switch v.kind {
	case vIdentity:
		how := fmt.Sprintf("%s (computed from the row's %s) is %s", derived, col, v.how)
		return scopeResult{scope: model.SeatScoped, how: how, at: e}, true
	case vTenant, vExternal:
		if v.kind == vExternal {
			a.trusted = append(a.trusted, v.how)
		}
		how := fmt.Sprintf("%s (computed from the row's %s) tied to %s", derived, col, v.how)
		return scopeResult{scope: model.ParentScoped, how: how, at: e}, true
	case vUntrusted:
		return unscoped(e, "it trusts %s, which users can edit themselves", v.how), true
	}
	return scopeResult{}, false
}

// rowDerived returns the column of the protected row that expression e is
// computed from (outside sub-selects), "" when none.
func (a *analyzer) rowDerived(e *model.Expr, c *ctx) string {
	col := ""
	model.Walk(e, func(x *model.Expr) bool {
		if col != "" || x.Kind == model.SubLink {
			return false
		}
		if name, ok := c.rowColumn(x); ok {
			col = name
			return false
		}
		return true
	})
	return col
}

// argKinds summarises what a call passes, for memoising helper verdicts
// per kind of argument.
func argKinds(args []value) []vkind {
	out := make([]vkind, len(args))
	for i, v := range args {
		out[i] = v.kind
	}
	return out
}
