package ddl_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
	"github.com/tenantguard/tenantguard/report"
	"github.com/tenantguard/tenantguard/rules"
)

// trickySeeds are hand-written inputs aimed at the splitter and the
// replay: everything that can hide a semicolon, odd encodings, statements
// that reach across files.
var trickySeeds = []string{
	`CREATE TABLE "we;ird ""t""" ("org_id" uuid NOT NULL); ALTER TABLE "we;ird ""t""" ENABLE ROW LEVEL SECURITY;`,
	`INSERT INTO t VALUES (E'it\'s; fine', 'a''b;', $$;$$, U&'d\0061t;a'); CREATE TABLE x (org_id uuid);`,
	`CREATE FUNCTION f() RETURNS void AS $fn$ BEGIN EXECUTE $q$ DROP TABLE t; $q$; END $fn$ LANGUAGE plpgsql;`,
	`CREATE TABLE U&"d\0061t\+000061" (org_id int); ALTER TABLE U&"d\0061t\+000061" FORCE ROW LEVEL SECURITY;`,
	`/* outer /* inner ; */ still ; comment */ CREATE TABLE c (org_id uuid); -- tail ; comment`,
	"COPY t (a, b) FROM stdin;\n1\tx;y\n2\t\\.x\n\\.\nCREATE TABLE after_copy (org_id uuid);\n",
	"COPY t FROM stdin;\n1\n", // data never terminated
	`CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE 2 END; SELECT 3; END; CREATE TABLE y (org_id uuid);`,
	`CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); CREATE TABLE z (org_id uuid);`,
	"\\connect app\n\\restrict abc\nCREATE TABLE m (org_id uuid);\n\\unrestrict abc\n",
	`SELECT pg_catalog.set_config('search_path', '"My Schema", public', false); CREATE TABLE s (org_id uuid);`,
	`SET search_path = app, "$user"; CREATE SCHEMA app; CREATE TABLE t (org_id uuid REFERENCES orgs); CREATE TABLE orgs (id uuid PRIMARY KEY);`,
	`CREATE TABLE 'unterminated (org_id uuid);`,
	"CREATE TABLE \"esc\x1b[2J\r\" (org_id uuid); -- tenantguard:ignore rls-disabled \x1b[31mreason\x07",
	`CREATE TABLE x AS SELECT $tag$ never closed`,
	`/* never closed`,
	"\ufeffCREATE TABLE bom (org_id uuid);\r\nALTER TABLE bom ENABLE ROW LEVEL SECURITY;\r\n",
	"CREATE TABLE ünïcødé (org_id uuid, \"名前\" text); CREATE POLICY p ON ünïcødé USING (org_id = current_setting('app.org')::uuid);",
	"\xff\xfe CREATE TABLE",
	"CREATE TABLE nul (org_id uuid);\x00",
	"",
	";;;",
	"-- tenantguard:ignore rls-disabled\nCREATE TABLE i (org_id uuid);\n-- tenantguard:ignore-file nope,rls-not-forced why\n",
	`CREATE TABLE p (org_id uuid, id int) PARTITION BY LIST (org_id); CREATE TABLE p1 PARTITION OF p FOR VALUES IN ('00000000-0000-0000-0000-000000000000'); CREATE INDEX ON p (org_id); ALTER TABLE p ENABLE ROW LEVEL SECURITY; ALTER TABLE p RENAME TO q; DROP TABLE q;`,
	`CREATE TABLE parent (org_id uuid); CREATE TABLE child () INHERITS (parent); ALTER TABLE parent ADD COLUMN x int; ALTER TABLE parent RENAME COLUMN org_id TO tenant_id; ALTER SCHEMA public RENAME TO app; DROP SCHEMA app CASCADE;`,
	`DO $$ BEGIN EXECUTE 'ALTER TABLE t DISABLE ROW LEVEL SECURITY'; END $$; EXECUTE stmt; PREPARE stmt AS SELECT 1;`,
	`GRANT ALL ON ALL TABLES IN SCHEMA public TO PUBLIC; REVOKE SELECT ON t FROM anon; CREATE ROLE app LOGIN BYPASSRLS; ALTER TABLE t OWNER TO app;`,
	`CREATE TABLE orgs (id uuid PRIMARY KEY); CREATE TABLE t (org_id uuid REFERENCES orgs, id int) PARTITION BY RANGE (id); CREATE TABLE t1 PARTITION OF t FOR VALUES FROM (1) TO (9); CREATE POLICY p ON t USING (org_id IN (SELECT id FROM orgs)); CREATE VIEW v AS SELECT * FROM orgs JOIN t USING (id); CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT count(*) FROM orgs'; ALTER TABLE orgs RENAME TO tenants; CREATE TABLE orgs (id int); ALTER TABLE tenants SET SCHEMA app; ALTER TABLE t RENAME TO tt; ALTER SCHEMA public RENAME TO p2;`,
	`CREATE VIEW v WITH (security_invoker = true) AS SELECT * FROM t WHERE org_id IN (SELECT org_id FROM m); CREATE MATERIALIZED VIEW mv AS SELECT 1; ALTER VIEW v RENAME TO w;`,
}

