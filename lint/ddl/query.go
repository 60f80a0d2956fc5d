package ddl

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
)

// query converts a SELECT/INSERT/UPDATE/DELETE into a model query whose
// expressions resolve against sc (already a child scope of the caller).
func (c *converter) query(n *pg_query.Node, sc *scope) *model.Query {
	if n == nil {
		return nil
	}
	switch v := n.Node.(type) {
	case *pg_query.Node_SelectStmt:
		return c.selectStmt(v.SelectStmt, sc)
	case *pg_query.Node_InsertStmt:
		s := v.InsertStmt
		q := &model.Query{Kind: "INSERT"}
		c.with(q, s.WithClause, sc)
		q.Target = c.relation(s.Relation, sc)
		if s.SelectStmt != nil {
			q.SetOps = append(q.SetOps, c.query(s.SelectStmt, sc.child()))
		}
		c.popWith(s.WithClause)
		return q
	case *pg_query.Node_UpdateStmt:
		s := v.UpdateStmt
		q := &model.Query{Kind: "UPDATE"}
		c.with(q, s.WithClause, sc)
		q.Target = c.relation(s.Relation, sc)
		q.From = c.fromList(s.FromClause, sc)
		q.Where = c.expr(s.WhereClause, sc)
		q.Targets = c.list(s.TargetList, sc)
		c.popWith(s.WithClause)
		return q
	case *pg_query.Node_DeleteStmt:
		s := v.DeleteStmt
		q := &model.Query{Kind: "DELETE"}
		c.with(q, s.WithClause, sc)
		q.Target = c.relation(s.Relation, sc)
		q.From = c.fromList(s.UsingClause, sc)
		q.Where = c.expr(s.WhereClause, sc)
		c.popWith(s.WithClause)
		return q
	}
	return nil
}

func (c *converter) selectStmt(s *pg_query.SelectStmt, sc *scope) *model.Query {
	q := &model.Query{Kind: "SELECT"}
	c.with(q, s.WithClause, sc)
	defer c.popWith(s.WithClause)
	if s.Op != pg_query.SetOperation_SETOP_NONE && s.Op != pg_query.SetOperation_SET_OPERATION_UNDEFINED {
		if s.Larg != nil {
			left := c.selectStmt(s.Larg, sc)
			q.From, q.Where, q.Targets, q.Having = left.From, left.Where, left.Targets, left.Having
			q.SetOps = append(q.SetOps, left.SetOps...)
		}
		if s.Rarg != nil {
			q.SetOps = append(q.SetOps, c.selectStmt(s.Rarg, &scope{parent: sc.parent, depth: sc.depth, params: sc.params, funcName: sc.funcName}))
		}
		return q
	}
	q.From = c.fromList(s.FromClause, sc)
	for _, row := range s.ValuesLists {
		q.Targets = append(q.Targets, c.expr(row, sc))
	}
	q.Targets = append(q.Targets, c.list(s.TargetList, sc)...)
	q.Where = c.expr(s.WhereClause, sc)
	q.Having = c.expr(s.HavingClause, sc)
	return q
}

// with converts the CTEs of a WITH clause and makes their names visible.
func (c *converter) with(q *model.Query, w *pg_query.WithClause, sc *scope) {
	if w == nil {
		return
	}
	names := map[string]bool{}
	c.ctes = append(c.ctes, names)
	for _, n := range w.Ctes {
		cte := n.GetCommonTableExpr()
		if cte == nil {
			continue
		}
		if w.Recursive {
			names[cte.Ctename] = true
		}
		q.With = append(q.With, c.query(cte.Ctequery, sc.child()))
		names[cte.Ctename] = true
	}
}

func (c *converter) popWith(w *pg_query.WithClause) {
	if w != nil && len(c.ctes) > 0 {
		c.ctes = c.ctes[:len(c.ctes)-1]
	}
}

func (c *converter) isCTE(name string) bool {
	for i := len(c.ctes) - 1; i >= 0; i-- {
		if c.ctes[i][name] {
			return true
		}
	}
	return false
}

// fromList converts a FROM list and adds its relations to sc.
func (c *converter) fromList(nodes []*pg_query.Node, sc *scope) []*model.FromItem {
	var out []*model.FromItem
	for _, n := range nodes {
		if f := c.fromItem(n, sc); f != nil {
			out = append(out, f)
		}
	}
	return out
}

