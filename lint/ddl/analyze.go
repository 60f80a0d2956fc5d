package ddl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tenantguard/tenantguard/lint/model"
)

// Settings tell the analysis what the project's tenancy looks like.
type Settings struct {
	// TenantColumn returns the tenant column of a tenant-scoped table, ""
	// for other tables.
	TenantColumn func(*model.Table) string
	// TenantSetting is the session setting that carries the tenant
	// (app.current_tenant); "" trusts any custom setting.
	TenantSetting string
	// TenantFunctions are helper functions trusted to scope rows to the
	// current tenant (qualified or bare names).
	TenantFunctions []string
	// AdminRoles are the roles allowed to bypass tenant isolation
	// (service_role): a branch that passes only for them lets no tenant
	// user's row through.
	AdminRoles []string
}

// Analyze computes the tenant analysis of every policy and function of
// the catalog (Policy.Analysis, Function.Analysis). It reads only the
// model, so catalogs from migrations and from live databases are analysed
// the same way.
func Analyze(cat *model.Catalog, s Settings) {
	a := &analyzer{cat: cat, s: s, memo: map[string]scopeResult{}, busy: map[string]bool{}}
	for _, t := range cat.Tables() {
		col := s.TenantColumn(t)
		for _, p := range t.Policies {
			p.Analysis = a.policy(t, col, p)
			for _, tr := range p.Analysis.Trusted {
				cat.Notes = append(cat.Notes, model.Note{Span: p.At(), Object: p.Table.String() + "." + p.Name,
					Message: "policy " + p.Name + " on " + p.Table.String() + ": " + tr})
			}
		}
	}
	for _, f := range cat.Functions() {
		f.Analysis = a.function(f)
	}
	for _, v := range cat.Views() {
		v.Analysis = a.view(v)
	}
}

// view finds the tenant tables a view exposes and those its own WHERE
// scopes.
func (a *analyzer) view(v *model.View) *model.ViewAnalysis {
	va := &model.ViewAnalysis{}
	for _, r := range v.Reads {
		va.TenantReads = append(va.TenantReads, a.tenantTablesBehind(r, map[model.QName]bool{v.QName(): true})...)
	}
	va.TenantReads = uniqueQNames(va.TenantReads)
	if v.Query == nil {
		return va
	}
	for _, rel := range levelRelations(v.Query) {
		t := a.cat.Table(rel)
		if t == nil || a.s.TenantColumn(t) == "" {
			continue
		}
		c := &ctx{table: t, tenantCol: a.s.TenantColumn(t)}
		if a.levelScoped(queryConditions(v.Query), c) {
			va.Scoped = append(va.Scoped, rel)
		}
	}
	return va
}

type analyzer struct {
	cat *model.Catalog
	s   Settings
	// memo caches helper-function verdicts by function and bound
	// parameter; busy guards against recursion.
	memo map[string]scopeResult
	busy map[string]bool
	// trusted collects what the current policy's analysis took on trust.
	trusted []string
}

// ctx says what "the protected row" is: in a policy, the columns of the
// policy's table at query depth 0; in a helper function's body, the
// parameter bound to the row's column.
type ctx struct {
	table     *model.Table
	tenantCol string
	// param is the 1-based index of the parameter bound to the row's
	// column (helper functions), 0 in policies; paramName its name.
	param     int
	paramName string
	// fn is the function whose body is analysed (nil in policies).
	fn *model.Function
	// args are the values a helper was called with, by parameter
	// position, when its body is read for the value it returns.
	args []value
}

// rowColumn returns the column of the protected row that e refers to.
func (c *ctx) rowColumn(e *model.Expr) (string, bool) {
	switch e.Kind {
	case model.ColumnRef:
		if c.table != nil && e.Depth == 0 && e.Rel != nil && *e.Rel == c.table.QName() {
			return e.Column(), true
		}
	case model.Param:
		if c.param > 0 && (e.Value == strconv.Itoa(c.param) || len(e.Names) > 0 && e.Names[0] == c.paramName) {
			return c.tenantCol, true
		}
	}
	return "", false
}

