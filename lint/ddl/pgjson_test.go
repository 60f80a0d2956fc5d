package ddl_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
	"google.golang.org/protobuf/proto"

	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/internal/benchcorpus"
	"github.com/tenantguard/tenantguard/lint/ddl/internal/pgjsongen"
)

// TestGeneratedDecoderIsCurrent fails when pgjson_gen.go is not what the
// generator writes for the pg_query_go in go.mod.
func TestGeneratedDecoderIsCurrent(t *testing.T) {
	want, err := pgjsongen.Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("pgjson_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("pgjson_gen.go is stale: run go generate ./lint/ddl")
	}
}

// sameTree checks that the JSON route gives exactly the tree (or the
// error) pg_query.Parse gives, and that it did not need the fallback.
func sameTree(t *testing.T, sql string) {
	t.Helper()
	if !utf8.ValidString(sql) {
		return // lint never parses such text (the protobuf route fails on it after parsing)
	}
	want, wantErr := pg_query.Parse(sql)
	js, err := parser.ParseToJSON(sql)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("%q: JSON route error %v, protobuf route error %v", sql, err, wantErr)
	}
	if err != nil {
		return
	}
	got, err := ddl.DecodeTree(js)
	if err != nil {
		t.Fatalf("%q: decoding %s: %v", sql, js, err)
	}
	if !proto.Equal(got, want) {
		t.Fatalf("%q: trees differ\nJSON:     %v\nprotobuf: %v", sql, got, want)
	}
}

// TestDecodeTreeLikeProtobuf parses every statement of the repository's
// SQL (rule fixtures, examples, end-to-end cases) and of a generated
// migration history both ways.
func TestDecodeTreeLikeProtobuf(t *testing.T) {
	var texts [][]byte
	for _, root := range []string{"../../rules/testdata", "../../testdata", "testdata"} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".sql") {
				if b, err := os.ReadFile(path); err == nil {
					texts = append(texts, b)
				}
			}
			return nil
		})
	}
	files, _ := benchcorpus.Generate(benchcorpus.Options{Seed: 3, Files: 150, Bytes: 600_000})
	for _, f := range files {
		texts = append(texts, f.Content)
	}
	for _, s := range trickySeeds {
		texts = append(texts, []byte(s))
	}
	n := 0
	for _, text := range texts {
		for _, st := range ddl.Statements(text) {
			sameTree(t, string(text[st.Start:st.End]))
			n++
		}
		sameTree(t, string(text)) // whole files: many statements, parse errors
	}
	if n < 3000 {
		t.Fatalf("only %d statements: the corpus did not load", n)
	}
}

// TestDecodeTreeEdges covers what the corpus may not: escapes, empty and
// missing nodes, and JSON the decoder must refuse rather than misread.
func TestDecodeTreeEdges(t *testing.T) {
	for _, sql := range []string{
		`SELECT 'quote '' backslash \ tab	 bell` + "\x07" + ` nl` + "\n" + `é 😀', E'\x01\u0002', "we""ird", U&'\0441'`,
		`SELECT 1, -2147483648, 2147483647, 2147483648, 9223372036854775807, 1.5e300, B'101', X'1f', NULL, true`,
		`SELECT ARRAY[[1,2],[3,4]], (1,2), $1::int[], x[1:2], f(a => 1, b := 2) FROM t WHERE NOT a OR b IS DISTINCT FROM c`,
		`CREATE TABLE p (a int GENERATED ALWAYS AS (b * 2) STORED, CHECK (a > 0) NO INHERIT, EXCLUDE USING gist (c WITH &&)) PARTITION BY RANGE (a)`,
		`WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r FOR UPDATE SKIP LOCKED`,
		`CREATE FUNCTION f(a int DEFAULT 1, VARIADIC b text[]) RETURNS TABLE (x int) LANGUAGE sql BEGIN ATOMIC SELECT 1; END`,
		`ALTER TABLE t ALTER COLUMN a SET STATISTICS 100, ALTER COLUMN a TYPE bigint USING a::bigint`,
		`GRANT SELECT (a, b) ON t TO PUBLIC WITH GRANT OPTION`,
		`SELECT`,
		`;`,
		``,
	} {
		sameTree(t, sql)
	}
	for _, js := range []string{
		``, `{`, `{"version":170007,"stmts":[`, `{"version":170007,"stmts":[null]}`,
		`{"version":"x"}`, `{"version":1e99}`, `{"version":170007}x`, `{"nope":1}`,
		`{"stmts":[{"stmt":{"SelectStmt":{},"InsertStmt":{}}}]}`,
		`{"stmts":[{"stmt":{"NoSuchNode":{}}}]}`,
		`{"stmts":[{"stmt":{"SelectStmt":{"op":"NO_SUCH_OP"}}}]}`,
		`{"stmts":[{"stmt":{"String":{"sval":"\ud800"}}}]}`,
		`{"stmts":[{"stmt":{"String":{"sval":"\q"}}}]}`,
		`{"stmts":[{"stmt":{"Integer":{"ival":4294967296}}}]}`,
		`{"stmts" [1]}`, `{"stmts":[1,]}`, `{,"version":1}`,
	} {
		if tree, err := ddl.DecodeTree(js); err == nil {
			t.Errorf("%q: decoded as %v, want an error", js, tree)
		}
	}
	tree, err := ddl.DecodeTree(`{"version":170007,"stmts":[{"stmt":{"SelectStmt":{"targetList":[{}],"whereClause":null,"op":"SETOP_NONE","all":false}},"stmt_len":0}]}`)
	if err != nil {
		t.Fatal(err)
	}
	sel := tree.Stmts[0].Stmt.GetSelectStmt()
	if sel == nil || len(sel.TargetList) != 1 || sel.TargetList[0].Node != nil || sel.WhereClause != nil || sel.Op != pg_query.SetOperation_SETOP_NONE {
		t.Errorf("decoded %v", tree)
	}
}

// FuzzParseSQL checks that, whatever the text, the JSON route gives the
// protobuf route's tree or error.
func FuzzParseSQL(f *testing.F) {
	for _, s := range trickySeeds {
		f.Add(s)
	}
	f.Add(`SELECT 'a\b', E'\\', "x""y" FROM t WHERE a @> '{"k": [1, "\u0001"]}'::jsonb`)
	f.Fuzz(func(t *testing.T, sql string) {
		if strings.IndexByte(sql, 0) >= 0 {
			return // lint rejects such files before parsing (as does sameTree invalid UTF-8)
		}
		sameTree(t, sql)
	})
}
