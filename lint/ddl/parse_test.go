package ddl

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

func mkPos(line, col int) source.Position { return source.Position{Line: line, Column: col} }

func TestStatementSpans(t *testing.T) {
	// Multi-byte characters before and inside statements: columns count
	// code points, spans are byte offsets.
	src := "-- café ☕\n" +
		"CREATE TABLE \"naïve\" (id int);  SELECT '€';\n" +
		"\tINSERT INTO t VALUES ('𝄞');\n" +
		"CREATE TABLE z (\n  id int\n)"
	f := source.NewFile("f.sql", []byte(src))
	parseFile(f)
	type span struct {
		text       string
		start, end source.Position
	}
	want := []span{
		{`CREATE TABLE "naïve" (id int)`, mkPos(2, 1), mkPos(2, 30)},
		{`SELECT '€'`, mkPos(2, 33), mkPos(2, 43)},
		{`INSERT INTO t VALUES ('𝄞')`, mkPos(3, 2), mkPos(3, 28)},
		{"CREATE TABLE z (\n  id int\n)", mkPos(4, 1), mkPos(6, 2)},
	}
	if len(f.Statements) != len(want) {
		t.Fatalf("%d statements, want %d: %v", len(f.Statements), len(want), f.Statements)
	}
	for i, w := range want {
		s := f.Statements[i]
		if s.File != f {
			t.Errorf("statement %d: span of another file", i)
		}
		got := span{s.Text(), s.StartPos(), s.EndPos()}
		if got != w {
			t.Errorf("statement %d = %+v, want %+v", i, got, w)
		}
	}
}