func (a *analyzer) policy(t *model.Table, tenantCol string, p *model.Policy) *model.PolicyAnalysis {
	a.trusted = nil
	c := &ctx{table: t, tenantCol: tenantCol}
	pa := &model.PolicyAnalysis{}
	if p.Using != nil {
		pa.Using = a.expr(p.Using, c)
	}
	if p.WithCheck != nil {
		pa.Check = a.expr(p.WithCheck, c)
	}
	for _, e := range []*model.Expr{p.Using, p.WithCheck} {
		pa.UserMetadata = append(pa.UserMetadata, a.metadataReads(e, nil, map[string]bool{})...)
	}
	pa.Trusted = dedupe(a.trusted)
	return pa
}

// expr splits an expression into OR branches and scopes each.
func (a *analyzer) expr(e *model.Expr, c *ctx) *model.ExprAnalysis {
	ea := &model.ExprAnalysis{}
	for _, br := range orBranches(e) {
		r := a.scope(br, c)
		b := &model.Branch{Expr: br, Scope: r.scope, How: r.how, Why: r.why, At: r.at}
		if r.scope == model.TenantScoped {
			b.Tenant = c.tenantCol
		}
		if b.At == nil {
			b.At = br
		}
		ea.Branches = append(ea.Branches, b)
	}
	ea.Fallbacks = a.fallbacks(e)
	return ea
}

func orBranches(e *model.Expr) []*model.Expr {
	if e.Kind == model.Or {
		var out []*model.Expr
		for _, x := range e.Args {
			out = append(out, orBranches(x)...)
		}
		return out
	}
	return []*model.Expr{e}
}

func andConjuncts(e *model.Expr) []*model.Expr {
	if e == nil {
		return nil
	}
	if e.Kind == model.And {
		var out []*model.Expr
		for _, x := range e.Args {
			out = append(out, andConjuncts(x)...)
		}
		return out
	}
	return []*model.Expr{e}
}

// scopeResult is the verdict on one (sub-)expression.
type scopeResult struct {
	scope model.Scope
	how   string
	why   string
	at    *model.Expr
}

func unscoped(at *model.Expr, format string, args ...any) scopeResult {
	return scopeResult{scope: model.Unscoped, why: fmt.Sprintf(format, args...), at: at}
}

// scope decides how a boolean expression ties the protected row to the
// current tenant or user.
func (a *analyzer) scope(e *model.Expr, c *ctx) scopeResult {
	switch e.Kind {
	case model.And:
		// The strongest conjunct scopes the whole.
		var best, firstWhy scopeResult
		for _, x := range e.Args {
			r := a.scope(x, c)
			if r.scope > best.scope || best.at == nil {
				best = r
			}
			if firstWhy.at == nil && r.scope == model.Unscoped {
				firstWhy = r
			}
		}
		if best.scope == model.Unscoped {
			return unscoped(e, "none of its conditions ties the row to the current tenant")
		}
		return best
	case model.Or:
		// Every branch must be scoped; the weakest decides.
		var worst scopeResult
		for i, x := range e.Args {
			r := a.scope(x, c)
			if i == 0 || r.scope < worst.scope {
				worst = r
			}
		}
		return worst
	case model.Not:
		return unscoped(e, "a negation does not tie the row to the current tenant")
	case model.Const:
		if e.Type == "bool" && e.Value == "true" {
			return unscoped(e, "it is always true")
		}
		if e.Type == "null" || e.Type == "bool" && e.Value == "false" {
			return scopeResult{scope: model.NoRows, how: "it is never true", at: e}
		}
		return unscoped(e, "it is a constant")
	case model.Case:
		return a.scopeCase(e, c)
	case model.Op:
		return a.scopeOp(e, c)
	case model.SubLink:
		switch e.Op {
		case "EXISTS":
			return a.scopeExists(e, e.Query, c)
		case "ANY":
			if e.SubOp == "=" && len(e.Args) == 1 {
				return a.scopeIn(e, e.Args[0], e.Query, c)
			}
		case "EXPR":
			// (SELECT <boolean>) as a condition.
			if q := e.Query; q != nil && len(q.From) == 0 && len(q.Targets) == 1 {
				return a.scope(q.Targets[0], c)
			}
			if q := e.Query; q != nil && len(q.Targets) == 1 {
				return a.scopeExists(e, q, c)
			}
		}
		return unscoped(e, "the sub-select is not tied to the row's tenant")
	case model.InList:
		return a.scopeInList(e, c)
	case model.FuncCall:
		if e.FuncName() == "coalesce" && e.Func == nil {
			return a.scopeCoalesce(e, c)
		}
		return a.scopeCall(e, c)
	case model.Cast:
		if len(e.Args) == 1 {
			return a.scope(e.Args[0], c)
		}
	case model.BoolTest:
		if (e.Op == "IS TRUE" || e.Op == "IS NOT FALSE") && len(e.Args) == 1 {
			return a.scope(e.Args[0], c)
		}
	}
	return unscoped(e, "it does not compare the tenant column")
}

