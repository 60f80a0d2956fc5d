package ddl

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

func (r *replayer) createFunction(s *pg_query.CreateFunctionStmt) {
	q := r.funcName(s.Funcname, true)
	f, bodyLoc := functionHead(s)
	f.Schema, f.Name, f.Span, f.Owner = q.Schema, q.Name, r.stmt, r.role
	if s.SqlBody != nil {
		f.Language = "sql"
		r.sqlStandardBody(f, s.SqlBody)
	} else if f.Body != "" {
		f.BodySpan = r.bodySpan(f.Body, bodyLoc)
		r.analyseBody(f)
	}
	r.cat.AddFunction(f)
}

// functionHead returns what a CREATE FUNCTION says about the function
// itself, without resolving names (no schema, name, span or owner yet):
// the parse workers need it to parse the body ahead of replay. bodyLoc is
// the location of the AS clause, -1 when there is none.
func functionHead(s *pg_query.CreateFunctionStmt) (f *model.Function, bodyLoc int32) {
	f = &model.Function{Procedure: s.IsProcedure, Config: map[string]string{}, Language: "sql"}
	for _, p := range s.Parameters {
		fp := p.GetFunctionParameter()
		if fp == nil {
			continue
		}
		switch fp.Mode {
		case pg_query.FunctionParameterMode_FUNC_PARAM_OUT, pg_query.FunctionParameterMode_FUNC_PARAM_TABLE:
			continue
		}
		f.ArgTypes = append(f.ArgTypes, typeName(fp.ArgType))
		f.ArgNames = append(f.ArgNames, fp.Name)
	}
	if s.ReturnType != nil {
		f.Returns = typeName(s.ReturnType)
	}
	bodyLoc = -1
	for _, o := range s.Options {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		switch d.Defname {
		case "as":
			if l := d.Arg.GetList(); l != nil && len(l.Items) > 0 {
				f.Body = strVal(l.Items[0])
			} else {
				f.Body = strVal(d.Arg)
			}
			bodyLoc = d.Location
		case "language":
			f.Language = strings.ToLower(strVal(d.Arg))
		case "security":
			f.SecurityDefiner = strVal(d.Arg) == "true"
		case "set":
			if vs := d.Arg.GetVariableSetStmt(); vs != nil {
				var vals []string
				for _, a := range vs.Args {
					vals = append(vals, strVal(a))
				}
				if vs.Kind == pg_query.VariableSetKind_VAR_SET_CURRENT {
					vals = []string{"FROM CURRENT"}
				}
				f.Config[strings.ToLower(vs.Name)] = strings.Join(vals, ", ")
			}
		}
	}
	return f, bodyLoc
}

// bodySpan finds the function body's text in the statement, searching
// from the AS keyword. Single-quoted bodies with escapes are not found
// verbatim: the span then points at AS.
func (r *replayer) bodySpan(body string, loc int32) source.Span {
	if !r.stmt.IsValid() {
		return source.Span{}
	}
	from := r.stmt.Start
	if loc >= 0 {
		from = r.base + int(loc)
	}
	text := r.stmt.File.Content[from:r.stmt.End]
	if i := strings.Index(string(text), body); i >= 0 {
		return source.Span{File: r.stmt.File, Start: from + i, End: from + i + len(body)}
	}
	return source.Span{File: r.stmt.File, Start: from, End: from}
}

// funcScope is the top scope of a function body: its parameters.
func funcScope(f *model.Function) *scope {
	return &scope{params: f.ArgNames, funcName: f.Name}
}

// analyseBody turns a function's body into queries: SQL bodies and
// PL/pgSQL bodies (see analyseProcedural); other languages are opaque.
// The body's parse trees come from the parse workers when they prepared
// this statement (r.body), else the body is parsed here.
func (r *replayer) analyseBody(f *model.Function) {
	fb := r.body
	r.body = nil
	if fb == nil || fb.lang != f.Language || fb.text != f.Body {
		fb = parseFunctionBody(f)
	}
	switch f.Language {
	case "sql":
		if fb.err != nil {
			r.note(f.String(), "body of "+f.String()+" does not parse: "+fb.err.Error())
			return
		}
		// The body's names resolve through the function's own
		// search_path: pin it before the sub-replayer copies it.
		saved := r.searchPathFor(f)
		sub := r.sub(f.BodySpan)
		c := converter{r: sub}
		for _, rs := range fb.sql {
			if q := c.query(rs.Stmt, funcScope(f)); q != nil {
				q.Pos = sub.at(int32(firstToken(f.Body, int(rs.StmtLocation))))
				f.Queries = append(f.Queries, q)
			}
		}
		r.searchPath = saved
		f.BodyParsed = true
	case "plpgsql":
		r.analyseProcedural(f, fb)
	}
}

// functionBody is the part of a function body's analysis that does not
// depend on the model: its parse trees. It is computed off the replay
// goroutine when it can be (prepareBodies).
type functionBody struct {
	lang, text string
	// err is set when the body does not parse.
	err error
	// sql holds the statements of a SQL body.
	sql []*pg_query.RawStmt
	// pl is the SQL inside a PL/pgSQL body; nil when its parse tree could
	// not be read.
	pl *plBody
}

