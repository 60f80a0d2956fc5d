package ddl_test

import (
	"testing"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/ddl/internal/benchcorpus"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
	"github.com/tenantguard/tenantguard/rules"
)

// BenchmarkLintCorpus measures `tenantguard lint` without the process
// and the report: discovery and reading of about 10 MB of migrations in
// 2,000 files (schema changes and seed data, generated into a temporary
// folder), parsing, replay and every rule. MB/s is input bytes.
//
//	go test ./lint/ddl -run '^$' -bench LintCorpus -benchtime 5x -cpuprofile cpu.out
func BenchmarkLintCorpus(b *testing.B) {
	dir := b.TempDir()
	st, err := benchcorpus.Write(dir, benchcorpus.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	cfg := lint.DefaultConfig()
	all := rules.All()
	lintDir := func() (*model.Catalog, *lint.Result) {
		migs, problems, err := discover.Discover([]string{dir}, discover.Options{Dir: dir})
		if err != nil || len(problems) > 0 || len(migs) != st.Files {
			b.Fatalf("discover: %d files of %d, problems %v, err %v", len(migs), st.Files, problems, err)
		}
		files := make([]*source.File, len(migs))
		for i, m := range migs {
			files[i] = m.File
		}
		cat := ddl.Load(files)
		return cat, lint.Run(cat, &cfg, all)
	}
	// The corpus must be what it claims: SQL that parses, a schema with
	// the tables it created.
	cat, _ := lintDir()
	for _, d := range cat.Diagnostics {
		if d.Kind == model.ParseError {
			p := d.Span.StartPos()
			b.Fatalf("generated corpus does not parse: %s:%d:%d: %s", d.Span.Path(), p.Line, p.Column, d.Message)
		}
	}
	if n := len(cat.Tables()); n < st.Tables/2 {
		b.Fatalf("replay kept %d tables of %d created", n, st.Tables)
	}
	b.SetBytes(st.Bytes)
	b.ReportAllocs()
	for b.Loop() { // the timer starts here
		lintDir()
	}
}
