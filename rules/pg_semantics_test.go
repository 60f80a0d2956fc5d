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
	for _, name := range []string{"policy-no-tenant-predicate", "policy-write-unchecked", "policy-tenant-fallback", "policy-user-metadata"} {
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
