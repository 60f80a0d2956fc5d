package ddl

import (
	"slices"
	"strings"
	"testing"
)

// splitTexts returns the text of each statement the splitter finds.
func splitTexts(src string) []string {
	var out []string
	for _, s := range split([]byte(src)) {
		out = append(out, src[s.Start:s.End])
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"empty", "", nil},
		{"only blanks and comments", " \n\t-- a; b\n/* c; */\r\n", nil},
		{"only semicolons", ";;\n;", nil},
		{"two statements", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);",
			[]string{"CREATE TABLE a (id int)", "CREATE TABLE b (id int)"}},
		{"byte order mark", "\ufeffCREATE TABLE t (id int);\r\nSELECT 2;", []string{"CREATE TABLE t (id int)", "SELECT 2"}},
		{"byte order mark only at the start", "SELECT 1;\ufeffSELECT 2;", []string{"SELECT 1", "\ufeffSELECT 2"}},
		{"no final semicolon", "SELECT 1;\n  SELECT 2  \n",
			[]string{"SELECT 1", "SELECT 2"}},
		{"trailing comment not part of the statement", "SELECT 1 -- one; two\n;SELECT 2 /* x; */;",
			[]string{"SELECT 1", "SELECT 2"}},
		{"leading comment not part of the statement", "-- header; x\n/* block; */ SELECT 1;",
			[]string{"SELECT 1"}},

		// Quoting: every form that can hide a semicolon.
		{"single quotes", "SELECT 'a;b';SELECT 2;", []string{"SELECT 'a;b'", "SELECT 2"}},
		{"doubled single quote", "SELECT 'it''s; fine';SELECT 2;", []string{"SELECT 'it''s; fine'", "SELECT 2"}},
		{"quoted identifier", `CREATE TABLE "we;ird ""t""" (id int);SELECT 2;`,
			[]string{`CREATE TABLE "we;ird ""t""" (id int)`, "SELECT 2"}},
		{"escape string with \\'", `SELECT E'it\'s; x';SELECT 2;`, []string{`SELECT E'it\'s; x'`, "SELECT 2"}},
		{"escape string lower case e", `SELECT e'\';';SELECT 2;`, []string{`SELECT e'\';'`, "SELECT 2"}},
		{"escape string ending in \\\\", `SELECT E'a\\';SELECT 2;`, []string{`SELECT E'a\\'`, "SELECT 2"}},
		{"backslash in a standard string is not an escape", `SELECT 'a\';SELECT 2;`, []string{`SELECT 'a\'`, "SELECT 2"}},
		{"unicode string", `SELECT U&'d\0061t;a';SELECT 2;`, []string{`SELECT U&'d\0061t;a'`, "SELECT 2"}},
		{"unicode identifier", `CREATE TABLE u&"d\0061;t" (id int);SELECT 2;`, []string{`CREATE TABLE u&"d\0061;t" (id int)`, "SELECT 2"}},
		{"bit, hex and national strings", `SELECT B'1;0', X'1;F', N'n;x';SELECT 2;`,
			[]string{`SELECT B'1;0', X'1;F', N'n;x'`, "SELECT 2"}},
		{"identifier ending in e before a string is not E''", `SELECT type'a\';SELECT 2;`,
			[]string{`SELECT type'a\'`, "SELECT 2"}},

		// Dollar quotes.
		{"dollar quote", "SELECT $$a;b$$;SELECT 2;", []string{"SELECT $$a;b$$", "SELECT 2"}},
		{"tagged dollar quote with $$ inside", "CREATE FUNCTION f() RETURNS int AS $a$ SELECT $$;$$; $a$ LANGUAGE sql;SELECT 2;",
			[]string{"CREATE FUNCTION f() RETURNS int AS $a$ SELECT $$;$$; $a$ LANGUAGE sql", "SELECT 2"}},
		{"different tag inside", "SELECT $fn$ $x$ ; $fn$;SELECT 2;", []string{"SELECT $fn$ $x$ ; $fn$", "SELECT 2"}},
		{"tags are case-sensitive", "SELECT $A$ ; $a$ ; $A$;SELECT 2;", []string{"SELECT $A$ ; $a$ ; $A$", "SELECT 2"}},
		{"positional parameters", "PREPARE p AS SELECT $1, $2;SELECT 2;", []string{"PREPARE p AS SELECT $1, $2", "SELECT 2"}},
		{"dollar inside an identifier", "SELECT a$b$c;SELECT 2;", []string{"SELECT a$b$c", "SELECT 2"}},
		{"lone dollar", "SELECT $ ;SELECT 2;", []string{"SELECT $", "SELECT 2"}},

		// Comments.
		{"nested block comments", "SELECT 1 /* a /* b; */ c; */ + 1;SELECT 2;",
			[]string{"SELECT 1 /* a /* b; */ c; */ + 1", "SELECT 2"}},
		{"line comment inside a statement", "SELECT 1 -- x;\n + 1;SELECT 2;",
			[]string{"SELECT 1 -- x;\n + 1", "SELECT 2"}},
		{"comment markers inside strings", "SELECT '--', '/*';SELECT 2;", []string{"SELECT '--', '/*'", "SELECT 2"}},

		// Bodies with their own semicolons.
		{"create rule with (a; b)", "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));SELECT 2;",
			[]string{"CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))", "SELECT 2"}},
		{"unbalanced close paren does not go negative", "CREATE RULE r AS ON INSERT TO t DO ALSO NOTIFY x); (SELECT 1; SELECT 2);SELECT 3;",
			[]string{"CREATE RULE r AS ON INSERT TO t DO ALSO NOTIFY x)", "(SELECT 1", "SELECT 2)", "SELECT 3"}},
		{"begin atomic with case ... end", "CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE CASE WHEN a < 0 THEN -1 END END; SELECT 3; END;SELECT 2;",
			[]string{"CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE CASE WHEN a < 0 THEN -1 END END; SELECT 3; END", "SELECT 2"}},
		{"begin atomic in a procedure, lower case", "create or replace procedure p() begin atomic insert into t values (1); end;select 2;",
			[]string{"create or replace procedure p() begin atomic insert into t values (1); end", "select 2"}},
		{"BEGIN as a transaction is a statement", "BEGIN;CREATE TABLE t (id int);COMMIT;",
			[]string{"BEGIN", "CREATE TABLE t (id int)", "COMMIT"}},
		{"atomic outside CREATE is not a body", "SELECT begin atomic;SELECT 2;", []string{"SELECT begin atomic", "SELECT 2"}},

		// psql meta-commands.
		{"meta-command at line start", "\\connect app\nCREATE TABLE t (id int);\n\\restrict abc\n",
			[]string{"CREATE TABLE t (id int)"}},
		{"meta-command ends the statement before it (like \\g)", "SELECT 1 \\gset\nSELECT 2;",
			[]string{"SELECT 1", "SELECT 2"}},
		{"meta-command mid-statement", "CREATE TABLE t (\n\\echo hi; there\nid int);",
			[]string{"CREATE TABLE t (", "id int)"}},
		{"backslash inside quotes is not a meta-command", "SELECT '\\x;', $$\\y;$$, \"\\z;\";SELECT 2;",
			[]string{"SELECT '\\x;', $$\\y;$$, \"\\z;\"", "SELECT 2"}},
		{"backslash inside a comment is not a meta-command", "/* \\c db */ SELECT 1; -- \\q\nSELECT 2;",
			[]string{"SELECT 1", "SELECT 2"}},

		// COPY ... FROM stdin data.
		{"copy data with ; and keywords", "COPY t (a, b) FROM stdin;\n1\tx;y\n2\tCREATE TABLE evil (org_id uuid);\n\\.\nCREATE TABLE after (id int);",
			[]string{"COPY t (a, b) FROM stdin", "CREATE TABLE after (id int)"}},
		{"copy data with \\. inside a line", "COPY t FROM STDIN;\n1\t\\.x\n x\\.\n\\.\r\nSELECT 2;",
			[]string{"COPY t FROM STDIN", "SELECT 2"}},
		{"copy with options", "COPY t FROM stdin WITH (FORMAT csv);\n\"a;\",b\n\\.\nSELECT 2;",
			[]string{"COPY t FROM stdin WITH (FORMAT csv)", "SELECT 2"}},
		{"copy data never terminated", "COPY t FROM stdin;\n1;\n2;\n", []string{"COPY t FROM stdin"}},
		{"copy to stdout has no data", "COPY t TO stdout;\nSELECT 2;", []string{"COPY t TO stdout", "SELECT 2"}},
		{"stdin outside COPY", "SELECT 'x' AS stdin FROM stdin;\nSELECT 2;", []string{"SELECT 'x' AS stdin FROM stdin", "SELECT 2"}},

		// Unterminated constructs run to the end of the file.
		{"unterminated single quote", "SELECT 1;\nSELECT 'oops;\nSELECT 3;", []string{"SELECT 1", "SELECT 'oops;\nSELECT 3;"}},
		{"unterminated quoted identifier", "SELECT \"oops;", []string{"SELECT \"oops;"}},
		{"unterminated escape string ending in backslash", "SELECT E'a\\", []string{"SELECT E'a\\"}},
		{"unterminated dollar quote", "SELECT 1; SELECT $x$ ;", []string{"SELECT 1", "SELECT $x$ ;"}},
		// An unterminated comment is a statement of its own, for the parser
		// to reject: it must not silently hide the rest of the file.
		{"unterminated block comment", "SELECT 1; /* SELECT 2;", []string{"SELECT 1", "/* SELECT 2;"}},
		// Only a rule's parentheses hold semicolons: elsewhere a missing
		// ")" breaks one statement, not the rest of the file.
		{"unterminated paren", "CREATE TABLE t (id int;\nCREATE TABLE u (id int);", []string{"CREATE TABLE t (id int", "CREATE TABLE u (id int)"}},
		{"create or replace rule keeps (a; b)", "create or replace rule r as on update to t do instead (select 1; select 2);select 3;",
			[]string{"create or replace rule r as on update to t do instead (select 1; select 2)", "select 3"}},
		{"unterminated rule body", "CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2;", []string{"CREATE RULE r AS ON INSERT TO t DO (SELECT 1; SELECT 2;"}},
		{"string prefix at end of input", "SELECT E", []string{"SELECT E"}},
		{"U& at end of input", "SELECT U&", []string{"SELECT U&"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitTexts(tt.src)
			if !slices.Equal(got, tt.want) {
				t.Errorf("split(%q)\n got: %q\nwant: %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		src       string
		words     [4]string
		setConfig bool
	}{
		{"create unique index concurrently if not exists i on t (a)", [4]string{"CREATE", "UNIQUE", "INDEX", "CONCURRENTLY"}, false},
		{"ALTER TABLE ONLY \"T\" ENABLE ROW LEVEL SECURITY", [4]string{"ALTER", "TABLE", "ONLY", "ENABLE"}, false},
		{"insert into t values ('CREATE')", [4]string{"INSERT", "INTO", "T", "VALUES"}, false},
		{"SELECT pg_catalog.set_config('search_path', '', false)", [4]string{"SELECT", "PG_CATALOG", "SET_CONFIG", "FALSE"}, true},
		{"select 1 where 'set_config' = ''", [4]string{"SELECT", "WHERE"}, false},
		{"DROP", [4]string{"DROP"}, false},
	}
	for _, tt := range tests {
		got := split([]byte(tt.src))
		if len(got) != 1 {
			t.Fatalf("%q: %d statements", tt.src, len(got))
		}
		if got[0].Words != tt.words || got[0].SetConfig != tt.setConfig {
			t.Errorf("%q: words %q setConfig %v, want %q %v", tt.src, got[0].Words, got[0].SetConfig, tt.words, tt.setConfig)
		}
	}
}

func TestNeedsParse(t *testing.T) {
	for src, want := range map[string]bool{
		"CREATE TABLE t (id int)":                               true,
		"ALTER TABLE t ENABLE ROW LEVEL SECURITY":               true,
		"SET search_path = app":                                 true,
		"DO $$ BEGIN END $$":                                    true,
		"GRANT SELECT ON t TO app":                              true,
		"SELECT set_config('search_path', 'app', false)":        true,
		"SELECT * INTO backup FROM t":                           true,
		"select a into temp scratch from t":                     true,
		"SELECT (SELECT 1) FROM t WHERE x IN (SELECT y FROM u)": false,
		"SELECT 1":                 false,
		"INSERT INTO t VALUES (1)": false,
		"update t set a = 1":       false,
		"COPY t FROM stdin":        false,
		"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x": false,
		"COMMENT ON TABLE t IS 'x'":                          false,
		"BEGIN":                                              false,
		"COMMIT":                                             false,
	} {
		raws := split([]byte(src))
		if len(raws) != 1 {
			t.Fatalf("%q: %d statements", src, len(raws))
		}
		if got := needsParse(&raws[0]); got != want {
			t.Errorf("needsParse(%q) = %v, want %v", src, got, want)
		}
	}
}

// TestSplitNeverPanics feeds the splitter every prefix of inputs that end
// inside each construct: it must not panic or return spans out of range.
func TestSplitNeverPanics(t *testing.T) {
	inputs := []string{
		`SELECT E'\'', U&'x', $a$ $$ $a$, "q""q", /* /* */ */ 1; -- x` + "\n\\c db\nCOPY t FROM stdin;\n1\n\\.\n",
		"CREATE FUNCTION f() BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; END;",
		"x'", "e'", "u&'", "u&\"", "$", "$1", "$a", "$a$", "\\", "/*", "--", "(", ")",
	}
	for _, in := range inputs {
		for i := 0; i <= len(in); i++ {
			src := in[:i]
			prev := -1
			for _, s := range split([]byte(src)) {
				if s.Start < 0 || s.End > len(src) || s.Start >= s.End || s.Start < prev {
					t.Fatalf("split(%q): bad span [%d,%d)", src, s.Start, s.End)
				}
				if strings.TrimLeft(src[s.Start:s.End], " \t\r\n") != src[s.Start:s.End] {
					t.Errorf("split(%q): span %q starts with blanks", src, src[s.Start:s.End])
				}
				prev = s.End
			}
		}
	}
}
