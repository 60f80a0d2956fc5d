package ddl

import (
	"encoding/json"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// plExpr is one SQL text inside a PL/pgSQL body.
type plExpr struct {
	query string
	// expr is true for expressions (IF conditions, RETURN values),
	// false for whole statements.
	expr bool
	line int // line within the body, 1-based
}

// analyseProcedural extracts the SQL a PL/pgSQL function runs: its
// statements and expressions become queries; EXECUTE marks it dynamic.
func (r *replayer) analyseProcedural(f *model.Function) {
	src := plWrapper(f) + f.Body + "$tenantguard$"
	out, err := pg_query.ParsePlPgSqlToJSON(src)
	if err != nil {
		r.note(f.String(), "PL/pgSQL body of "+f.String()+" does not parse: "+err.Error())
		return
	}
	var tree any
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		return
	}
	var exprs []plExpr
	walkPL(tree, 0, func(key string, v map[string]any, line int) {
		switch key {
		case "PLpgSQL_stmt_dynexecute", "PLpgSQL_stmt_dynfors":
			f.Dynamic = true
		case "PLpgSQL_stmt_open":
			if _, ok := v["dynquery"]; ok {
				f.Dynamic = true
			}
		case "PLpgSQL_expr":
			q, _ := v["query"].(string)
			mode, _ := v["parseMode"].(float64)
			exprs = append(exprs, plExpr{query: q, expr: mode != 0, line: line})
		}
	})
	saved := r.searchPathFor(f)
	defer func() { r.searchPath = saved }()
	c := converter{r: r.sub(source.Span{})}
	bodyLine := 0
	if f.BodySpan.IsValid() {
		bodyLine = f.BodySpan.StartPos().Line
	}
	for _, e := range exprs {
		text := e.query
		if e.expr {
			text = "SELECT " + text
		}
		tree, err := pg_query.Parse(text)
		if err != nil {
			continue // e.g. an expression naming a record field the parser cannot take alone
		}
		for _, rs := range tree.Stmts {
			q := c.query(rs.Stmt, funcScope(f))
			if q == nil {
				continue
			}
			if bodyLine > 0 && e.line > 0 {
				file := f.BodySpan.File
				off := file.LineStart(bodyLine + e.line - 1)
				q.Pos = source.Span{File: file, Start: off, End: off}
			}
			f.Queries = append(f.Queries, q)
		}
	}
	f.BodyParsed = true
}

// plWrapper is the CREATE FUNCTION the body is parsed in: PL/pgSQL checks
// a body against its function's result kind (RETURN QUERY and RETURN NEXT
// need a set-returning function; NEW and OLD exist only in trigger
// functions) and its parameters (assignments to them).
func plWrapper(f *model.Function) string {
	var params []string
	for i, name := range f.ArgNames {
		if name != "" && i < len(f.ArgTypes) {
			params = append(params, `"`+strings.ReplaceAll(name, `"`, `""`)+`" `+f.ArgTypes[i])
		}
	}
	returns := "void"
	switch r := strings.ToLower(strings.TrimSpace(f.Returns)); {
	case r == "trigger", r == "event_trigger":
		returns = r
	case strings.HasPrefix(r, "setof "), strings.HasPrefix(r, "table("), strings.HasPrefix(r, "table ("):
		returns = "SETOF record"
	}
	return "CREATE FUNCTION tenantguard_body(" + strings.Join(params, ", ") + ") RETURNS " + returns +
		" LANGUAGE plpgsql AS $tenantguard$"
}

// walkPL visits every object of the PL/pgSQL JSON tree, passing the
// nearest enclosing statement's line number.
func walkPL(v any, line int, fn func(key string, obj map[string]any, line int)) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkPL(e, line, fn)
		}
	case map[string]any:
		if l, ok := x["lineno"].(float64); ok {
			line = int(l)
		}
		for k, e := range x {
			if obj, ok := e.(map[string]any); ok && strings.HasPrefix(k, "PLpgSQL_") {
				l := line
				if ln, ok := obj["lineno"].(float64); ok {
					l = int(ln)
				}
				fn(k, obj, l)
			}
			walkPL(e, line, fn)
		}
	}
}