// seedFiles collects real migration shapes: rule fixtures, the example
// app, the end-to-end cases and the discovery fixtures, as sets of files
// in name order per folder.
func seedFiles(f *testing.F) [][][]byte {
	f.Helper()
	roots := []string{"../../rules/testdata", "../../testdata/examples", "../../testdata/e2e", "discover/testdata"}
	folders := map[string][]string{}
	for _, root := range roots {
		// Best effort: a file that cannot be read (the e2e cases hold
		// unreadable ones on purpose) is not a seed.
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".sql") {
				dir := filepath.Dir(path)
				folders[dir] = append(folders[dir], path)
			}
			return nil
		})
		if err != nil {
			f.Fatalf("seeds: %v", err)
		}
	}
	var sets [][][]byte
	dirs := make([]string, 0, len(folders))
	for d := range folders {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		paths := folders[d]
		sort.Strings(paths)
		var set [][]byte
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				set = append(set, b)
			}
		}
		sets = append(sets, set)
	}
	return sets
}

// FuzzLint runs two files (a migration and the one after it) through
// parse, replay, every rule and the text and JSON writers, and checks
// that nothing panics and that every position produced is inside the
// input.
func FuzzLint(f *testing.F) {
	for _, s := range trickySeeds {
		f.Add([]byte(s), []byte(nil))
	}
	for _, set := range seedFiles(f) {
		if len(set) == 1 {
			f.Add(set[0], []byte(nil))
		}
		for i := 0; i+1 < len(set); i++ {
			f.Add(set[i], set[i+1])
		}
	}
	// A rename that misses a reference panics (see ddl.verifyRetarget).
	ddl.SetVerifyRenames(true)
	defer ddl.SetVerifyRenames(false)
	cfg := lint.DefaultConfig()
	all := rules.All()
	f.Fuzz(func(t *testing.T, first, second []byte) {
		out := lintAndCheck(t, &cfg, all, first, second)
		// Files are parsed in parallel; the result must not depend on
		// which finishes first, nor on map order anywhere.
		if again := lintAndCheck(t, &cfg, all, first, second); !bytes.Equal(out, again) {
			t.Fatalf("two runs on the same input differ:\n%s\n---\n%s", out, again)
		}
	})
}

// lintAndCheck lints the two files, checks the invariants and returns
// the JSON report.
func lintAndCheck(t *testing.T, cfg *lint.Config, all []*lint.Rule, first, second []byte) []byte {
	files := []*source.File{
		source.NewFile("migrations/0001_first.sql", bytes.Clone(first)),
		source.NewFile("migrations/0002_second.sql", bytes.Clone(second)),
	}
	cat := ddl.Load(files)
	checkStatements(t, files)
	checkCatalogSpans(t, cat, files)
	res := lint.Run(cat, cfg, all)
	checkFindings(t, res.Findings, files, all)

	r := &report.Report{Tool: report.Tool{Name: "tenantguard", Version: "fuzz"}, Kind: "lint",
		Findings: res.Findings, Checks: res.Checks, Rules: res.Rules, Files: len(files)}
	for _, opts := range []report.Options{{}, {Color: true, Verbose: true}} {
		w, err := report.NewWriter("text", opts)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := w.Write(&buf, r); err != nil {
			t.Fatalf("text writer: %v", err)
		}
		if !utf8.Valid(buf.Bytes()) {
			t.Fatalf("text report is not UTF-8: %q", buf.Bytes())
		}
		// Without colour, file content must not smuggle control
		// characters (terminal escapes) into the report.
		if !opts.Color {
			if i := bytes.IndexFunc(buf.Bytes(), func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }); i >= 0 {
				t.Fatalf("text report has control character %q at %d:\n%q", buf.Bytes()[i], i, buf.Bytes())
			}
		}
	}
	w, err := report.NewWriter("json", report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatalf("json writer: %v", err)
	}
	checkJSON(t, buf.Bytes(), len(res.Findings))
	return buf.Bytes()
}

// checkStatements: statement spans are non-empty, ordered, disjoint and
// inside the content, and their positions round-trip through Offset.
func checkStatements(t *testing.T, files []*source.File) {
	t.Helper()
	for _, f := range files {
		prevEnd := 0
		for i, s := range f.Statements {
			if s.File != f || s.Start < prevEnd || s.End <= s.Start || s.End > len(f.Content) {
				t.Fatalf("%s: statement %d span [%d,%d) bad (previous ended at %d, content %d bytes)",
					f.Path, i, s.Start, s.End, prevEnd, len(f.Content))
			}
			prevEnd = s.End
			if !utf8.Valid(f.Content) {
				continue
			}
			p := f.Position(s.Start)
			if got := f.Offset(f.LineStart(p.Line), p.Column); got != s.Start {
				t.Fatalf("%s: statement %d starts at byte %d = %d:%d, which maps back to byte %d",
					f.Path, i, s.Start, p.Line, p.Column, got)
			}
		}
	}
}

var spanType = reflect.TypeOf(source.Span{})

