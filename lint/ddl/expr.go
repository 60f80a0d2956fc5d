package ddl

import (
	"fmt"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// scope is one query level for column resolution.
type scope struct {
	parent *scope
	depth  int
	rels   []scopeRel
	// params are a function's argument names (top level of a body);
	// funcName qualifies them (fname.param).
	params   []string
	funcName string
}

type scopeRel struct {
	alias string // alias, or the relation's name
	q     *model.QName
	table *model.Table // nil when unknown (or a sub-select / CTE)
	cols  []string     // known output columns of a sub-select
	known bool         // whether the column list is known
}

func (s *scope) child() *scope { return &scope{parent: s, depth: s.depth + 1} }

// tableScope is the top scope of a policy expression: the policy's table.
func (r *replayer) tableScope(t *model.Table) *scope {
	q := t.QName()
	r.ref(&q) // column references name the table: a rename retargets them
	return &scope{rels: []scopeRel{{alias: t.Name, q: &q, table: t, known: true}}}
}

// exprIn converts an expression in the given scope.
func (r *replayer) exprIn(n *pg_query.Node, sc *scope) *model.Expr {
	c := converter{r: r}
	return c.expr(n, sc)
}

// expr converts an expression with no relation in scope.
func (r *replayer) expr(n *pg_query.Node) *model.Expr { return r.exprIn(n, &scope{}) }

// converter turns pg_query nodes into model expressions.
type converter struct {
	r *replayer
	// ctes are the names of common table expressions in scope.
	ctes []map[string]bool
}

func (c *converter) pos(loc int32) source.Span { return c.r.at(loc) }

func (c *converter) list(nodes []*pg_query.Node, sc *scope) []*model.Expr {
	out := make([]*model.Expr, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, c.expr(n, sc))
	}
	return out
}

func (c *converter) expr(n *pg_query.Node, sc *scope) *model.Expr {
	if n == nil {
		return nil
	}
	switch v := n.Node.(type) {
	case *pg_query.Node_ColumnRef:
		return c.columnRef(v.ColumnRef, sc)
	case *pg_query.Node_AConst:
		return constExpr(v.AConst, c.pos(v.AConst.Location))
	case *pg_query.Node_ParamRef:
		e := &model.Expr{Kind: model.Param, Value: strconv.Itoa(int(v.ParamRef.Number)), Pos: c.pos(v.ParamRef.Location)}
		return e
	case *pg_query.Node_AExpr:
		return c.aExpr(v.AExpr, sc)
	case *pg_query.Node_BoolExpr:
		return c.boolExpr(v.BoolExpr, sc)
	case *pg_query.Node_SubLink:
		return c.subLink(v.SubLink, sc)
	case *pg_query.Node_FuncCall:
		return c.funcCall(v.FuncCall, sc)
	case *pg_query.Node_TypeCast:
		return &model.Expr{Kind: model.Cast, Args: []*model.Expr{c.expr(v.TypeCast.Arg, sc)},
			Type: typeName(v.TypeCast.TypeName), Pos: c.pos(v.TypeCast.Location)}
	case *pg_query.Node_NullTest:
		op := "IS NULL"
		if v.NullTest.Nulltesttype == pg_query.NullTestType_IS_NOT_NULL {
			op = "IS NOT NULL"
		}
		return &model.Expr{Kind: model.NullTest, Op: op, Args: []*model.Expr{c.expr(v.NullTest.Arg, sc)}, Pos: c.pos(v.NullTest.Location)}
	case *pg_query.Node_BooleanTest:
		op := strings.ReplaceAll(strings.TrimPrefix(v.BooleanTest.Booltesttype.String(), ""), "_", " ")
		return &model.Expr{Kind: model.BoolTest, Op: op, Args: []*model.Expr{c.expr(v.BooleanTest.Arg, sc)}, Pos: c.pos(v.BooleanTest.Location)}
	case *pg_query.Node_CoalesceExpr:
		return &model.Expr{Kind: model.FuncCall, Names: []string{"coalesce"}, Args: c.list(v.CoalesceExpr.Args, sc), Pos: c.pos(v.CoalesceExpr.Location)}
	case *pg_query.Node_MinMaxExpr:
		name := "greatest"
		if v.MinMaxExpr.Op == pg_query.MinMaxOp_IS_LEAST {
			name = "least"
		}
		return &model.Expr{Kind: model.FuncCall, Names: []string{name}, Args: c.list(v.MinMaxExpr.Args, sc), Pos: c.pos(v.MinMaxExpr.Location)}
	case *pg_query.Node_CaseExpr:
		e := &model.Expr{Kind: model.Case, Arg: c.expr(v.CaseExpr.Arg, sc), Else: c.expr(v.CaseExpr.Defresult, sc), Pos: c.pos(v.CaseExpr.Location)}
		for _, w := range v.CaseExpr.Args {
			if cw := w.GetCaseWhen(); cw != nil {
				e.Args = append(e.Args, c.expr(cw.Expr, sc), c.expr(cw.Result, sc))
			}
		}
		return e
	case *pg_query.Node_AArrayExpr:
		return &model.Expr{Kind: model.Array, Args: c.list(v.AArrayExpr.Elements, sc), Pos: c.pos(v.AArrayExpr.Location)}
	case *pg_query.Node_RowExpr:
		return &model.Expr{Kind: model.Row, Args: c.list(v.RowExpr.Args, sc), Pos: c.pos(v.RowExpr.Location)}
	case *pg_query.Node_AIndirection:
		return c.indirection(v.AIndirection, sc)
	case *pg_query.Node_SqlvalueFunction:
		name := strings.ToLower(strings.TrimPrefix(v.SqlvalueFunction.Op.String(), "SVFOP_"))
		name = strings.TrimSuffix(name, "_n")
		if name == "user" {
			name = "current_user"
		}
		return &model.Expr{Kind: model.FuncCall, Names: []string{name}, Op: "SQLVALUE", Pos: c.pos(v.SqlvalueFunction.Location)}
	case *pg_query.Node_CollateClause:
		return c.expr(v.CollateClause.Arg, sc)
	case *pg_query.Node_NamedArgExpr:
		return c.expr(v.NamedArgExpr.Arg, sc)
	case *pg_query.Node_List:
		return &model.Expr{Kind: model.Row, Args: c.list(v.List.Items, sc)}
	case *pg_query.Node_ResTarget:
		return c.expr(v.ResTarget.Val, sc)
	case *pg_query.Node_SetToDefault:
		return &model.Expr{Kind: model.Other, Value: "DEFAULT"}
	}
	return &model.Expr{Kind: model.Other, Value: nodeName(n)}
}