func (a *analyzer) scopeOp(e *model.Expr, c *ctx) scopeResult {
	if len(e.Args) != 2 {
		return unscoped(e, "it does not compare the tenant column")
	}
	if x := boolOperand(e); x != nil {
		return a.scope(x, c)
	}
	if r, ok := a.scopeOpForms(e, c); ok {
		return r
	}
	switch e.Op {
	case "=", "IS NOT DISTINCT FROM":
	default:
		return unscoped(e, "%s does not tie a column to one tenant", e.Op)
	}
	l, r := a.classify(e.Args[0], c), a.classify(e.Args[1], c)
	if e.Quantifier == "ANY" {
		// col = ANY(array)
		if l.kind == vRowCol {
			return a.compare(e, l, a.arrayValue(e.Args[1], r, c), c)
		}
		return unscoped(e, "it does not compare the tenant column")
	}
	if e.Quantifier != "" {
		return unscoped(e, "= %s(...) does not tie the row to one tenant", e.Quantifier)
	}
	if l.kind == vRowCol {
		return a.compare(e, l, r, c)
	}
	if r.kind == vRowCol {
		return a.compare(e, r, l, c)
	}
	if res, ok := a.scopeDerived(e, e.Args[0], r, c); ok {
		return res
	}
	if res, ok := a.scopeDerived(e, e.Args[1], l, c); ok {
		return res
	}
	for _, v := range []value{l, r} {
		switch v.kind {
		case vRole:
			return unscoped(e, "it checks %s, which is the same for every user of every tenant", v.how)
		case vIdentity:
			return unscoped(e, "it checks who the user is (%s), not which tenant the row belongs to", v.how)
		}
	}
	return unscoped(e, "it does not compare a column of the row")
}

// boolOperand returns x for the spelled-out forms of a condition x:
// x = true, true = x, x IS NOT DISTINCT FROM true and x <> false
// (basejump writes has_role_on_account(id) = true): each is true exactly
// when x is. Not x IS DISTINCT FROM false, which is true when x is NULL.
func boolOperand(e *model.Expr) *model.Expr {
	if e.Quantifier != "" || len(e.Args) != 2 {
		return nil
	}
	var want string
	switch e.Op {
	case "=", "IS NOT DISTINCT FROM":
		want = "true"
	case "<>", "!=":
		want = "false"
	default:
		return nil
	}
	isBool := func(x *model.Expr) bool {
		return x != nil && x.Kind == model.Const && x.Type == "bool" && x.Value == want
	}
	switch {
	case isBool(e.Args[1]) && !isBool(e.Args[0]):
		return e.Args[0]
	case isBool(e.Args[0]) && !isBool(e.Args[1]):
		return e.Args[1]
	}
	return nil
}

