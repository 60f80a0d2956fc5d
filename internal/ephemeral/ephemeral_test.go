package ephemeral_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/ephemeral"
	"github.com/tenantguard/tenantguard/internal/ephemeral/ephemeraltest"
	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/source"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func migs(files ...*source.File) []discover.Migration {
	out := make([]discover.Migration, len(files))
	for i, f := range files {
		out[i] = discover.Migration{File: f, Layout: discover.LayoutPlain}
	}
	return out
}

func file(path, content string) *source.File { return source.NewFile(path, []byte(content)) }

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func query[T any](t *testing.T, conn *pgx.Conn, sql string) T {
	t.Helper()
	var v T
	if err := conn.QueryRow(context.Background(), sql).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// What lint skips or splits, Apply skips or splits the same way; each
// file runs in a session of its own.
func TestApply(t *testing.T) {
	url := pgtest.NewDB(t)
	dump := file("1_dump.sql", `\restrict k3y
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA app;
CREATE TABLE app.orgs (id int PRIMARY KEY, name text);
COPY app.orgs (id, name) FROM stdin;
1	Acme; Inc.
2	\N
\.
CREATE FUNCTION app.two() RETURNS int LANGUAGE plpgsql AS $fn$
BEGIN
  RETURN 2; -- a semicolon inside the body
END
$fn$;
DO $$ BEGIN EXECUTE 'CREATE TABLE app.made_by_do (id int)'; END $$;
CREATE INDEX CONCURRENTLY orgs_name_idx ON app.orgs (name);
SET search_path = app;
\connect postgres
`)
	// search_path from the first file does not leak: this lands in public.
	second := file("2_public.sql", "CREATE TABLE notes (id int);\nBEGIN;\nCREATE TABLE left_open (id int);\n")
	third := file("3_after.sql", "INSERT INTO left_open VALUES (1);\nSET ROLE nobody_at_all_here;\n")
	conn := connect(t, url)
	notes, err := ephemeral.Apply(context.Background(), conn, migs(dump, second), ephemeral.ApplyOptions{})
	if err != nil || len(notes) != 0 {
		t.Fatalf("Apply: %v %v", err, notes)
	}
	if n := query[int64](t, conn, "SELECT count(*) FROM app.orgs WHERE name = 'Acme; Inc.' OR name IS NULL"); n != 2 {
		t.Errorf("COPY data: %d rows", n)
	}
	if n := query[int](t, conn, "SELECT app.two()"); n != 2 {
		t.Errorf("app.two() = %d", n)
	}
	if !query[bool](t, conn, "SELECT to_regclass('public.notes') IS NOT NULL AND to_regclass('app.made_by_do') IS NOT NULL AND to_regclass('app.orgs_name_idx') IS NOT NULL") {
		t.Error("objects missing")
	}
	// A transaction a file leaves open is committed before the next one.
	if !query[bool](t, conn, "SELECT to_regclass('public.left_open') IS NOT NULL") {
		t.Error("the table of the open transaction was rolled back")
	}
	_, err = ephemeral.Apply(context.Background(), conn, migs(third), ephemeral.ApplyOptions{})
	var ae *ephemeral.ApplyError
	if !errors.As(err, &ae) || ae.File != "3_after.sql" || ae.Line != 2 || ae.Column != 1 || ae.Code != "22023" {
		t.Errorf("error %v (%+v)", err, ae)
	}
}

// The server's error position (in characters) maps to the file's line and
// column, after multi-byte characters too.
func TestApplyErrorPosition(t *testing.T) {
	url := pgtest.NewDB(t)
	f := file("migrations/2_views.sql", "-- Überblick über die Aufträge\nCREATE TABLE aufträge (id int);\n\nCREATE VIEW übersicht AS\n  SELECT 'äöü', idd FROM aufträge;\n")
	_, err := ephemeral.Apply(context.Background(), connect(t, url), migs(f), ephemeral.ApplyOptions{})
	var ae *ephemeral.ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v", err)
	}
	want := `apply migrations: migrations/2_views.sql:5:17: column "idd" does not exist (SQLSTATE 42703); hint: Perhaps you meant to reference the column "aufträge.id".`
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
}

