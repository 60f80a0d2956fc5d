package ddl

import (
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
)

// These entry points serve lint/introspect: a live catalog returns policy
// expressions (pg_get_expr), view queries (pg_get_viewdef) and function
// bodies as text, and they are parsed and resolved exactly like the same
// text in a migration, against the catalog read so far.

// ParseExpr parses a policy expression of table t as PostgreSQL prints it.
// Names resolve through the default search path; pg_get_expr qualifies
// names outside it.
func ParseExpr(cat *model.Catalog, t *model.Table, text string) (*model.Expr, error) {
	tree, err := pg_query.Parse("SELECT " + text)
	if err != nil {
		return nil, fmt.Errorf("parse expression %q: %w", text, err)
	}
	if len(tree.Stmts) != 1 {
		return nil, fmt.Errorf("parse expression %q: not a single expression", text)
	}
	sel := tree.Stmts[0].Stmt.GetSelectStmt()
	if sel == nil || len(sel.TargetList) != 1 {
		return nil, fmt.Errorf("parse expression %q: not a single expression", text)
	}
	r := newReplayer(cat)
	sc := &scope{}
	if t != nil {
		sc = r.tableScope(t)
	}
	return r.exprIn(sel.TargetList[0].GetResTarget().Val, sc), nil
}

// ParseQuery parses a view's query as pg_get_viewdef prints it.
func ParseQuery(cat *model.Catalog, text string) (*model.Query, error) {
	tree, err := pg_query.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("parse query: %w", err)
	}
	if len(tree.Stmts) != 1 {
		return nil, fmt.Errorf("parse query: want one statement, got %d", len(tree.Stmts))
	}
	c := converter{r: newReplayer(cat)}
	return c.query(tree.Stmts[0].Stmt, &scope{}), nil
}

// AnalyseFunction fills f.Queries and f.Dynamic from f.Body (SQL and
// PL/pgSQL), resolving names against cat.
func AnalyseFunction(cat *model.Catalog, f *model.Function) {
	r := newReplayer(cat)
	r.analyseBody(f)
}