// compare judges row = value.
func (a *analyzer) compare(e *model.Expr, row, v value, c *ctx) scopeResult {
	isTenant := row.col == c.tenantCol && c.tenantCol != ""
	switch v.kind {
	case vTenant, vExternal:
		if v.kind == vExternal {
			a.trusted = append(a.trusted, v.how)
		}
		if isTenant {
			return scopeResult{scope: model.TenantScoped, how: v.how, at: e}
		}
		return a.parentOrTenant(c, row.col, fmt.Sprintf("%s tied to %s", row.col, v.how), e)
	case vIdentity:
		if isTenant {
			return scopeResult{scope: model.TenantScoped, how: v.how + " (the tenant is the user's own account)", at: e}
		}
		return scopeResult{scope: model.SeatScoped, how: fmt.Sprintf("%s is %s", row.col, v.how), at: e}
	case vUntrusted:
		return unscoped(e, "it trusts %s, which users can edit themselves", v.how)
	case vLiteral:
		return unscoped(e, "it compares %s to a constant: every user gets that tenant's rows", row.col)
	case vRowCol:
		return unscoped(e, "it compares the row's own columns")
	case vParam:
		return unscoped(e, "it compares %s to %s, which the caller chooses", row.col, v.how)
	case vRole:
		return unscoped(e, "it checks %s, which is the same for every user of every tenant", v.how)
	}
	if isTenant {
		return unscoped(e, "%s is compared to %s, which is not a trusted tenant value", row.col, exprText(v.expr))
	}
	return unscoped(e, "it does not compare the tenant column")
}

// scopeIn judges row IN (SELECT ...).
func (a *analyzer) scopeIn(e, left *model.Expr, q *model.Query, c *ctx) scopeResult {
	l := a.classify(left, c)
	if q == nil {
		return unscoped(e, "the sub-select could not be analysed")
	}
	if l.kind == vIdentity || l.kind == vTenant {
		return a.scopeReverseIn(e, l, q, c)
	}
	if l.kind != vRowCol {
		if v, ok := a.lookup(q, c); ok {
			if res, ok := a.scopeDerived(e, left, v, c); ok {
				return res
			}
		}
		return unscoped(e, "it does not compare a column of the row")
	}
	if v, ok := a.lookup(q, c); ok {
		return a.compare(e, l, v, c)
	}
	return unscoped(e, "the sub-select over %s is not keyed on the current user or tenant: it returns other tenants' ids too", relationNames(q))
}

// scopeReverseIn judges auth.uid() IN (SELECT m.user_id FROM members m
// WHERE m.org_id = t.org_id): the same membership lookup as EXISTS, with
// the current user on the left.
func (a *analyzer) scopeReverseIn(e *model.Expr, user value, q *model.Query, c *ctx) scopeResult {
	if len(q.Targets) != 1 || a.classify(q.Targets[0], c).kind != vInnerCol {
		return unscoped(e, "%s is compared to a sub-select that does not return a column of %s", user.how, relationNames(q))
	}
	corrTenant, corrOther := false, ""
	for _, cond := range queryConditions(q) {
		if r := a.scope(cond, c); r.scope >= model.SeatScoped {
			return r
		}
		if col, ok := a.correlation(cond, c); ok {
			if col == c.tenantCol {
				corrTenant = true
			} else if corrOther == "" {
				corrOther = col
			}
		}
	}
	rels := relationNames(q)
	switch {
	case corrTenant:
		return scopeResult{scope: model.TenantScoped, how: fmt.Sprintf("membership lookup in %s keyed on %s", rels, user.how), at: e}
	case corrOther != "":
		return a.parentOrTenant(c, corrOther, fmt.Sprintf("%s looked up in %s keyed on %s", corrOther, rels, user.how), e)
	}
	return unscoped(e, "it checks that the current user appears in %s, not that they belong to this row's tenant", rels)
}

// lookup classifies the values a sub-select returns: a trusted tenant
// value when it is keyed on the current user (membership) or tenant.
func (a *analyzer) lookup(q *model.Query, c *ctx) (value, bool) {
	if len(q.From) == 0 && len(q.Targets) == 1 && len(q.SetOps) == 0 {
		v := a.classify(q.Targets[0], c)
		return v, v.kind == vTenant || v.kind == vIdentity || v.kind == vExternal
	}
	arms := append([]*model.Query{q}, q.SetOps...)
	var how []string
	for _, arm := range arms {
		// What the lookup returns matters as much as how it is keyed:
		// (SELECT raw_user_meta_data ->> 'org_id' FROM auth.users WHERE
		// id = auth.uid()) is keyed on the user but returns what the user
		// wrote.
		if len(arm.Targets) == 1 {
			if v := a.classify(arm.Targets[0], c); v.kind == vUntrusted {
				return v, true
			}
		}
		key, ok := a.keyed(arm, c)
		if !ok || a.crossJoined(arm, targetRel(arm), c) {
			return value{}, false
		}
		how = append(how, key)
	}
	return value{kind: vTenant, how: strings.Join(how, " and ")}, true
}