// checkCatalogSpans walks every object of the model and checks each span
// in it: a span points into one of the input files, within its content.
func checkCatalogSpans(t *testing.T, cat *model.Catalog, files []*source.File) {
	t.Helper()
	known := map[*source.File]bool{}
	for _, f := range files {
		known[f] = true
	}
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem(), path)
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			if v.Type() == spanType {
				checkSpan(t, v.Interface().(source.Span), known, path)
				return
			}
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i), path+"."+v.Type().Field(i).Name)
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i), path)
			}
		case reflect.Map:
			iter := v.MapRange()
			for iter.Next() {
				walk(iter.Value(), path)
			}
		}
	}
	walk(reflect.ValueOf(cat.Tables()), "tables")
	walk(reflect.ValueOf(cat.Views()), "views")
	walk(reflect.ValueOf(cat.Functions()), "functions")
	walk(reflect.ValueOf(cat.SortedRoles()), "roles")
	walk(reflect.ValueOf(cat.Schemas), "schemas")
	walk(reflect.ValueOf(cat.Diagnostics), "diagnostics")
	walk(reflect.ValueOf(cat.Notes), "notes")
	for _, d := range cat.Diagnostics {
		if d.Kind == "" || d.Message == "" {
			t.Fatalf("diagnostic without kind or message: %+v", d)
		}
	}
}

func checkSpan(t *testing.T, s source.Span, known map[*source.File]bool, path string) {
	t.Helper()
	if s.File == nil {
		return
	}
	if !known[s.File] {
		t.Fatalf("%s: span points into a file that was not read (%q)", path, s.File.Path)
	}
	if s.Start < 0 || s.Start > s.End || s.End > len(s.File.Content) {
		t.Fatalf("%s: span [%d,%d) outside %s (%d bytes)", path, s.Start, s.End, s.File.Path, len(s.File.Content))
	}
}

// checkFindings: every finding names a rule that ran, has a valid
// severity, and its position is a real line and column of its file.
func checkFindings(t *testing.T, fs []lint.Finding, files []*source.File, all []*lint.Rule) {
	t.Helper()
	byPath := map[string]*source.File{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	codes := map[string]string{}
	for _, r := range all {
		codes[r.Name] = r.Code
	}
	for _, fd := range fs {
		code, ok := codes[fd.Rule]
		if !ok || fd.Code != code {
			t.Fatalf("finding of unknown rule %q (code %q): %+v", fd.Rule, fd.Code, fd)
		}
		if fd.Message == "" || fd.Source == "" {
			t.Fatalf("finding without message or source: %+v", fd)
		}
		if fd.Severity < lint.Info || fd.Severity > lint.Error {
			t.Fatalf("finding with bad severity %d: %+v", fd.Severity, fd)
		}
		if fd.File == "" {
			if fd.Line != 0 || fd.Span.IsValid() {
				t.Fatalf("finding with a line but no file: %+v", fd)
			}
			continue
		}
		f := byPath[fd.File]
		if f == nil || fd.Span.File != f {
			t.Fatalf("finding in unknown file %q: %+v", fd.File, fd)
		}
		checkPos(t, f, fd.Line, fd.Column, fd)
		checkPos(t, f, fd.EndLine, fd.EndColumn, fd)
		if fd.EndLine < fd.Line || fd.EndLine == fd.Line && fd.EndColumn < fd.Column {
			t.Fatalf("finding ends before it starts: %+v", fd)
		}
		if st := fd.Statement; !st.IsValid() || st.File != f || st.Start > st.End || st.End > len(f.Content) {
			t.Fatalf("finding's statement [%d,%d) outside %s: %+v", st.Start, st.End, f.Path, fd)
		}
	}
}

func checkPos(t *testing.T, f *source.File, line, col int, fd lint.Finding) {
	t.Helper()
	if line < 1 || line > f.LineCount() {
		t.Fatalf("line %d outside %s (%d lines): %+v", line, f.Path, f.LineCount(), fd)
	}
	// The line with its \r but without its \n: a position may sit on
	// either, or just after the last character of the file.
	text := bytes.TrimSuffix(f.Content[f.LineStart(line):f.LineStart(line+1)], []byte("\n"))
	if col < 1 || col > utf8.RuneCount(text)+1 {
		t.Fatalf("column %d outside line %d of %s (%q): %+v", col, line, f.Path, text, fd)
	}
}

// checkJSON: the JSON report decodes and holds what the contract says.
func checkJSON(t *testing.T, b []byte, n int) {
	t.Helper()
	var doc struct {
		Tool     map[string]string `json:"tool"`
		Findings []map[string]any  `json:"findings"`
		Summary  map[string]int    `json:"summary"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("json report does not decode: %v\n%s", err, b)
	}
	if len(doc.Findings) != n || doc.Tool["name"] != "tenantguard" || len(doc.Summary) != 3 {
		t.Fatalf("json report: %d findings (want %d), tool %v, summary %v", len(doc.Findings), n, doc.Tool, doc.Summary)
	}
	for _, fd := range doc.Findings {
		for _, key := range []string{"rule", "id", "severity", "message", "source", "suppressed"} {
			if _, ok := fd[key]; !ok {
				t.Fatalf("json finding without %q: %v", key, fd)
			}
		}
	}
}
