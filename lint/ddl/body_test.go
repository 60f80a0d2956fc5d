package ddl

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// deparsed prints statements back as SQL (locations aside, equal trees
// print the same); "error" stands for a text that does not parse.
func deparsed(t *testing.T, stmts []*pg_query.RawStmt) string {
	t.Helper()
	if stmts == nil {
		return "error"
	}
	v, err := pg_query.Parse("SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, rs := range stmts {
		s, err := pg_query.Deparse(&pg_query.ParseResult{Version: v.Version, Stmts: []*pg_query.RawStmt{{Stmt: rs.Stmt}}})
		if err != nil {
			t.Fatalf("deparse: %v", err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

// TestParseTextsLikeAlone checks that parsing the SQL texts of a body in
// one call gives each text exactly what parsing it alone gives, whatever
// its neighbours: texts that end inside a comment or a string, hold two
// statements, or do not parse must not bleed into the others.
func TestParseTextsLikeAlone(t *testing.T) {
	texts := []string{
		"SELECT count(*) FROM t WHERE org_id = p_org",
		"SELECT n > 1000 -- trailing comment",
		"SELECT 'unterminated",
		"SELECT 1; SELECT 2",
		"",
		"SELECT $q$ ; $q$",
		"SELECT 1 /* unterminated",
		"SELECT n := 1",
		"SELECT f(a := 1)",
		"SELECT x FROM",
		"UPDATE t SET a = 1 WHERE org_id = p_org RETURNING a",
		"SELECT E'\\'; SELECT 3'",
		"SELECT 'a",
		"b'; SELECT 2",
	}
	alone := make([]string, len(texts))
	for i, s := range texts {
		var stmts []*pg_query.RawStmt
		if tree, err := pg_query.Parse(s); err == nil {
			stmts = tree.Stmts
		}
		alone[i] = deparsed(t, stmts)
	}
	// Every window of consecutive texts, so each text meets each
	// neighbour on both sides.
	for n := 1; n <= 3; n++ {
		for i := 0; i+n <= len(texts); i++ {
			got := parseTexts(texts[i:i+n], func(int) bool { return true })
			for k := range got {
				if g := deparsed(t, got[k]); g != alone[i+k] {
					t.Errorf("texts %q: text %q gives %q, alone %q", texts[i:i+n], texts[i+k], g, alone[i+k])
				}
			}
		}
	}
}

// TestParseJoinedTakesCleanTexts checks that the one-call parse is used
// when it can be (else the test above would only test the fallback), and
// refused when a text bleeds into the next or holds two statements.
func TestParseJoinedTakesCleanTexts(t *testing.T) {
	for _, tt := range []struct {
		texts []string
		ok    bool
	}{
		{[]string{"SELECT a FROM t", "SELECT n > 1 -- c", "SELECT $$;$$"}, true},
		{[]string{"SELECT 1", "SELECT 2; SELECT 3"}, false},
		{[]string{"SELECT 'x", "SELECT 'y"}, false},
		{[]string{"SELECT 1 /* open", "SELECT 2 */"}, false},
		{[]string{"SELECT n := 1", "SELECT 2"}, false},
	} {
		stmts, ok := parseJoined(tt.texts)
		if ok != tt.ok || ok && len(stmts) != len(tt.texts) {
			t.Errorf("parseJoined(%q) = %d statements, %v; want ok %v", tt.texts, len(stmts), ok, tt.ok)
		}
	}
}

// TestBodiesParsedAheadLikeInReplay loads functions with their bodies
// parsed by the parse workers and by replay, and wants the same model:
// queries (with positions), dynamic SQL, notes about bodies that do not
// parse.
func TestBodiesParsedAheadLikeInReplay(t *testing.T) {
	src := `
CREATE TABLE members (user_id uuid, org_id uuid);
CREATE FUNCTION app.org_of(p_user uuid) RETURNS uuid LANGUAGE sql STABLE
    SET search_path = app, public
    AS $$ SELECT org_id FROM members WHERE user_id = p_user; SELECT 1 $$;
CREATE FUNCTION app.count_org(p_org uuid) RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE
    n bigint;
    r record;
BEGIN
    SELECT count(*) INTO n FROM members WHERE org_id = p_org; -- scoped
    IF n > 1000 THEN
        RAISE NOTICE 'large: %', n;
    ELSIF n < 0 THEN
        n := 0;
        n = 1;
    END IF;
    FOR r IN SELECT * FROM members WHERE org_id = p_org LOOP
        PERFORM pg_notify('x', r.user_id::text);
    END LOOP;
    RETURN n;
END $f$;
CREATE FUNCTION app.dyn() RETURNS void LANGUAGE plpgsql AS $$
BEGIN EXECUTE 'DELETE FROM members'; END $$;
CREATE FUNCTION app.broken() RETURNS void LANGUAGE plpgsql AS $$ BEGIN SELEC 1; END $$;
CREATE FUNCTION app.broken_sql() RETURNS void LANGUAGE sql AS $$ SELEC 1 $$;
CREATE FUNCTION app.rows() RETURNS SETOF members LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY SELECT * FROM members; END $$;
CREATE FUNCTION app.trg() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.org_id := OLD.org_id; RETURN NEW; END $$;
CREATE FUNCTION app.js() RETURNS int LANGUAGE plv8 AS $$ return 1 $$;
`
	load := func(ahead bool) *model.Catalog {
		saved := parseBodiesAhead
		defer func() { parseBodiesAhead = saved }()
		parseBodiesAhead = ahead
		return Load([]*source.File{source.NewFile("f.sql", []byte(src))})
	}
	describe := func(cat *model.Catalog) []string {
		var out []string
		for _, f := range cat.Functions() {
			s := fmt.Sprintf("%s parsed=%v dynamic=%v queries=%d", f, f.BodyParsed, f.Dynamic, len(f.Queries))
			for _, q := range f.Queries {
				s += fmt.Sprintf(" [%s %s]", q.Kind, dumpSpan(q.Pos))
			}
			out = append(out, s)
		}
		for _, n := range cat.Notes {
			out = append(out, "note "+n.Message)
		}
		return out
	}
	ahead, inReplay := load(true), load(false)
	if got, want := describe(ahead), describe(inReplay); !reflect.DeepEqual(got, want) {
		t.Fatalf("bodies parsed ahead:\n%s\nparsed in replay:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, f := range ahead.Functions() {
		g := inReplay.Functions()[i]
		if !reflect.DeepEqual(f.Queries, g.Queries) {
			t.Errorf("%s: queries differ", f)
		}
	}
	// The comparison means something only if the bodies were analysed.
	text := strings.Join(describe(ahead), "\n")
	for _, want := range []string{"app.count_org(uuid) parsed=true dynamic=false queries=", "app.dyn() parsed=true dynamic=true",
		"app.org_of(uuid) parsed=true dynamic=false queries=2", "does not parse"} {
		if !strings.Contains(text, want) {
			t.Errorf("want %q in:\n%s", want, text)
		}
	}
}

// plain turns a jsonValue into what encoding/json decodes into an any.
func (v *jsonValue) plain() any {
	switch v.kind {
	case '{':
		m := map[string]any{}
		for i, k := range v.keys {
			m[k] = v.vals[i].plain()
		}
		return m
	case '[':
		l := []any{}
		for _, e := range v.vals {
			l = append(l, e.plain())
		}
		return l
	case '"':
		return v.str
	case '0':
		return v.num
	}
	switch v.str {
	case "true":
		return true
	case "false":
		return false
	}
	return nil
}

// TestParseJSONLikeEncodingJSON reads pg_query's PL/pgSQL trees and other
// JSON, and wants what encoding/json reads, or an error where it errs.
func TestParseJSONLikeEncodingJSON(t *testing.T) {
	docs := []string{
		`{"a":1,"b":[true,false,null,-2.5e3,"x\"y\\z\u00e9\ud83d\ude00\n"],"c":{}, "d" : [ ] }`,
		`"caf\u00e9 ` + "café" + `"`,
		`[1, 2`, `{"a" 1}`, `{"a":1,}`, `[1 2]`, `"\x"`, `"bad ` + "\x01" + `"`, `"` + "\xff" + `"`, `tru`, ``, `{} {}`, `-`,
	}
	for _, body := range []string{
		"BEGIN RAISE NOTICE 'quote \" backslash \\ tab \t é 😀'; RETURN; END",
		"DECLARE n int := 0; BEGIN FOR i IN 1..10 LOOP n := n + i; END LOOP; IF n > 3 THEN EXECUTE 'x'; END IF; END",
	} {
		out, err := pg_query.ParsePlPgSqlToJSON("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $b$" + body + "$b$")
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, out)
	}
	for _, doc := range docs {
		var want any
		wantErr := json.Unmarshal([]byte(doc), &want)
		v, err := parseJSON(doc)
		if (err != nil) != (wantErr != nil) {
			t.Errorf("%q: error %v, encoding/json: %v", doc, err, wantErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(v.plain(), want) {
			t.Errorf("%q:\n got %#v\nwant %#v", doc, v.plain(), want)
		}
	}
}

// TestWalkPLInDocumentOrder checks that the SQL of a body comes out in
// the order it is written, whatever order maps would give.
func TestWalkPLInDocumentOrder(t *testing.T) {
	f := &model.Function{Language: "plpgsql", Body: `
DECLARE n int;
BEGIN
    SELECT 1 INTO n;
    IF n > 2 THEN
        PERFORM 3;
    ELSIF n > 4 THEN
        PERFORM 5;
    ELSE
        PERFORM 6;
    END IF;
    RETURN n + 7;
END`}
	pb, err := parsePLBody(f)
	if err != nil || pb == nil {
		t.Fatalf("parse: %v", err)
	}
	var got []string
	for _, q := range pb.queries {
		got = append(got, fmt.Sprintf("%d:%s", q.line, deparsed(t, q.stmts)))
	}
	want := []string{"4:SELECT 1", "5:SELECT n > 2", "6:SELECT 3", "7:SELECT n > 4", "8:SELECT 5", "10:SELECT 6", "12:SELECT n + 7"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestFunctionBodiesResolveThroughPinnedSearchPath: a function's SET
// search_path is the path its body's names resolve through, for SQL and
// PL/pgSQL bodies alike (the session's path, public here, would find
// nothing or the wrong table).
func TestFunctionBodiesResolveThroughPinnedSearchPath(t *testing.T) {
	cat := Load([]*source.File{source.NewFile("f.sql", []byte(`
CREATE SCHEMA app;
CREATE TABLE app.members (org_id uuid, user_id uuid);
CREATE TABLE public.members (id int);
CREATE FUNCTION public.org_sql() RETURNS uuid LANGUAGE sql SET search_path = app
    AS $$ SELECT org_id FROM members $$;
CREATE FUNCTION public.org_pl() RETURNS uuid LANGUAGE plpgsql SET search_path = app
    AS $$ BEGIN RETURN org_id FROM members LIMIT 1; END $$;
CREATE FUNCTION public.unpinned() RETURNS int LANGUAGE sql AS $$ SELECT id FROM members $$;
`))})
	want := map[string]string{"org_sql": "app.members", "org_pl": "app.members", "unpinned": "public.members"}
	for name, rel := range want {
		fs := cat.FunctionsNamed(model.QName{Schema: "public", Name: name})
		if len(fs) != 1 || len(fs[0].Queries) == 0 {
			t.Fatalf("%s: not analysed: %+v", name, fs)
		}
		var got []string
		for _, q := range fs[0].Queries {
			for _, r := range levelRelations(q) {
				got = append(got, r.String())
			}
		}
		if !slices.Contains(got, rel) || len(got) != 1 {
			t.Errorf("%s reads %v, want %s", name, got, rel)
		}
	}
}