// parseFunctionBody parses the body of f as its language (SQL or
// PL/pgSQL; other languages are not parsed).
func parseFunctionBody(f *model.Function) *functionBody {
	fb := &functionBody{lang: f.Language, text: f.Body}
	switch f.Language {
	case "sql":
		tree, err := parseSQL(f.Body)
		if err != nil {
			fb.err = err
			return fb
		}
		fb.sql = tree.Stmts
	case "plpgsql":
		fb.pl, fb.err = parsePLBody(f)
	}
	return fb
}

// prepareBodies parses the bodies of the CREATE FUNCTION statements of a
// parsed statement, for replay to consume (run by the parse workers).
func prepareBodies(st *stmt) {
	for k, n := range st.Nodes {
		s := n.GetCreateFunctionStmt()
		if s == nil || s.SqlBody != nil {
			continue
		}
		f, _ := functionHead(s)
		if f.Body == "" || (f.Language != "sql" && f.Language != "plpgsql") {
			continue
		}
		if st.Bodies == nil {
			st.Bodies = make([]*functionBody, len(st.Nodes))
		}
		st.Bodies[k] = parseFunctionBody(f)
	}
}

// sqlStandardBody handles BEGIN ATOMIC ... END and RETURN expr bodies.
func (r *replayer) sqlStandardBody(f *model.Function, body *pg_query.Node) {
	c := converter{r: r}
	saved := r.searchPathFor(f)
	defer func() { r.searchPath = saved }()
	var stmts []*pg_query.Node
	if l := body.GetList(); l != nil {
		for _, item := range l.Items {
			if inner := item.GetList(); inner != nil {
				stmts = append(stmts, inner.Items...)
			} else {
				stmts = append(stmts, item)
			}
		}
	} else {
		stmts = []*pg_query.Node{body}
	}
	for _, st := range stmts {
		if rs := st.GetReturnStmt(); rs != nil {
			q := &model.Query{Kind: "SELECT", Targets: []*model.Expr{c.expr(rs.Returnval, funcScope(f))}}
			f.Queries = append(f.Queries, q)
			continue
		}
		if q := c.query(st, funcScope(f)); q != nil {
			f.Queries = append(f.Queries, q)
		}
	}
	f.BodyParsed = true
}

// searchPathFor switches to a function's pinned search_path (SET
// search_path) while its body is resolved and returns the old one.
func (r *replayer) searchPathFor(f *model.Function) []string {
	saved := r.searchPath
	if sp, ok := f.Config["search_path"]; ok && sp != "FROM CURRENT" {
		r.searchPath = parseSearchPath(sp)
	}
	return saved
}

// sub returns a replayer whose locations count from the start of span (a
// body inside the current statement); it shares the catalog.
func (r *replayer) sub(span source.Span) *replayer {
	s := *r
	if span.IsValid() && span.End > span.Start {
		s.stmt = span
		s.base = span.Start
	} else {
		s.stmt = source.Span{}
	}
	return &s
}

func (r *replayer) alterFunction(s *pg_query.AlterFunctionStmt) {
	if s.Func == nil {
		return
	}
	for _, f := range r.functionsFor(s.Func) {
		for _, a := range s.Actions {
			d := a.GetDefElem()
			if d == nil {
				continue
			}
			switch d.Defname {
			case "security":
				f.SecurityDefiner = strVal(d.Arg) == "true"
			case "set":
				if vs := d.Arg.GetVariableSetStmt(); vs != nil {
					name := strings.ToLower(vs.Name)
					switch vs.Kind {
					case pg_query.VariableSetKind_VAR_RESET, pg_query.VariableSetKind_VAR_SET_DEFAULT:
						delete(f.Config, name)
					case pg_query.VariableSetKind_VAR_RESET_ALL:
						f.Config = map[string]string{}
					default:
						var vals []string
						for _, v := range vs.Args {
							vals = append(vals, strVal(v))
						}
						f.Config[name] = strings.Join(vals, ", ")
					}
				}
			}
		}
	}
}

// functionsFor returns the functions an ObjectWithArgs names: the overload
// with those argument types, or every overload when no types are given.
func (r *replayer) functionsFor(owa *pg_query.ObjectWithArgs) []*model.Function {
	q := r.funcName(owa.Objname, false)
	all := r.cat.FunctionsNamed(q)
	if owa.ArgsUnspecified {
		return append([]*model.Function(nil), all...)
	}
	var types []string
	for _, a := range owa.Objargs {
		if tn := a.GetTypeName(); tn != nil {
			types = append(types, typeName(tn))
		}
	}
	sig := strings.Join(types, ",")
	for _, f := range all {
		if f.Signature() == sig {
			return []*model.Function{f}
		}
	}
	if len(all) == 1 && len(owa.Objargs) == 0 {
		return all
	}
	return nil
}

// doBlock reports a DO block: procedural code tenantguard does not run.
func (r *replayer) doBlock(s *pg_query.DoStmt) {
	lang := "plpgsql"
	for _, a := range s.Args {
		if d := a.GetDefElem(); d != nil && d.Defname == "language" {
			lang = strings.ToLower(strVal(d.Arg))
		}
	}
	r.diag(model.DynamicSQL, r.at(-1), "DO block ("+lang+"): tenantguard does not run procedural code, so tables, policies and RLS switches it changes are not in the model; prefer plain DDL, or check the result with `tenantguard inspect`")
}

// firstToken skips whitespace and comments from offset i of text.
func firstToken(text string, i int) int {
	for i < len(text) {
		switch {
		case text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r':
			i++
		case strings.HasPrefix(text[i:], "--"):
			if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				return len(text)
			}
		default:
			return i
		}
	}
	return i
}