func nodeName(n *pg_query.Node) string {
	name := strings.TrimPrefix(fmt.Sprintf("%T", n.Node), "*pg_query.Node_")
	return "<" + name + ">"
}

func constExpr(a *pg_query.A_Const, pos source.Span) *model.Expr {
	e := &model.Expr{Kind: model.Const, Pos: pos}
	if a.Isnull {
		e.Type = "null"
		return e
	}
	switch v := a.Val.(type) {
	case *pg_query.A_Const_Sval:
		e.Type, e.Value = "string", v.Sval.Sval
	case *pg_query.A_Const_Ival:
		e.Type, e.Value = "number", strconv.Itoa(int(v.Ival.Ival))
	case *pg_query.A_Const_Fval:
		e.Type, e.Value = "number", v.Fval.Fval
	case *pg_query.A_Const_Boolval:
		e.Type, e.Value = "bool", strconv.FormatBool(v.Boolval.Boolval)
	case *pg_query.A_Const_Bsval:
		e.Type, e.Value = "bitstring", v.Bsval.Bsval
	}
	return e
}

func (c *converter) columnRef(cr *pg_query.ColumnRef, sc *scope) *model.Expr {
	e := &model.Expr{Kind: model.ColumnRef, Names: strs(cr.Fields), Pos: c.pos(cr.Location)}
	if len(e.Names) == 0 {
		return e
	}
	col := e.Names[len(e.Names)-1]
	if len(e.Names) >= 2 {
		qual := e.Names[len(e.Names)-2]
		for s := sc; s != nil; s = s.parent {
			for i := range s.rels {
				rel := &s.rels[i]
				if rel.alias == qual {
					e.Rel, e.Depth = rel.q, s.depth
					return e
				}
			}
			// A function's own name qualifies its parameters.
			if s.funcName == qual {
				for i, p := range s.params {
					if p == col {
						return &model.Expr{Kind: model.Param, Names: []string{col}, Value: strconv.Itoa(i + 1), Pos: e.Pos}
					}
				}
			}
		}
		return e
	}
	for s := sc; s != nil; s = s.parent {
		var unknown *scopeRel
		for i := range s.rels {
			rel := &s.rels[i]
			if rel.known {
				if hasColumn(rel, col) {
					e.Rel, e.Depth = rel.q, s.depth
					return e
				}
			} else if unknown == nil {
				unknown = rel
			}
		}
		if unknown != nil {
			// The column may belong to a relation whose columns are not
			// known: PostgreSQL looks at the innermost level first.
			e.Rel, e.Depth = unknown.q, s.depth
			return e
		}
		for i, p := range s.params {
			if p == col {
				return &model.Expr{Kind: model.Param, Names: []string{col}, Value: strconv.Itoa(i + 1), Pos: e.Pos}
			}
		}
	}
	return e
}