// A CREATE EXTENSION the server cannot provide is skipped with a note,
// also inside a transaction the file opened.
func TestApplyMissingExtension(t *testing.T) {
	url := pgtest.NewDB(t)
	f := file("1_ext.sql", "BEGIN;\nCREATE EXTENSION IF NOT EXISTS no_such_extension_here;\nCREATE TABLE after_it (id int);\nCOMMIT;\n")
	conn := connect(t, url)
	notes, err := ephemeral.Apply(context.Background(), conn, migs(f), ephemeral.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "1_ext.sql:2: extension no_such_extension_here is not available") {
		t.Errorf("notes %q", notes)
	}
	if !query[bool](t, conn, "SELECT to_regclass('public.after_it') IS NOT NULL") {
		t.Error("the statements after the extension did not apply")
	}
}

func TestApplyTolerate(t *testing.T) {
	url := pgtest.NewDB(t)
	f := file("1.sql", "ALTER TABLE gone ENABLE ROW LEVEL SECURITY;\nCREATE TABLE kept (id int);\n")
	conn := connect(t, url)
	notes, err := ephemeral.Apply(context.Background(), conn, migs(f), ephemeral.ApplyOptions{Tolerate: []string{"42P01"}})
	if err != nil || len(notes) != 1 || !strings.Contains(notes[0], `1.sql:1:1: relation "gone" does not exist (SQLSTATE 42P01): statement skipped`) {
		t.Errorf("Apply: %v, notes %q", err, notes)
	}
	if !query[bool](t, conn, "SELECT to_regclass('public.kept') IS NOT NULL") {
		t.Error("kept not created")
	}
}

