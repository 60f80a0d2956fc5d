package introspect

import (
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// noSpan is where every live object is declared: nowhere in a file.
var noSpan source.Span

// finish attaches grants and parses the texts that need the whole
// catalog: view queries first (in dependency order, so a view over a view
// knows its columns), then policy expressions, then function bodies.
func (b *builder) finish() *model.Catalog {
	for oid, t := range b.tables {
		for _, c := range b.columns[oid] {
			if c != nil {
				t.Columns = append(t.Columns, c)
			}
		}
		sort.Slice(t.Indexes, func(i, j int) bool { return t.Indexes[i].Name < t.Indexes[j].Name })
		sort.Slice(t.Constraints, func(i, j int) bool { return t.Constraints[i].Name < t.Constraints[j].Name })
	}
	for oid, g := range b.grants {
		switch {
		case b.tables[oid] != nil:
			b.tables[oid].Grants = g.list()
		case b.views[oid] != nil:
			b.views[oid].v.Grants = g.list()
		}
	}
	for _, v := range b.viewOrder() {
		b.parseView(v)
	}
	b.parsePolicies()
	for _, f := range b.funcs {
		b.analyseFunction(f)
	}
	return b.cat
}

// viewOrder returns the views so that each comes after the views it reads.
func (b *builder) viewOrder() []*view {
	byName := map[model.QName]*view{}
	for _, v := range b.order {
		byName[v.v.QName()] = v
	}
	out := make([]*view, 0, len(b.order))
	state := map[*view]int{} // 1 visiting, 2 done
	var visit func(v *view)
	visit = func(v *view) {
		if state[v] != 0 {
			return // done, or a cycle PostgreSQL would not allow
		}
		state[v] = 1
		for _, r := range v.reads {
			if dep := byName[r]; dep != nil {
				visit(dep)
			}
		}
		state[v] = 2
		out = append(out, v)
	}
	for _, v := range b.order {
		visit(v)
	}
	return out
}

func (b *builder) parseView(v *view) {
	if strings.TrimSpace(v.def) != "" {
		q, err := ddl.ParseQuery(b.cat, v.def)
		if err != nil {
			b.note(v.v.QName().String(), kindOf(v.v)+" "+v.v.QName().String()+": its query could not be analysed ("+err.Error()+"); only the relations it depends on are known")
		} else {
			v.v.Query = q
		}
	}
	v.v.Reads = readsInOrder(v.v.Query, v.reads)
}

func kindOf(v *model.View) string {
	if v.Materialized {
		return "materialized view"
	}
	return "view"
}

// readsInOrder lists the relations a view depends on (the catalog's
// truth) in the order its query mentions them, the others after.
func readsInOrder(q *model.Query, deps []model.QName) []model.QName {
	if q == nil {
		return deps
	}
	dep := map[model.QName]bool{}
	for _, d := range deps {
		dep[d] = true
	}
	out := make([]model.QName, 0, len(deps))
	seen := map[model.QName]bool{}
	for _, r := range q.Relations() {
		if dep[r] && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, d := range deps {
		if !seen[d] {
			out = append(out, d)
		}
	}
	return out
}

// parsePolicies parses every policy expression, on every CPU: on a
// catalog with thousands of tables this is most of the work. Each distinct
// text is parsed once (ddl.ExprParser); the catalog is not changed
// meanwhile, and each worker writes only its own policies.
func (b *builder) parsePolicies() {
	parser := ddl.NewExprParser(b.cat)
	notes := make([][]string, len(b.policies))
	next := make(chan int)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	if workers > len(b.policies) {
		workers = len(b.policies)
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				notes[i] = parsePolicy(parser, b.policies[i])
			}
		}()
	}
	for i := range b.policies {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, ns := range notes {
		p := b.policies[i]
		for _, n := range ns {
			b.note(p.t.QName().String()+"."+p.p.Name, n)
		}
	}
}

// parsePolicy parses a policy's expressions and returns what could not be
// parsed.
func parsePolicy(parser *ddl.ExprParser, p *policy) (notes []string) {
	parse := func(clause string, text *string) *model.Expr {
		if text == nil {
			return nil
		}
		e, err := parser.Parse(p.t, *text)
		if err != nil {
			notes = append(notes, "policy "+p.p.Name+" on "+p.t.QName().String()+": "+clause+" could not be analysed ("+err.Error()+")")
			return nil
		}
		return e
	}
	p.p.Using = parse("USING", p.using)
	p.p.WithCheck = parse("WITH CHECK", p.check)
	return notes
}

// analyseFunction parses a function's body into the queries it runs. A
// SQL-standard body (PostgreSQL 14+) is turned into plain statements:
// RETURN expr becomes SELECT expr; BEGIN ATOMIC ... END its statements.
func (b *builder) analyseFunction(fn *function) {
	f := fn.f
	if fn.sqlBody != nil {
		f.Body = standardBody(*fn.sqlBody)
		f.Language = "sql"
	}
	if f.Body == "" {
		return
	}
	switch f.Language {
	case "sql", "plpgsql":
		ddl.AnalyseFunction(b.cat, f)
	}
}

// standardBody turns pg_get_function_sqlbody's text into statements.
func standardBody(s string) string {
	t := strings.TrimSpace(s)
	upper := strings.ToUpper(t)
	switch {
	case strings.HasPrefix(upper, "RETURN"):
		return "SELECT " + strings.TrimSpace(t[len("RETURN"):])
	case strings.HasPrefix(upper, "BEGIN ATOMIC") && strings.HasSuffix(upper, "END"):
		return strings.TrimSpace(t[len("BEGIN ATOMIC") : len(t)-len("END")])
	}
	return t
}

func (b *builder) note(object, msg string) {
	b.cat.Notes = append(b.cat.Notes, model.Note{Object: object, Message: msg})
}