func hasColumn(rel *scopeRel, col string) bool {
	if rel.table != nil {
		return rel.table.Column(col) != nil
	}
	for _, c := range rel.cols {
		if c == col {
			return true
		}
	}
	return false
}

func (c *converter) aExpr(a *pg_query.A_Expr, sc *scope) *model.Expr {
	op := strings.Join(strs(a.Name), ".")
	pos := c.pos(a.Location)
	l, rgt := c.expr(a.Lexpr, sc), c.expr(a.Rexpr, sc)
	bin := func(o string) *model.Expr {
		args := []*model.Expr{}
		if l != nil {
			args = append(args, l)
		}
		if rgt != nil {
			args = append(args, rgt)
		}
		return &model.Expr{Kind: model.Op, Op: o, Args: args, Pos: pos}
	}
	switch a.Kind {
	case pg_query.A_Expr_Kind_AEXPR_OP_ANY, pg_query.A_Expr_Kind_AEXPR_OP_ALL:
		e := bin(op)
		e.Quantifier = "ANY"
		if a.Kind == pg_query.A_Expr_Kind_AEXPR_OP_ALL {
			e.Quantifier = "ALL"
		}
		return e
	case pg_query.A_Expr_Kind_AEXPR_DISTINCT:
		return bin("IS DISTINCT FROM")
	case pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		return bin("IS NOT DISTINCT FROM")
	case pg_query.A_Expr_Kind_AEXPR_NULLIF:
		return &model.Expr{Kind: model.FuncCall, Names: []string{"nullif"}, Args: []*model.Expr{l, rgt}, Pos: pos}
	case pg_query.A_Expr_Kind_AEXPR_IN:
		e := &model.Expr{Kind: model.InList, Op: "IN", Pos: pos, Args: []*model.Expr{l}}
		if op == "<>" {
			e.Op = "NOT IN"
		}
		if rgt != nil && rgt.Kind == model.Row {
			e.Args = append(e.Args, rgt.Args...)
		} else if rgt != nil {
			e.Args = append(e.Args, rgt)
		}
		return e
	case pg_query.A_Expr_Kind_AEXPR_LIKE, pg_query.A_Expr_Kind_AEXPR_ILIKE, pg_query.A_Expr_Kind_AEXPR_SIMILAR:
		word := map[pg_query.A_Expr_Kind]string{pg_query.A_Expr_Kind_AEXPR_LIKE: "LIKE",
			pg_query.A_Expr_Kind_AEXPR_ILIKE: "ILIKE", pg_query.A_Expr_Kind_AEXPR_SIMILAR: "SIMILAR TO"}[a.Kind]
		if strings.HasPrefix(op, "!") {
			word = "NOT " + word
		}
		return bin(word)
	case pg_query.A_Expr_Kind_AEXPR_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN,
		pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		word := "BETWEEN"
		if a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN || a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM {
			word = "NOT BETWEEN"
		}
		e := &model.Expr{Kind: model.Op, Op: word, Args: []*model.Expr{l}, Pos: pos}
		if rgt != nil && rgt.Kind == model.Row {
			e.Args = append(e.Args, rgt.Args...)
		}
		return e
	}
	return bin(op)
}

