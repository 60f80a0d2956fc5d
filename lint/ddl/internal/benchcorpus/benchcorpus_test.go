package benchcorpus

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

func TestGenerateIsDeterministic(t *testing.T) {
	opts := Options{Seed: 7, Files: 40, Bytes: 200_000}
	a, _ := Generate(opts)
	b, _ := Generate(opts)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Content, b[i].Content) {
			t.Fatalf("file %d differs between two runs with the same seed", i)
		}
	}
	opts.Seed = 8
	c, _ := Generate(opts)
	same := 0
	for i := range a {
		if i < len(c) && bytes.Equal(a[i].Content, c[i].Content) {
			same++
		}
	}
	if same == len(a) {
		t.Fatal("another seed gave the same corpus")
	}
}

func TestGenerateSizeAndShape(t *testing.T) {
	files, st := Generate(Options{Seed: 1})
	if st.Files != DefaultFiles || len(files) != DefaultFiles {
		t.Errorf("%d files, want %d", len(files), DefaultFiles)
	}
	if lo, hi := int64(DefaultBytes*9/10), int64(DefaultBytes*11/10); st.Bytes < lo || st.Bytes > hi {
		t.Errorf("%d bytes, want about %d", st.Bytes, DefaultBytes)
	}
	var all strings.Builder
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
		all.Write(f.Content)
	}
	if !sort.StringsAreSorted(names) {
		t.Error("file names do not sort in apply order")
	}
	text := all.String()
	for _, want := range []string{"CREATE TABLE", "CREATE INDEX", "ENABLE ROW LEVEL SECURITY", "CREATE POLICY",
		"CREATE OR REPLACE FUNCTION", "LANGUAGE plpgsql", "CREATE OR REPLACE VIEW", "CREATE MATERIALIZED VIEW",
		"GRANT SELECT", "REVOKE", "RENAME TO", "DROP TABLE", "SET search_path", "INSERT INTO", "COPY ", "FROM stdin;\n",
		"\n\\.\n", "UPDATE ", "DELETE FROM"} {
		if !strings.Contains(text, want) {
			t.Errorf("corpus has no %q", want)
		}
	}
	if st.DataFiles < DefaultFiles/4 || st.Tables < 500 {
		t.Errorf("stats %+v: want a third of the files with data and a large schema", st)
	}
	noCopy, _ := Generate(Options{Seed: 1, Files: 60, Bytes: 300_000, NoCopy: true})
	for _, f := range noCopy {
		if bytes.Contains(f.Content, []byte("FROM stdin")) {
			t.Fatalf("%s: COPY block despite NoCopy", f.Name)
		}
	}
}

// TestCorpusParses lints a small corpus written to disk: every statement
// parses and the replayed schema holds the tables.
func TestCorpusParses(t *testing.T) {
	dir := t.TempDir()
	st, err := Write(dir, Options{Seed: 3, Files: 150, Bytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.sql"))
	if len(paths) != st.Files {
		t.Fatalf("%d files on disk, stats say %d", len(paths), st.Files)
	}
	var files []*source.File
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, source.NewFile(filepath.Base(p), b))
	}
	cat := ddl.Load(files)
	for _, d := range cat.Diagnostics {
		if d.Kind == model.ParseError {
			p := d.Span.StartPos()
			t.Errorf("%s:%d:%d: %s", d.Span.Path(), p.Line, p.Column, d.Message)
		}
	}
	if n := len(cat.Tables()); n < st.Tables/2 {
		t.Errorf("replay kept %d of %d tables", n, st.Tables)
	}
	if len(cat.Functions()) == 0 || len(cat.Views()) == 0 {
		t.Error("no functions or views replayed")
	}
}
