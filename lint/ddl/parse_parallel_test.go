package ddl

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint/source"
)

// TestParseLargeFileInParallel parses a file of several parse units in
// parallel, with broken statements spread through it, and checks that it
// gives exactly what the sequential parse does: every statement's nodes,
// and the parse errors in file order with the count of those left out.
func TestParseLargeFileInParallel(t *testing.T) {
	saved := parallelFileSize
	defer func() { parallelFileSize = saved }()
	var b strings.Builder
	for i := 0; b.Len() < 5*unitSize; i++ {
		fmt.Fprintf(&b, "CREATE TABLE t%d (id int, org_id uuid NOT NULL);\n", i)
		fmt.Fprintf(&b, "INSERT INTO t%d VALUES (1, 'x; y');\n", i)
		if i%150 == 7 {
			fmt.Fprintf(&b, "CREATE TABEL broken%d (id int);\n", i)
		}
		fmt.Fprintf(&b, "CREATE POLICY p ON t%d USING (org_id = current_setting('app.org')::uuid);\n", i)
	}
	content := []byte(b.String())

	parallelFileSize = 0
	parallel := parseFile(source.NewFile("big.sql", content))
	parallelFileSize = len(content) + 1
	sequential := parseFile(source.NewFile("big.sql", content))

	if len(parallel.Stmts) != len(sequential.Stmts) {
		t.Fatalf("%d statements in parallel, %d in sequence", len(parallel.Stmts), len(sequential.Stmts))
	}
	for i := range parallel.Stmts {
		p, s := parallel.Stmts[i], sequential.Stmts[i]
		if p.Span.Start != s.Span.Start || p.Span.End != s.Span.End || p.Base != s.Base || len(p.Nodes) != len(s.Nodes) {
			t.Fatalf("statement %d: parallel %+v, sequential %+v", i, p, s)
		}
		for k := range p.Nodes {
			if !reflect.DeepEqual(p.Nodes[k], s.Nodes[k]) {
				t.Fatalf("statement %d: parallel and sequential trees differ", i)
			}
		}
	}
	msgs := func(pf parsedFile) (out []string) {
		for _, d := range pf.Diags {
			out = append(out, fmt.Sprintf("%d %s", d.Span.Start, d.Message))
		}
		return out
	}
	got, want := msgs(parallel), msgs(sequential)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("diagnostics differ:\nparallel   %q\nsequential %q", got, want)
	}
	if len(got) != maxParseErrors || !strings.Contains(got[len(got)-1], "more statements in this file did not parse") {
		t.Errorf("want %d diagnostics, the last counting the rest: %q", maxParseErrors, got)
	}
	for i := 1; i < len(parallel.Diags); i++ {
		if parallel.Diags[i].Span.Start <= parallel.Diags[i-1].Span.Start {
			t.Fatalf("diagnostics out of file order: %q", got)
		}
	}
}
