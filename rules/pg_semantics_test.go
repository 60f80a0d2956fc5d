package rules_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/linttest"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/rules"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func connect(t *testing.T) (*pgx.Conn, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn, ctx
}

func exec(t *testing.T, ctx context.Context, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%v\nin: %s", err, sql)
	}
}

// The rules rely on these facts about PostgreSQL's row level security;
// each is checked against a real server here rather than assumed.
func TestPostgresPolicySemantics(t *testing.T) {
	conn, ctx := connect(t)
	role := fmt.Sprintf("sem_app_%d", time.Now().UnixNano())
	other := role + "_other"
	exec(t, ctx, conn, fmt.Sprintf(`
		CREATE ROLE %[1]s; CREATE ROLE %[2]s;
		CREATE TABLE t (org int, v text);
		INSERT INTO t VALUES (1, 'a'), (2, 'b');
		GRANT ALL ON t TO %[1]s, %[2]s;
		ALTER TABLE t ENABLE ROW LEVEL SECURITY;`, role, other))
	t.Cleanup(func() {
		c, _ := pgx.Connect(context.Background(), conn.Config().ConnString())
		if c != nil {
			c.Exec(context.Background(), fmt.Sprintf("DROP TABLE IF EXISTS t; DROP ROLE IF EXISTS %s; DROP ROLE IF EXISTS %s", role, other))
			c.Close(context.Background())
		}
	})
	// as runs statements as the application role inside a rolled-back
	// transaction and returns the error of the last one.
	as := func(setup, stmt string) (int, error) {
		t.Helper()
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if setup != "" {
			if _, err := tx.Exec(ctx, setup); err != nil {
				t.Fatalf("%v\nin: %s", err, setup)
			}
		}
		if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+role); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(stmt, "SELECT") {
			var n int
			err := tx.QueryRow(ctx, stmt).Scan(&n)
			return n, err
		}
		tag, err := tx.Exec(ctx, stmt)
		return int(tag.RowsAffected()), err
	}
	cases := []struct {
		name     string
		policies string
		stmt     string
		wantRows int
		wantErr  bool
	}{
		{"UPDATE with USING only uses USING as the check (a row cannot move)",
			"CREATE POLICY s ON t FOR SELECT USING (true); CREATE POLICY u ON t FOR UPDATE USING (org = 1);",
			"UPDATE t SET org = 2 WHERE org = 1", 0, true},
		{"ALL with USING only uses USING as the check for INSERT",
			"CREATE POLICY a ON t USING (org = 1);",
			"INSERT INTO t VALUES (2, 'x')", 0, true},
		{"INSERT without WITH CHECK accepts no row",
			"CREATE POLICY i ON t FOR INSERT;",
			"INSERT INTO t VALUES (1, 'x')", 0, true},
		{"ALL with only WITH CHECK shows no rows",
			"CREATE POLICY a ON t FOR ALL WITH CHECK (org = 1);",
			"SELECT count(*) FROM t", 0, false},
		{"permissive policies OR together",
			"CREATE POLICY p1 ON t FOR SELECT USING (org = 1); CREATE POLICY p2 ON t FOR SELECT USING (org = 2);",
			"SELECT count(*) FROM t", 2, false},
		{"restrictive policies AND on top of permissive ones",
			"CREATE POLICY p ON t FOR SELECT USING (true); CREATE POLICY r ON t AS RESTRICTIVE FOR SELECT USING (org = 2);",
			"SELECT count(*) FROM t", 1, false},
		{"restrictive policies alone let nothing through",
			"CREATE POLICY r ON t AS RESTRICTIVE FOR SELECT USING (true);",
			"SELECT count(*) FROM t", 0, false},
		{"a policy TO another role does not apply",
			fmt.Sprintf("CREATE POLICY o ON t FOR SELECT TO %s USING (true);", other),
			"SELECT count(*) FROM t", 0, false},
		{"a policy TO a role applies to its members",
			fmt.Sprintf("GRANT %s TO %s; CREATE POLICY o ON t FOR SELECT TO %s USING (true);", other, role, other),
			"SELECT count(*) FROM t", 2, false},
		{"an unset setting read with missing_ok is NULL: no row matches",
			"CREATE POLICY s ON t USING (org = current_setting('sem.tenant', true)::int);",
			"SELECT count(*) FROM t", 0, false},
		{"coalesce(setting, column) = column passes every row when the setting is unset",
			"CREATE POLICY s ON t USING (org = coalesce(current_setting('sem.tenant', true)::int, org));",
			"SELECT count(*) FROM t", 2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := as(c.policies, c.stmt)
			if c.wantErr {
				if err == nil || !strings.Contains(err.Error(), "row-level security") {
					t.Fatalf("want a row-level security error, got rows=%d err=%v", n, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != c.wantRows {
				t.Fatalf("got %d rows, want %d", n, c.wantRows)
			}
		})
	}
}

// platformStubs creates what Supabase provides and fixtures refer to,
// enough for the fixtures to apply to a bare server.
const platformStubs = `
DO $$ DECLARE r text; BEGIN
  FOREACH r IN ARRAY ARRAY['authenticated', 'anon', 'service_role'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN EXECUTE format('CREATE ROLE %I', r); END IF;
  END LOOP;
END $$;
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, raw_user_meta_data jsonb, raw_app_meta_data jsonb);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$ SELECT coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb $$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$ SELECT current_setting('request.jwt.claim.role', true) $$;
CREATE SCHEMA private;
CREATE FUNCTION private.is_org_member(uuid) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT true $$;
CREATE SCHEMA storage;
CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT (string_to_array(name, '/'))[1:array_length(string_to_array(name, '/'), 1) - 1] $$;
`

// verdicts runs the policy rules on cat and returns "policy: rule" lines.
func verdicts(cat *model.Catalog, rs ...*lint.Rule) []string {
	cfg := lint.DefaultConfig()
	var out []string
	for _, f := range lint.Run(cat, &cfg, rs).Findings {
		out = append(out, f.Object+": "+f.Rule)
	}
	sort.Strings(out)
	return out
}

// Policies read back from a real PostgreSQL 15 through pg_get_expr (with
// search_path emptied, so names come back qualified, as inspect reads
// them) get the same verdicts as the migration text.
func TestLiveExpressionsGetTheSameVerdicts(t *testing.T) {
	policyRules := []*lint.Rule{rules.PolicyNoTenantPredicate, rules.PolicyWriteUnchecked,
		rules.PolicyTenantFallback, rules.PolicyUserMetadata}
	for _, name := range []string{"policy-no-tenant-predicate", "policy-write-unchecked", "policy-tenant-fallback", "policy-user-metadata",
		"shapes-supabase", "shapes-session"} {
		t.Run(name, func(t *testing.T) {
			conn, ctx := connect(t)
			exec(t, ctx, conn, platformStubs)
			files := linttest.Load(t, fixture(t, name))
			for _, f := range files {
				exec(t, ctx, conn, string(f.Content))
			}
			static := ddl.Load(files)
			want := verdicts(static, policyRules...)
			if len(want) == 0 {
				t.Fatal("the fixture yields no findings: the comparison would prove nothing")
			}

			live := ddl.Load(files) // same tables and functions; policies replaced below
			exec(t, ctx, conn, "SET search_path = ''")
			rows, err := conn.Query(ctx, `
				SELECT n.nspname, c.relname, p.polname,
				       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
				FROM pg_catalog.pg_policy p
				JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
				JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			replaced := 0
			for rows.Next() {
				var schema, table, policy string
				var using, check *string
				if err := rows.Scan(&schema, &table, &policy, &using, &check); err != nil {
					t.Fatal(err)
				}
				tbl := live.Table(model.QName{Schema: schema, Name: table})
				if tbl == nil || tbl.Policy(policy) == nil {
					continue
				}
				p := tbl.Policy(policy)
				p.Using, p.WithCheck = nil, nil
				for _, e := range []struct {
					text *string
					dst  **model.Expr
				}{{using, &p.Using}, {check, &p.WithCheck}} {
					if e.text == nil {
						continue
					}
					x, err := ddl.ParseExpr(live, tbl, *e.text)
					if err != nil {
						t.Fatalf("policy %s: %v", policy, err)
					}
					*e.dst = x
				}
				replaced++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if replaced == 0 {
				t.Fatal("no policy read back")
			}
			got := verdicts(live, policyRules...)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("verdicts differ between migration text and pg_get_expr text\nmigration:\n  %s\nlive:\n  %s",
					strings.Join(want, "\n  "), strings.Join(got, "\n  "))
			}
		})
	}
}

// The policy shapes the analysis reads (CASE, COALESCE, IS [NOT]
// DISTINCT FROM, IS NOT FALSE, restrictive policies per command, jsonb
// membership, composite foreign keys, view options) behave as the
// analysis assumes; each is checked against a real server.
func TestPostgresShapeSemantics(t *testing.T) {
	conn, ctx := connect(t)
	role := fmt.Sprintf("shape_app_%d", time.Now().UnixNano())
	exec(t, ctx, conn, fmt.Sprintf(`
		CREATE ROLE %[1]s;
		CREATE TABLE t (org int, v text);
		INSERT INTO t VALUES (1, 'a'), (2, 'b');
		GRANT ALL ON t TO %[1]s;
		ALTER TABLE t ENABLE ROW LEVEL SECURITY;`, role))
	t.Cleanup(func() {
		c, _ := pgx.Connect(context.Background(), conn.Config().ConnString())
		if c != nil {
			c.Exec(context.Background(), fmt.Sprintf("DROP TABLE IF EXISTS t; DROP OWNED BY %[1]s; DROP ROLE IF EXISTS %[1]s", role))
			c.Close(context.Background())
		}
	})
	// run applies setup as the owner, then stmt as the application role,
	// in a transaction that is rolled back; it returns the count a SELECT
	// returns or the rows a write touched.
	run := func(setup, stmt string) (int, error) {
		t.Helper()
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, setup); err != nil {
			t.Fatalf("%v\nin: %s", err, setup)
		}
		if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+role); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(stmt, "SELECT") {
			var n int
			err := tx.QueryRow(ctx, stmt).Scan(&n)
			return n, err
		}
		tag, err := tx.Exec(ctx, stmt)
		return int(tag.RowsAffected()), err
	}
	cases := []struct {
		name, setup, stmt string
		wantRows          int
		wantErr           string // a part of the error, "" for none
	}{
		{"a CASE without ELSE is NULL for the other rows, which are filtered",
			"CREATE POLICY p ON t USING (CASE WHEN org = 1 THEN true END);",
			"SELECT count(*) FROM t", 1, ""},
		{"a CASE branch taken when the setting is unset decides for every row",
			"CREATE POLICY p ON t USING (CASE WHEN current_setting('shape.tenant', true) IS NULL THEN true ELSE org = current_setting('shape.tenant', true)::int END);",
			"SELECT count(*) FROM t", 2, ""},
		{"coalesce(tenant = unset setting, false) lets nothing through",
			"CREATE POLICY p ON t USING (coalesce(org = current_setting('shape.tenant', true)::int, false));",
			"SELECT count(*) FROM t", 0, ""},
		{"coalesce(tenant = unset setting, true) lets every row through",
			"CREATE POLICY p ON t USING (coalesce(org = current_setting('shape.tenant', true)::int, true));",
			"SELECT count(*) FROM t", 2, ""},
		{"(tenant = unset setting) IS NOT FALSE lets every row through",
			"CREATE POLICY p ON t USING ((org = current_setting('shape.tenant', true)::int) IS NOT FALSE);",
			"SELECT count(*) FROM t", 2, ""},
		{"missing_ok spelled 't' returns NULL for an unset setting",
			"CREATE POLICY p ON t USING (org = coalesce(current_setting('shape.tenant', 't')::int, org));",
			"SELECT count(*) FROM t", 2, ""},
		{"tenant IS NOT DISTINCT FROM an unset setting matches only rows without a tenant",
			"INSERT INTO t VALUES (NULL, 'orphan'); CREATE POLICY p ON t USING (org IS NOT DISTINCT FROM current_setting('shape.tenant', true)::int);",
			"SELECT count(*) FROM t", 1, ""},
		{"a restrictive SELECT policy does not narrow a DELETE that reads no column",
			"CREATE POLICY a ON t USING (true); CREATE POLICY r ON t AS RESTRICTIVE FOR SELECT USING (org = 1);",
			"DELETE FROM t", 2, ""},
		{"a restrictive SELECT policy narrows a DELETE whose WHERE reads the table",
			"CREATE POLICY a ON t USING (true); CREATE POLICY r ON t AS RESTRICTIVE FOR SELECT USING (org = 1);",
			"DELETE FROM t WHERE v IS NOT NULL", 1, ""},
		{"jsonb ? finds a string element of a JSON array",
			`CREATE POLICY p ON t USING (('{"orgs": ["1"]}'::jsonb -> 'orgs') ? org::text);`,
			"SELECT count(*) FROM t", 1, ""},
		{"a composite foreign key keeps the tenant column equal to the parent's",
			fmt.Sprintf(`CREATE TABLE shape_teams (org int, id int, UNIQUE (org, id));
			INSERT INTO shape_teams VALUES (1, 10);
			CREATE TABLE shape_tasks (org int, team int, FOREIGN KEY (org, team) REFERENCES shape_teams (org, id));
			GRANT ALL ON shape_teams, shape_tasks TO %s;`, role),
			"INSERT INTO shape_tasks VALUES (2, 10)", 0, "violates foreign key constraint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := run(c.setup, c.stmt)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("want an error containing %q, got rows=%d err=%v", c.wantErr, n, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != c.wantRows {
				t.Fatalf("got %d rows, want %d", n, c.wantRows)
			}
		})
	}

	t.Run("pg_get_expr prints IS NOT DISTINCT FROM as NOT (... IS DISTINCT FROM ...)", func(t *testing.T) {
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "CREATE POLICY p ON t USING (org IS NOT DISTINCT FROM 1)"); err != nil {
			t.Fatal(err)
		}
		var text string
		if err := tx.QueryRow(ctx, "SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polname = 'p'").Scan(&text); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "NOT") || !strings.Contains(text, "IS DISTINCT FROM") {
			t.Fatalf("pg_get_expr gave %q", text)
		}
		// The analysis reads both spellings the same way.
		tbl := &model.Table{Schema: "public", Name: "t", Columns: []*model.Column{{Name: "org"}}}
		x, err := ddl.ParseExpr(model.NewCatalog(model.FromDatabase), tbl, text)
		if err != nil {
			t.Fatal(err)
		}
		if x.Kind != model.Op || x.Op != "IS NOT DISTINCT FROM" {
			t.Fatalf("%q parsed as %v %q, want IS NOT DISTINCT FROM", text, x.Kind, x.Op)
		}
	})

	t.Run("CREATE OR REPLACE VIEW without WITH drops security_invoker; RESET drops it too", func(t *testing.T) {
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		options := func(view string) string {
			t.Helper()
			var opts *string
			if err := tx.QueryRow(ctx, "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = $1", view).Scan(&opts); err != nil {
				t.Fatal(err)
			}
			if opts == nil {
				return ""
			}
			return *opts
		}
		for _, stmt := range []string{
			"CREATE VIEW shape_v WITH (security_invoker = true) AS SELECT org FROM t",
			"CREATE VIEW shape_w WITH (security_invoker = true) AS SELECT org FROM t",
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		}
		if got := options("shape_v"); got != "security_invoker=true" {
			t.Fatalf("options after CREATE: %q", got)
		}
		if _, err := tx.Exec(ctx, "CREATE OR REPLACE VIEW shape_v AS SELECT org FROM t"); err != nil {
			t.Fatal(err)
		}
		if got := options("shape_v"); got != "" {
			t.Fatalf("options after CREATE OR REPLACE without WITH: %q, want none", got)
		}
		if _, err := tx.Exec(ctx, "ALTER VIEW shape_w RESET (security_invoker)"); err != nil {
			t.Fatal(err)
		}
		if got := options("shape_w"); got != "" {
			t.Fatalf("options after RESET: %q, want none", got)
		}
	})
}