func (c *converter) boolExpr(b *pg_query.BoolExpr, sc *scope) *model.Expr {
	kind := model.And
	switch b.Boolop {
	case pg_query.BoolExprType_OR_EXPR:
		kind = model.Or
	case pg_query.BoolExprType_NOT_EXPR:
		kind = model.Not
	}
	e := &model.Expr{Kind: kind, Pos: c.pos(b.Location)}
	args := c.list(b.Args, sc)
	if kind == model.Not && len(args) == 1 && args[0].Kind == model.Op && args[0].Op == "IS DISTINCT FROM" {
		// pg_get_expr prints a IS NOT DISTINCT FROM b as NOT (a IS
		// DISTINCT FROM b): read both the same way.
		args[0].Op = "IS NOT DISTINCT FROM"
		return args[0]
	}
	for _, a := range args {
		// Flatten (a AND b) AND c into one list.
		if a.Kind == kind && kind != model.Not {
			e.Args = append(e.Args, a.Args...)
		} else {
			e.Args = append(e.Args, a)
		}
	}
	return e
}

func (c *converter) subLink(s *pg_query.SubLink, sc *scope) *model.Expr {
	e := &model.Expr{Kind: model.SubLink, Pos: c.pos(s.Location)}
	switch s.SubLinkType {
	case pg_query.SubLinkType_EXISTS_SUBLINK:
		e.Op = "EXISTS"
	case pg_query.SubLinkType_ANY_SUBLINK:
		e.Op, e.SubOp = "ANY", "="
	case pg_query.SubLinkType_ALL_SUBLINK:
		e.Op = "ALL"
	case pg_query.SubLinkType_ARRAY_SUBLINK:
		e.Op = "ARRAY"
	default:
		e.Op = "EXPR"
	}
	if len(s.OperName) > 0 {
		e.SubOp = strings.Join(strs(s.OperName), ".")
	}
	if s.Testexpr != nil {
		e.Args = []*model.Expr{c.expr(s.Testexpr, sc)}
	}
	e.Query = c.query(s.Subselect, sc.child())
	return e
}

func (c *converter) funcCall(f *pg_query.FuncCall, sc *scope) *model.Expr {
	e := &model.Expr{Kind: model.FuncCall, Names: strs(f.Funcname), Args: c.list(f.Args, sc), Pos: c.pos(f.Location)}
	for i, n := range e.Names {
		e.Names[i] = strings.ToLower(n)
	}
	if len(e.Names) == 2 && e.Names[0] == "pg_catalog" {
		e.Names = e.Names[1:]
	}
	switch {
	case f.AggStar:
		e.Op = "*"
	case f.AggDistinct:
		e.Op = "DISTINCT"
	}
	if q := c.r.resolveFunc(e.Names); q != nil {
		e.Func = q
	}
	return e
}

// resolveFunc finds the catalog function a call names, through the
// search path; nil for built-ins and unknown functions.
func (r *replayer) resolveFunc(names []string) *model.QName {
	if r == nil || len(names) == 0 {
		return nil
	}
	name := names[len(names)-1]
	if len(names) > 1 {
		q := model.QName{Schema: names[len(names)-2], Name: name}
		return &q
	}
	for _, s := range r.pathSchemas() {
		q := model.QName{Schema: s, Name: name}
		if len(r.cat.FunctionsNamed(q)) > 0 {
			return &q
		}
	}
	return nil
}

func (c *converter) indirection(a *pg_query.A_Indirection, sc *scope) *model.Expr {
	arg := c.expr(a.Arg, sc)
	var b strings.Builder
	for _, ind := range a.Indirection {
		switch v := ind.Node.(type) {
		case *pg_query.Node_AIndices:
			b.WriteByte('[')
			if v.AIndices.Lidx != nil {
				b.WriteString(c.expr(v.AIndices.Lidx, sc).String())
			}
			if v.AIndices.IsSlice {
				b.WriteByte(':')
			}
			if v.AIndices.Uidx != nil {
				b.WriteString(c.expr(v.AIndices.Uidx, sc).String())
			}
			b.WriteByte(']')
		case *pg_query.Node_String_:
			b.WriteString("." + v.String_.Sval)
		case *pg_query.Node_AStar:
			b.WriteString(".*")
		}
	}
	return &model.Expr{Kind: model.Subscript, Args: []*model.Expr{arg}, Value: b.String(), Pos: arg.Pos}
}