func TestParseErrorPositions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want source.Position
		msg  string
	}{
		{"after multi-byte characters on the same line",
			"-- ☕ first line\nCREATE TABLE ok (id int);\nCREATE TABLE \"naïve\" (id int,, x int);\n",
			mkPos(3, 30), `syntax error at or near ","`},
		{"after multi-byte characters on an earlier line of the statement",
			"CREATE TABLE t (\n  label text DEFAULT 'é€𝄞',\n  name text name2 text\n);",
			mkPos(3, 13), `syntax error at or near "name2"`},
		{"second statement of a batch",
			"CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nALTER TABLE a ENABLE ROW LEVL SECURITY;\nCREATE TABLE c (id int);",
			mkPos(3, 26), `syntax error at or near "LEVL"`},
		{"end of input",
			"SELECT 1;\n  CREATE TABLE t (id int,",
			mkPos(2, 26), "syntax error at end of input"},
		{"statement after a COPY block",
			"COPY t FROM stdin;\nx;y\n\\.\nCREATE TABLE é (id intt int);",
			mkPos(4, 25), `syntax error at or near "int"`},
		{"unterminated block comment hides nothing",
			"CREATE TABLE a (id int);\n/* never closed\nCREATE TABLE b (org_id uuid);\n",
			mkPos(2, 1), "unterminated /* comment at or near \"/* never closed…\""},
		{"unterminated string in seed data",
			"INSERT INTO t VALUES ('never closed);\nCREATE TABLE b (org_id uuid);\n",
			mkPos(1, 23), "unterminated quoted string at or near \"'never closed);…\""},
		{"unterminated dollar quote",
			"CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1;\nCREATE TABLE b (org_id uuid);\n",
			mkPos(1, 36), "unterminated dollar-quoted string at or near \"$body$ SELECT 1;…\""},
		{"tab counts as one column",
			"\tCREATE\tTABLE\tt\t(id int) garbage;",
			mkPos(1, 26), `syntax error at or near "garbage"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := source.NewFile("f.sql", []byte(tt.src))
			pf := parseFile(f)
			if len(pf.Diags) != 1 {
				t.Fatalf("diagnostics = %+v, want one", pf.Diags)
			}
			d := pf.Diags[0]
			if d.Kind != model.ParseError || d.Span.File != f {
				t.Errorf("diagnostic = %+v", d)
			}
			if got := d.Span.StartPos(); got != tt.want {
				t.Errorf("position = %d:%d, want %d:%d", got.Line, got.Column, tt.want.Line, tt.want.Column)
			}
			if d.Message != tt.msg {
				t.Errorf("message = %q, want %q", d.Message, tt.msg)
			}
		})
	}
}

func TestParseErrorKeepsGoodStatements(t *testing.T) {
	src := "CREATE TABLE a (org_id uuid);\nCREATE TABLE oops (;\nCREATE TABLE b (org_id uuid);\n"
	f := source.NewFile("f.sql", []byte(src))
	cat := Load([]*source.File{f})
	if cat.Table(model.QName{Schema: "public", Name: "a"}) == nil || cat.Table(model.QName{Schema: "public", Name: "b"}) == nil {
		t.Errorf("statements around a parse error were lost: %v", dumpTableNames(cat))
	}
	if len(cat.Diagnostics) != 1 || cat.Diagnostics[0].Span.StartPos().Line != 2 {
		t.Errorf("diagnostics = %+v", cat.Diagnostics)
	}
}

func TestParseErrorCap(t *testing.T) {
	var b strings.Builder
	for i := 0; i < maxParseErrors+3; i++ {
		fmt.Fprintf(&b, "CREATE TABLE t%d (;\n", i)
		b.WriteString("CREATE TABLE ok (id int);\n") // keeps statements apart
	}
	f := source.NewFile("f.sql", []byte(strings.ReplaceAll(b.String(), "(;", "(,)")))
	pf := parseFile(f)
	if len(pf.Diags) != maxParseErrors {
		t.Fatalf("%d diagnostics, want %d", len(pf.Diags), maxParseErrors)
	}
	last := pf.Diags[len(pf.Diags)-1].Message
	if !strings.HasSuffix(last, "(and 3 more statements in this file did not parse)") {
		t.Errorf("last message = %q", last)
	}
	if got := pf.Diags[0].Span.StartPos(); got.Line != 1 {
		t.Errorf("first diagnostic at %+v, want line 1", got)
	}
}

func TestNotText(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want source.Position
		msg  string
	}{
		{"NUL byte", "CREATE TABLE t (id int);\nSELECT 'a\x00';", mkPos(2, 10), "file is binary (contains a NUL byte), not SQL text"},
		{"Latin-1", "-- caf\xe9\nCREATE TABLE t (id int);", mkPos(1, 7), "file is not valid UTF-8 (byte 0xe9): PostgreSQL would reject it; convert it to UTF-8"},
		{"invalid after valid multi-byte", "-- é\n€\xff", mkPos(2, 2), "file is not valid UTF-8 (byte 0xff): PostgreSQL would reject it; convert it to UTF-8"},
		{"truncated rune at the end", "SELECT 1; -- \xe2\x82", mkPos(1, 14), "file is not valid UTF-8 (byte 0xe2): PostgreSQL would reject it; convert it to UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := source.NewFile("f.sql", []byte(tt.src))
			pf := parseFile(f)
			if len(pf.Diags) != 1 || len(pf.Stmts) != 0 {
				t.Fatalf("diags %+v, %d statements; want one diagnostic and no statement", pf.Diags, len(pf.Stmts))
			}
			d := pf.Diags[0]
			if got := d.Span.StartPos(); got != tt.want || d.Message != tt.msg || d.Kind != model.ParseError {
				t.Errorf("got %d:%d %q, want %d:%d %q", got.Line, got.Column, d.Message, tt.want.Line, tt.want.Column, tt.msg)
			}
		})
	}
}

func TestParseSkipsDataStatements(t *testing.T) {
	// Data statements are never parsed: their syntax errors are not ours
	// to report (and they cost nothing).
	src := "INSERT INTO t VALUES (1,,2);\nUPDATE t SET = 1;\nSELECT FROM WHERE;\nCREATE TABLE t (id int);"
	f := source.NewFile("f.sql", []byte(src))
	pf := parseFile(f)
	if len(pf.Diags) != 0 {
		t.Errorf("diagnostics for data statements: %+v", pf.Diags)
	}
	for i, st := range pf.Stmts {
		if parsed := len(st.Nodes) > 0; parsed != (i == 3) {
			t.Errorf("statement %d (%q): parsed = %v", i, st.Span.Text(), parsed)
		}
	}
}

// parseUnbatched parses every statement that needs it on its own, never
// in a batch.
func parseUnbatched(f *source.File) parsedFile {
	pf := parsedFile{File: f}
	raws := split(f.Content)
	for i := range raws {
		st := stmt{Span: source.Span{File: f, Start: raws[i].Start, End: raws[i].End}}
		if needsParse(&raws[i]) {
			if err := parseOne(f, &st); err != nil {
				pf.Diags = append(pf.Diags, parseDiag(f, st.Span, err))
			}
		}
		pf.Stmts = append(pf.Stmts, st)
	}
	return pf
}

// replayParsed replays parsed files in order, as Load does.
func replayParsed(files []parsedFile) *model.Catalog {
	cat := model.NewCatalog(model.FromMigrations)
	r := newReplayer(cat)
	for _, pf := range files {
		cat.Files = append(cat.Files, pf.File)
		cat.Diagnostics = append(cat.Diagnostics, pf.Diags...)
		r.startFile()
		for _, st := range pf.Stmts {
			r.stmt, r.base = st.Span, st.Base
			for _, n := range st.Nodes {
				r.replay(n)
			}
		}
	}
	return cat
}

// batchingCorpus exercises node locations (columns, constraints) at
// different offsets inside one batch.
var batchingCorpus = []string{
	`-- ☕ tenancy
SET search_path = app, public;
CREATE SCHEMA app;
CREATE TABLE orgs (id uuid PRIMARY KEY, "Näme" text NOT NULL);
CREATE TABLE tasks (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES orgs (id),
    title  text DEFAULT 'é€',
    UNIQUE (org_id, title)
) PARTITION BY LIST (org_id);
CREATE TABLE tasks_a PARTITION OF tasks FOR VALUES IN ('00000000-0000-0000-0000-000000000001');
INSERT INTO orgs VALUES ('00000000-0000-0000-0000-000000000001', 'a');
ALTER TABLE tasks ADD COLUMN done boolean NOT NULL DEFAULT false, ALTER COLUMN title SET NOT NULL;
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_org ON tasks (org_id, done);
CREATE POLICY p ON tasks AS RESTRICTIVE FOR UPDATE TO app_user
    USING (org_id = current_setting('app.org')::uuid) WITH CHECK (title <> '');
CREATE VIEW open_tasks WITH (security_invoker = true) AS SELECT * FROM tasks WHERE NOT done;
CREATE FUNCTION f(a uuid) RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = app AS $$ SELECT count(*) FROM tasks WHERE org_id = a $$;
GRANT SELECT ON tasks TO app_user;
DO $$ BEGIN PERFORM 1; END $$;
SELECT pg_catalog.set_config('search_path', 'public', false);
CREATE TABLE later (org_id uuid);
`,
	`CREATE TABLE b (org_id uuid);
ALTER TABLE b ENABLE ROW LEVEL SECURITY;
ALTER TABLE b NOT A STATEMENT;
ALTER TABLE b FORCE ROW LEVEL SECURITY;
CREATE TABLE c (org_id uuid, CONSTRAINT c_pk PRIMARY KEY (org_id));
`,
}

func TestBatchingEquivalence(t *testing.T) {
	var batched, single []*source.File
	var singleParsed []parsedFile
	for i, src := range batchingCorpus {
		name := fmt.Sprintf("%d.sql", i+1)
		batched = append(batched, source.NewFile(name, []byte(src)))
		f := source.NewFile(name, []byte(src))
		single = append(single, f)
		singleParsed = append(singleParsed, parseUnbatched(f))
	}
	got := dumpCatalog(Load(batched))
	want := dumpCatalog(replayParsed(singleParsed))
	if got != want {
		t.Errorf("batched and statement-by-statement replays differ:\n%s", dumpDiff(want, got))
	}
	// The dump must see what the corpus set up, or the comparison proves
	// nothing.
	for _, part := range []string{"table app.tasks_a", "index app.tasks_org ", "policy p RESTRICTIVE UPDATE", "diag parse-error 2.sql:3:"} {
		if !strings.Contains(got, part) {
			t.Errorf("dump lacks %q:\n%s", part, got)
		}
	}
}

func dumpDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "  want: %s\n  got:  %s\n", wl, gl)
		}
	}
	return b.String()
}