// The Supabase preset: roles, schemas, auth.users, the auth helpers that
// read the JWT claims as Supabase's do, and the default grants.
func TestSupabasePreset(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx := context.Background()
	table := file("supabase/migrations/20240101000000_docs.sql", `CREATE TABLE docs (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), owner uuid REFERENCES auth.users (id) DEFAULT auth.uid());
CREATE POLICY own ON docs USING (owner = (SELECT auth.uid()) AND auth.role() = 'authenticated');
ALTER PUBLICATION supabase_realtime ADD TABLE docs;
`)
	ephemeraltest.Apply(t, url, ephemeral.Options{Preset: ephemeral.PresetSupabase, Migrations: migs(table)})
	conn := connect(t, url)
	if !query[bool](t, conn, "SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role'") ||
		query[bool](t, conn, "SELECT rolbypassrls OR rolcanlogin FROM pg_roles WHERE rolname = 'authenticated'") ||
		!query[bool](t, conn, "SELECT pg_has_role('authenticator', 'anon', 'MEMBER')") {
		t.Error("roles")
	}
	if got := query[string](t, conn, `SELECT string_agg(rolname || ':' || rolcanlogin, ',' ORDER BY rolname) FROM pg_roles
		WHERE rolname IN ('anon', 'authenticated', 'service_role', 'authenticator')`); got != "anon:false,authenticated:false,authenticator:true,service_role:false" {
		t.Errorf("roles and who logs in: %s", got)
	}
	if got := query[string](t, conn, `SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace
		WHERE nspname IN ('auth', 'storage', 'extensions')`); got != "auth,extensions,storage" {
		t.Errorf("schemas: %s", got)
	}
	if got := query[string](t, conn, `SELECT string_agg(attname || ' ' || format_type(atttypid, NULL), ',' ORDER BY attname) FROM pg_attribute
		WHERE attrelid = 'auth.users'::regclass AND attname IN ('id', 'raw_user_meta_data', 'raw_app_meta_data')`); got != "id uuid,raw_app_meta_data jsonb,raw_user_meta_data jsonb" {
		t.Errorf("auth.users columns: %s", got)
	}
	if !query[bool](t, conn, "SELECT has_table_privilege('anon', 'public.docs', 'SELECT') AND has_table_privilege('authenticated', 'public.docs', 'INSERT')") {
		t.Error("default grants on public tables")
	}
	if !query[bool](t, conn, "SELECT has_column_privilege('postgres', 'auth.users', 'raw_user_meta_data', 'SELECT') AND to_regclass('storage.objects') IS NOT NULL") {
		t.Error("auth.users / storage.objects")
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var none *string
	if err := tx.QueryRow(ctx, "SELECT auth.uid()::text").Scan(&none); err != nil || none != nil {
		t.Errorf("auth.uid() without claims: %v, %v; want NULL", none, err)
	}
	claims := `{"sub": "6f1d3c4e-1f0e-4a51-9d3b-6a2f1a9b8c01", "role": "authenticated", "email": "a@example.com", "user_metadata": {"org": "x"}, "app_metadata": {"org_id": "y"}}`
	if _, err := tx.Exec(ctx, "SELECT set_config('request.jwt.claims', $1, true)", claims); err != nil {
		t.Fatal(err)
	}
	var uid, role, email, org, appOrg string
	if err := tx.QueryRow(ctx, "SELECT auth.uid()::text, auth.role(), auth.email(), auth.jwt() -> 'user_metadata' ->> 'org', auth.jwt() -> 'app_metadata' ->> 'org_id'").
		Scan(&uid, &role, &email, &org, &appOrg); err != nil {
		t.Fatal(err)
	}
	if uid != "6f1d3c4e-1f0e-4a51-9d3b-6a2f1a9b8c01" || role != "authenticated" || email != "a@example.com" || org != "x" || appOrg != "y" {
		t.Errorf("from request.jwt.claims: %s %s %s %s %s", uid, role, email, org, appOrg)
	}
	// Older stacks set one setting per claim; they win when set.
	if _, err := tx.Exec(ctx, "SELECT set_config('request.jwt.claim.sub', '00000000-0000-0000-0000-000000000001', true)"); err != nil {
		t.Fatal(err)
	}
	if uid := query[string](t, tx.Conn(), "SELECT auth.uid()::text"); uid != "00000000-0000-0000-0000-000000000001" {
		t.Errorf("from request.jwt.claim.sub: %s", uid)
	}
}

func TestPresetFor(t *testing.T) {
	supa := migs(file("supabase/migrations/1_x.sql", ""))
	supa[0].Layout = discover.LayoutSupabase
	rootWalk := migs(file("project/supabase/migrations/1_x.sql", ""))
	plain := migs(file("db/migrations/1_x.sql", ""))
	for _, tt := range []struct {
		name, flag, config string
		migs               []discover.Migration
		want               string
	}{
		{"layout", "auto", "", supa, ephemeral.PresetSupabase},
		{"project root walked as a plain folder", "", "", rootWalk, ephemeral.PresetSupabase},
		{"plain", "auto", "", plain, ephemeral.PresetNone},
		{"config", "auto", "supabase", plain, ephemeral.PresetSupabase},
		{"flag wins", "none", "supabase", supa, ephemeral.PresetNone},
		{"flag", "SUPABASE", "", plain, ephemeral.PresetSupabase},
	} {
		got, err := ephemeral.PresetFor(tt.flag, tt.migs, tt.config)
		if err != nil || got != tt.want {
			t.Errorf("%s: %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	if _, err := ephemeral.PresetFor("heroku", nil, ""); err == nil || !strings.Contains(err.Error(), `unknown preset "heroku"`) {
		t.Errorf("unknown preset: %v", err)
	}
}

func TestImplicitRoles(t *testing.T) {
	cat := ddl.Load([]*source.File{file("1.sql", `CREATE ROLE made LOGIN;
CREATE TABLE t (id int);
ALTER TABLE t OWNER TO owner_role;
GRANT SELECT ON t TO made, reader, PUBLIC;
CREATE POLICY p ON t TO authenticated USING (true);
GRANT parent_role TO made;
`)})
	got := ephemeral.ImplicitRoles(cat)
	want := []string{"authenticated", "owner_role", "parent_role", "reader"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ImplicitRoles = %q, want %q", got, want)
	}
}

// Run starts a server, prepares it and removes it: the database fn gets
// has the migrations, and the server is gone afterwards.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var url string
	err := ephemeral.Run(ctx, ephemeral.Options{Migrations: migs(file("1.sql", "CREATE TABLE t (id int);\nGRANT SELECT ON t TO reporting;\n")),
		Roles: []string{"reporting"}},
		func(ctx context.Context, db ephemeral.Database) error {
			url = db.URL
			conn, err := pgx.Connect(ctx, db.URL)
			if err != nil {
				return err
			}
			defer conn.Close(ctx)
			var ok bool
			return conn.QueryRow(ctx, "SELECT has_table_privilege('reporting', 't', 'SELECT')").Scan(&ok)
		})
	if errors.Is(err, pgtest.ErrUnavailable) {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if c, err := pgx.Connect(ctx, url); err == nil {
		c.Close(ctx)
		t.Error("the server still answers after Run")
	}
}