// keyed reports whether a query's rows are restricted to the current user
// or tenant: some condition ties one of its columns to the user's
// identity or a trusted tenant value.
func (a *analyzer) keyed(q *model.Query, c *ctx) (string, bool) {
	for _, cond := range queryConditions(q) {
		if how, ok := a.keyCondition(cond, c); ok {
			return fmt.Sprintf("lookup in %s keyed on %s", relationNames(q), how), true
		}
	}
	return a.keyedBySource(q, c)
}

// keyCondition reports whether cond ties a column (of an inner relation)
// to the current user or tenant.
func (a *analyzer) keyCondition(cond *model.Expr, c *ctx) (string, bool) {
	switch cond.Kind {
	case model.Op:
		if len(cond.Args) != 2 || (cond.Op != "=" && cond.Op != "IS NOT DISTINCT FROM") || cond.Quantifier == "ALL" {
			return "", false
		}
		l, r := a.classify(cond.Args[0], c), a.classify(cond.Args[1], c)
		for _, pair := range [][2]value{{l, r}, {r, l}} {
			col, v := pair[0], pair[1]
			if col.kind != vInnerCol {
				continue
			}
			switch v.kind {
			case vIdentity, vTenant:
				return v.how, true
			case vExternal:
				a.trusted = append(a.trusted, v.how)
				return v.how, true
			}
		}
	case model.SubLink:
		if cond.Op == "ANY" && cond.SubOp == "=" && len(cond.Args) == 1 && cond.Query != nil {
			if a.classify(cond.Args[0], c).kind == vInnerCol {
				if v, ok := a.lookup(cond.Query, c); ok {
					return v.how, true
				}
			}
		}
		if cond.Op == "EXISTS" && cond.Query != nil {
			if how, ok := a.keyed(cond.Query, c); ok {
				return how, true
			}
		}
	case model.FuncCall:
		// A helper that checks the current user's membership of a
		// looked-up row: has_role_on_account(m.account_id).
		r := a.scopeCall(cond, c)
		if r.scope >= model.SeatScoped {
			return r.how, true
		}
	}
	return "", false
}