func (c *converter) fromItem(n *pg_query.Node, sc *scope) *model.FromItem {
	switch v := n.Node.(type) {
	case *pg_query.Node_RangeVar:
		return c.relation(v.RangeVar, sc)
	case *pg_query.Node_RangeSubselect:
		f := &model.FromItem{}
		if v.RangeSubselect.Alias != nil {
			f.Alias = v.RangeSubselect.Alias.Aliasname
		}
		inner := sc.child()
		if !v.RangeSubselect.Lateral {
			inner = &scope{parent: sc.parent, depth: sc.depth + 1, params: sc.params, funcName: sc.funcName}
		}
		f.Query = c.query(v.RangeSubselect.Subquery, inner)
		rel := scopeRel{alias: f.Alias}
		if f.Query != nil {
			rel.cols, rel.known = outputColumns(f.Query)
		}
		sc.rels = append(sc.rels, rel)
		return f
	case *pg_query.Node_RangeFunction:
		f := &model.FromItem{}
		if v.RangeFunction.Alias != nil {
			f.Alias = v.RangeFunction.Alias.Aliasname
		}
		for _, fn := range v.RangeFunction.Functions {
			if l := fn.GetList(); l != nil && len(l.Items) > 0 {
				f.Func = c.expr(l.Items[0], sc)
				break
			}
		}
		alias := f.Alias
		if alias == "" && f.Func != nil {
			alias = f.Func.FuncName()
		}
		sc.rels = append(sc.rels, scopeRel{alias: alias})
		return f
	case *pg_query.Node_JoinExpr:
		j := v.JoinExpr
		f := &model.FromItem{JoinType: joinType(j.Jointype)}
		f.Left = c.fromItem(j.Larg, sc)
		f.Right = c.fromItem(j.Rarg, sc)
		f.On = c.expr(j.Quals, sc)
		for _, u := range strs(j.UsingClause) {
			// USING (col) equates the column of both sides.
			f.On = andExpr(f.On, &model.Expr{Kind: model.Op, Op: "=", Args: []*model.Expr{
				{Kind: model.ColumnRef, Names: []string{u}}, {Kind: model.ColumnRef, Names: []string{u}}}})
		}
		if j.Alias != nil {
			f.Alias = j.Alias.Aliasname
		}
		return f
	}
	return nil
}

func andExpr(a, b *model.Expr) *model.Expr {
	if a == nil {
		return b
	}
	if a.Kind == model.And {
		a.Args = append(a.Args, b)
		return a
	}
	return &model.Expr{Kind: model.And, Args: []*model.Expr{a, b}}
}

func joinType(t pg_query.JoinType) string {
	switch t {
	case pg_query.JoinType_JOIN_LEFT:
		return "LEFT JOIN"
	case pg_query.JoinType_JOIN_RIGHT:
		return "RIGHT JOIN"
	case pg_query.JoinType_JOIN_FULL:
		return "FULL JOIN"
	}
	return "JOIN"
}

// relation converts a table reference and adds it to sc.
func (c *converter) relation(rv *pg_query.RangeVar, sc *scope) *model.FromItem {
	if rv == nil {
		return nil
	}
	f := &model.FromItem{Written: nonEmpty(rv.Schemaname, rv.Relname)}
	alias := rv.Relname
	if rv.Alias != nil && rv.Alias.Aliasname != "" {
		f.Alias = rv.Alias.Aliasname
		alias = f.Alias
	}
	rel := scopeRel{alias: alias}
	if rv.Schemaname == "" && c.isCTE(rv.Relname) {
		sc.rels = append(sc.rels, rel)
		return f
	}
	q, _ := c.r.lookupRV(rv)
	f.Relation = &q
	c.r.ref(f.Relation)
	rel.q = f.Relation
	if t, v := c.r.cat.Relation(q); t != nil {
		rel.table, rel.known = t, true
	} else if v != nil && v.Query != nil {
		rel.cols, rel.known = outputColumns(v.Query)
	}
	sc.rels = append(sc.rels, rel)
	return f
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// outputColumns lists the column names a query produces when they can be
// told from its target list (plain column references or aliases).
func outputColumns(q *model.Query) ([]string, bool) {
	var cols []string
	for _, t := range q.Targets {
		switch {
		case t == nil:
			return nil, false
		case t.Kind == model.ColumnRef && t.Column() != "*":
			cols = append(cols, t.Column())
		default:
			return nil, false
		}
	}
	return cols, true
}
