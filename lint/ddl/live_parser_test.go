package ddl

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

func TestNormalizeSelf(t *testing.T) {
	for _, tt := range []struct {
		text, table, want string
		ok                bool
	}{
		{`(EXISTS ( SELECT 1 FROM public.members m WHERE ((m.org_id = t5.org_id) AND (t5.title IS NOT NULL))))`, "t5",
			`(EXISTS ( SELECT 1 FROM public.members m WHERE ((m.org_id = "tenantguard$self".org_id) AND ("tenantguard$self".title IS NOT NULL))))`, true},
		{`(EXISTS ( SELECT 1 FROM public."Org Members" m WHERE (m.org_id = "Org Members".org_id)))`, "Org Members",
			``, false}, // also a relation name (after a dot)
		{`(EXISTS ( SELECT 1 FROM public.members m WHERE (m.org_id = "Docs".org_id)))`, "Docs",
			`(EXISTS ( SELECT 1 FROM public.members m WHERE (m.org_id = "tenantguard$self".org_id)))`, true},
		{`(org_id = current_setting('app.current_tenant'::text)::uuid)`, "tasks", ``, false},              // nothing to replace
		{`(tasks = 'tasks.x'::text)`, "tasks", ``, false},                                                 // a column named like the table
		{`(EXISTS ( SELECT 1 FROM public.members tasks WHERE (tasks.org_id = 1)))`, "tasks", ``, false},   // an alias
		{`(title = 'it''s tasks.org_id'::text)`, "tasks", ``, false},                                      // only in a string
		{`(EXISTS ( SELECT 1 FROM public.m WHERE (m.a = tasks.a AND m.b = E'\\x')))`, "tasks", ``, false}, // escapes: declined
	} {
		got, ok := normalizeSelf(tt.text, tt.table)
		if ok != tt.ok || got != tt.want {
			t.Errorf("normalizeSelf(%q, %q) = %q, %v; want %q, %v", tt.text, tt.table, got, ok, tt.want, tt.ok)
		}
	}
}

// ExprParser gives the same expression as ParseExpr, for every table,
// whether it parsed the text or reused another table's tree; and it is
// safe to use from several goroutines.
func TestExprParser(t *testing.T) {
	var sql string
	for i := 0; i < 20; i++ {
		sql += fmt.Sprintf("CREATE TABLE t%d (id int, org_id uuid, title text);\n", i)
	}
	sql += "CREATE TABLE members (org_id uuid, user_id uuid);\nCREATE FUNCTION is_member(o uuid) RETURNS boolean LANGUAGE sql AS 'SELECT true';\n"
	cat := Load([]*source.File{source.NewFile("s.sql", []byte(sql))})
	texts := []string{
		`(EXISTS ( SELECT 1 FROM public.members m WHERE ((m.org_id = {t}.org_id) AND ({t}.title IS NOT NULL))))`,
		`(org_id = (current_setting('app.current_tenant'::text))::uuid)`,
		`public.is_member(org_id)`,
		`(EXISTS ( SELECT 1 FROM public.{t} x WHERE (x.id = {t}.id)))`,
	}
	p := NewExprParser(cat)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tb := cat.Table(model.QName{Schema: "public", Name: fmt.Sprintf("t%d", i)})
			for _, tmpl := range texts {
				text := strings.ReplaceAll(tmpl, "{t}", tb.Name)
				want, err := ParseExpr(cat, tb, text)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := p.Parse(tb, text)
				if err != nil {
					t.Error(err)
					return
				}
				if describe(got) != describe(want) {
					t.Errorf("%s: %s\nwant %s", tb.Name, describe(got), describe(want))
				}
			}
		}(i)
	}
	wg.Wait()
	if _, err := p.Parse(nil, "(((("); err == nil {
		t.Error("no error for a broken text")
	}
}

// describe prints an expression with where each column resolved.
func describe(e *model.Expr) string {
	s := e.String()
	model.Walk(e, func(x *model.Expr) bool {
		if x.Kind == model.ColumnRef {
			s += fmt.Sprintf(" | %v->%v@%d", x.Names, x.Rel, x.Depth)
		}
		if x.Kind == model.FuncCall && x.Func != nil {
			s += fmt.Sprintf(" | %v()->%v", x.Names, *x.Func)
		}
		return true
	})
	return s
}

func TestRenameSelf(t *testing.T) {
	for _, tt := range []struct {
		text, from, to, want string
		ok                   bool
	}{
		{`(EXISTS ( SELECT 1 FROM public.members m WHERE (m.org_id = t5.org_id)))`, "t5", "t77",
			`(EXISTS ( SELECT 1 FROM public.members m WHERE (m.org_id = "t77".org_id)))`, true},
		{`(org_id = public.current_org())`, "t5", "t77", `(org_id = public.current_org())`, true},
		{`(EXISTS ( SELECT 1 FROM public."Org Members" m WHERE (m.org_id = "Docs".org_id)))`, "Docs", `My "Docs"`,
			`(EXISTS ( SELECT 1 FROM public."Org Members" m WHERE (m.org_id = "My ""Docs""".org_id)))`, true},
		{`(EXISTS ( SELECT 1 FROM public.t5 x WHERE (x.id = t5.id)))`, "t5", "t6", ``, false},
		{`(t5 = 'x'::text)`, "t5", "t6", ``, false},
		{`(a = E'\\x'::text)`, "t5", "t6", ``, false},
		{`(a = 1)`, "t5", "t5", `(a = 1)`, true},
	} {
		got, ok := RenameSelf(tt.text, tt.from, tt.to)
		if ok != tt.ok || got != tt.want {
			t.Errorf("RenameSelf(%q, %q, %q) = %q, %v; want %q, %v", tt.text, tt.from, tt.to, got, ok, tt.want, tt.ok)
		}
	}
}
