package ddl

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// plExpr is one SQL text inside a PL/pgSQL body.
type plExpr struct {
	query string
	// mode is PostgreSQL's RawParseMode for the text: 0 for whole
	// statements, more for expressions (IF conditions, RETURN values) and
	// the targets and values of assignments (plAssign and up).
	mode int
	line int // line within the body, 1-based
}

// plAssign is the first parse mode of assignments ("n := 1"): as SELECT
// n := 1 they never parse, and n = 1 (the other spelling) parses as a
// comparison. They are parsed alone so as not to spoil joined parses.
const plAssign = 3

// plBody is the SQL a PL/pgSQL body runs, parsed.
type plBody struct {
	// dynamic is set when the body runs dynamic SQL (EXECUTE, OPEN FOR
	// EXECUTE, FOR ... IN EXECUTE).
	dynamic bool
	queries []plQuery
}

// plQuery is one SQL text of a PL/pgSQL body, parsed.
type plQuery struct {
	line int // line within the body, 1-based; 0 when unknown
	// stmts is nil when the text does not parse on its own (e.g. an
	// expression naming a record field the parser cannot take alone).
	stmts []*pg_query.RawStmt
}

// parsePLBody parses a PL/pgSQL body and the SQL texts inside it. It
// returns a nil body and no error when pg_query's tree cannot be read.
func parsePLBody(f *model.Function) (*plBody, error) {
	src := plWrapper(f) + f.Body + "$tenantguard$"
	out, err := pg_query.ParsePlPgSqlToJSON(src)
	if err != nil {
		return nil, err
	}
	tree, err := parseJSON(out)
	if err != nil {
		return nil, nil
	}
	pb := &plBody{}
	var exprs []plExpr
	walkPL(tree, 0, func(key string, v *jsonValue, line int) {
		switch key {
		case "PLpgSQL_stmt_dynexecute", "PLpgSQL_stmt_dynfors":
			pb.dynamic = true
		case "PLpgSQL_stmt_open":
			if v.get("dynquery") != nil {
				pb.dynamic = true
			}
		case "PLpgSQL_expr":
			var q string
			if m := v.get("query"); m != nil && m.kind == '"' {
				q = m.str
			}
			mode, _ := v.number("parseMode")
			exprs = append(exprs, plExpr{query: q, mode: int(mode), line: line})
		}
	})
	texts := make([]string, len(exprs))
	for i, e := range exprs {
		texts[i] = e.query
		if e.mode != 0 {
			texts[i] = "SELECT " + e.query
		}
	}
	parsed := parseTexts(texts, func(i int) bool { return exprs[i].mode < plAssign })
	pb.queries = make([]plQuery, len(exprs))
	for i, e := range exprs {
		pb.queries[i] = plQuery{line: e.line, stmts: parsed[i]}
	}
	return pb, nil
}

// parseTexts parses each text on its own terms: the statements of texts
// that do not parse are nil. The texts batch accepts go to the parser in
// one call when that gives each text exactly the statement it gives
// alone (a call per text costs a parser set-up each); the others, and all
// of them when the joined parse does not split that way, are parsed one
// by one.
func parseTexts(texts []string, batch func(int) bool) [][]*pg_query.RawStmt {
	out := make([][]*pg_query.RawStmt, len(texts))
	var joined []int
	for i := range texts {
		if batch(i) {
			joined = append(joined, i)
		}
	}
	if len(joined) > 1 {
		sub := make([]string, len(joined))
		for k, i := range joined {
			sub[k] = texts[i]
		}
		if stmts, ok := parseJoined(sub); ok {
			for k, i := range joined {
				out[i] = []*pg_query.RawStmt{stmts[k]}
			}
		}
	}
	for i, t := range texts {
		if out[i] != nil {
			continue
		}
		if tree, err := parseSQL(t); err == nil {
			out[i] = tree.Stmts
		}
	}
	return out
}

// textSeparator ends each text of a joined parse: the newline ends a
// trailing line comment, the semicolon the statement.
const textSeparator = "\n;\n"

// parseJoined parses the texts joined by textSeparator. It reports
// whether the parser found exactly one statement per text, each covering
// its text and nothing else: then the lexer was back in its initial state
// at every separator, and each statement is the one its text alone gives.
func parseJoined(texts []string) ([]*pg_query.RawStmt, bool) {
	var b strings.Builder
	ends := make([]int, len(texts))
	for i, t := range texts {
		if i > 0 {
			b.WriteString(textSeparator)
		}
		b.WriteString(t)
		ends[i] = b.Len()
	}
	tree, err := parseSQL(b.String())
	if err != nil || len(tree.Stmts) != len(texts) {
		return nil, false
	}
	start := 0
	for i, rs := range tree.Stmts {
		// A statement starts right after the previous semicolon and,
		// but for the last, runs up to its own.
		end := ends[i] + 1 // the separator's semicolon
		if i == len(texts)-1 {
			end = int(rs.StmtLocation) // StmtLen 0: to the end of the input
		}
		if int(rs.StmtLocation) != start || int(rs.StmtLocation+rs.StmtLen) != end {
			return nil, false
		}
		start = ends[i] + 2
	}
	return tree.Stmts, true
}

// analyseProcedural extracts the SQL a PL/pgSQL function runs: its
// statements and expressions become queries; EXECUTE marks it dynamic.
func (r *replayer) analyseProcedural(f *model.Function, fb *functionBody) {
	if fb.err != nil {
		r.note(f.String(), "PL/pgSQL body of "+f.String()+" does not parse: "+fb.err.Error())
		return
	}
	if fb.pl == nil {
		return
	}
	if fb.pl.dynamic {
		f.Dynamic = true
	}
	saved := r.searchPathFor(f)
	defer func() { r.searchPath = saved }()
	c := converter{r: r.sub(source.Span{})}
	bodyLine := 0
	if f.BodySpan.IsValid() {
		bodyLine = f.BodySpan.StartPos().Line
	}
	for _, e := range fb.pl.queries {
		for _, rs := range e.stmts {
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

// walkPL visits every object of the PL/pgSQL JSON tree in document
// order, passing the nearest enclosing statement's line number.
func walkPL(v *jsonValue, line int, fn func(key string, obj *jsonValue, line int)) {
	switch v.kind {
	case '[':
		for _, e := range v.vals {
			walkPL(e, line, fn)
		}
	case '{':
		if l, ok := v.number("lineno"); ok {
			line = int(l)
		}
		for i, k := range v.keys {
			e := v.vals[i]
			if e.kind == '{' && strings.HasPrefix(k, "PLpgSQL_") {
				l := line
				if ln, ok := e.number("lineno"); ok {
					l = int(ln)
				}
				fn(k, e, l)
			}
			walkPL(e, line, fn)
		}
	}
}