// scopeExists judges EXISTS (SELECT ... FROM m WHERE m.org_id = t.org_id
// AND m.user_id = auth.uid()).
func (a *analyzer) scopeExists(e *model.Expr, q *model.Query, c *ctx) scopeResult {
	if q == nil {
		return unscoped(e, "the sub-select could not be analysed")
	}
	conds := queryConditions(q)
	var corrTenant, corrOther string
	var key string
	var corrAt *model.QName
	for _, cond := range conds {
		// A condition that scopes the row directly (t.org_id = setting
		// inside the sub-select) or a nested helper decides at once.
		if r := a.scope(cond, c); r.scope >= model.SeatScoped {
			return r
		}
		if col, ok := a.correlation(cond, c); ok {
			if col == c.tenantCol {
				corrTenant, corrAt = col, a.corrRel(cond, c)
			} else if corrOther == "" {
				corrOther = col
				if corrTenant == "" {
					corrAt = a.corrRel(cond, c)
				}
			}
			continue
		}
		if how, ok := a.keyCondition(cond, c); ok && key == "" {
			key = how
		}
	}
	rels := relationNames(q)
	lookupHow := func() string { return fmt.Sprintf("%s keyed on %s", rels, key) }
	if key == "" {
		// Rows of a helper that is itself a lookup keyed on the user:
		// FROM private.my_teams() mt WHERE mt.team_id = t.team_id.
		if how, ok := a.keyedBySource(q, c); ok {
			key = how
			lookupHow = func() string { return how }
		}
	}
	if key != "" && (corrTenant != "" || corrOther != "") && a.crossJoined(q, corrAt, c) {
		return unscoped(e, "it ties the row to %s, but nothing joins that to the rows keyed on %s: the sub-select crosses them, so any membership matches every tenant's rows", corrAt, key)
	}
	switch {
	case corrTenant != "" && key != "":
		return scopeResult{scope: model.TenantScoped, how: "membership lookup in " + lookupHow(), at: e}
	case corrOther != "" && key != "":
		return a.parentOrTenant(c, corrOther, fmt.Sprintf("%s looked up in %s", corrOther, lookupHow()), e)
	case key != "":
		if self := selfComparison(conds); self != nil && c.table != nil {
			return unscoped(e, "`%s` compares %s.%s with itself: inside the sub-select the unqualified name means the inner table's column, so the lookup ignores this row's tenant; write %s.%s",
				self, self.Args[0].Rel, self.Args[0].Column(), c.table.Name, self.Args[0].Column())
		}
		return unscoped(e, "it checks that the current user belongs to some tenant in %s, not to this row's tenant (%s is not compared)", rels, orDefault(c.tenantCol, "the tenant column"))
	case corrTenant != "" || corrOther != "":
		return unscoped(e, "it looks the row up in %s without tying the lookup to the current user or tenant", rels)
	}
	return unscoped(e, "the sub-select over %s is not tied to the row or the current user", rels)
}

// correlation reports a condition inner.col = row.col, returning the row
// column.
func (a *analyzer) correlation(cond *model.Expr, c *ctx) (string, bool) {
	if cond.Kind != model.Op || len(cond.Args) != 2 || (cond.Op != "=" && cond.Op != "IS NOT DISTINCT FROM") {
		return "", false
	}
	l, r := a.classify(cond.Args[0], c), a.classify(cond.Args[1], c)
	switch {
	case l.kind == vRowCol && r.kind == vInnerCol:
		return l.col, true
	case r.kind == vRowCol && l.kind == vInnerCol:
		return r.col, true
	}
	return "", false
}

func (a *analyzer) scopeInList(e *model.Expr, c *ctx) scopeResult {
	if len(e.Args) < 2 || e.Op != "IN" {
		return unscoped(e, "it does not tie the row to one tenant")
	}
	l := a.classify(e.Args[0], c)
	if r, ok := a.adminInList(e, l, c); ok {
		return r
	}
	if l.kind != vRowCol {
		return unscoped(e, "it does not compare a column of the row")
	}
	var worst scopeResult
	for i, x := range e.Args[1:] {
		r := a.compare(e, l, a.classify(x, c), c)
		if i == 0 || r.scope < worst.scope {
			worst = r
		}
	}
	return worst
}

// queryConditions returns the AND-conjuncts of a query's WHERE and of its
// joins' ON clauses.
func queryConditions(q *model.Query) []*model.Expr {
	out := andConjuncts(q.Where)
	var join func(f *model.FromItem)
	join = func(f *model.FromItem) {
		if f == nil {
			return
		}
		if f.JoinType == "JOIN" || f.JoinType == "" {
			out = append(out, andConjuncts(f.On)...)
		}
		join(f.Left)
		join(f.Right)
	}
	for _, f := range q.From {
		join(f)
	}
	return out
}

func relationNames(q *model.Query) string {
	var names []string
	seen := map[string]bool{}
	var from func(f *model.FromItem)
	from = func(f *model.FromItem) {
		if f == nil {
			return
		}
		if f.Relation != nil && !seen[f.Relation.String()] {
			seen[f.Relation.String()] = true
			names = append(names, f.Relation.String())
		}
		if f.Func != nil {
			names = append(names, f.Func.String())
		}
		from(f.Left)
		from(f.Right)
	}
	for _, f := range q.From {
		from(f)
	}
	if len(names) == 0 {
		return "the sub-select"
	}
	return strings.Join(names, ", ")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func exprText(e *model.Expr) string {
	if e == nil {
		return "an unknown value"
	}
	return e.String()
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
