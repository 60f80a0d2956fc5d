package cli

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/ephemeral"
	"github.com/tenantguard/tenantguard/internal/ephemeral/ephemeraltest"
	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/probe"
	"github.com/tenantguard/tenantguard/rules"
)

func TestCheckOptionsFromFlags(t *testing.T) {
	f := newFakeIO(t.TempDir(), false, nil)
	var got *CheckOptions
	cmd := newCmdCheck(f.Factory, func(o *CheckOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"db/migrations", "hotfix.sql", "--ephemeral", "--preset", "supabase", "--format", "json", "--statement-timeout", "1m"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || !got.Ephemeral || got.Preset != "supabase" || got.Format != "json" || got.StatementTimeout != time.Minute ||
		strings.Join(got.Paths, " ") != "db/migrations hotfix.sql" {
		t.Errorf("options %+v", got)
	}
}

func TestCheckBadFlags(t *testing.T) {
	dir := writeFiles(t, map[string]string{"migrations/1.sql": leakySQL})
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"check", "migrations"}, nil, "check needs a database: --db URL (or DATABASE_URL), or --ephemeral"},
		{[]string{"check", "--ephemeral", "--db", "postgres://x@h/d"}, nil, "--db and --ephemeral cannot be used together"},
		{[]string{"check", "--db", "postgres://x@h/d", "--preset", "supabase"}, nil, "--preset applies to --ephemeral only"},
		{[]string{"check", "--ephemeral", "--preset", "heroku"}, nil, `unknown preset "heroku"`},
		{[]string{"check", "--ephemeral", "no-such-folder"}, nil, "no-such-folder"},
		{[]string{"check", "--ephemeral", "--format", "yaml"}, nil, `unknown format "yaml"`},
	} {
		code, stdout, stderr := run(t, dir, tt.env, tt.args...)
		if code != ExitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

func TestMergeFindings(t *testing.T) {
	lintF := []lint.Finding{
		{Rule: "rls-not-forced", Object: "public.a", File: "m/1.sql", Line: 3, Source: "lint"},
		{Rule: "rls-disabled-by-migration", Object: "public.b", File: "m/2.sql", Line: 1, Source: "lint"},
		{Rule: "tenant-column-unindexed", Object: "public.c", File: "m/1.sql", Line: 9, Source: "lint"},
		{Rule: "parse-error", Object: "m/3.sql", File: "m/3.sql", Line: 1, Source: "lint"},
	}
	liveF := []lint.Finding{
		{Rule: "rls-not-forced", Object: "public.a", Source: "inspect"},
		{Rule: "rls-disabled", Object: "public.b", File: "m/1.sql", Line: 5, Source: "inspect"},
		{Rule: "role-bypasses-rls", Object: "batch", Source: "inspect"},
		{Rule: "bad-ignore", Object: "m/1.sql", File: "m/1.sql", Line: 2, Source: "lint"},
	}
	ran := []*lint.Rule{rules.RLSNotForced, rules.RLSDisabledByMigration, rules.TenantColumnUnindexed, rules.ParseError}
	got := mergeFindings(lintF, liveF, ran, "not found live")
	var lines []string
	for _, f := range got {
		lines = append(lines, f.Rule+" "+f.Object+" "+f.File+":"+strconv.Itoa(f.Line)+" "+f.Source+" "+strings.ReplaceAll(f.Detail, "\n", "|"))
	}
	want := []string{
		"rls-not-forced public.a m/1.sql:3 lint+inspect ",
		"rls-disabled-by-migration public.b m/2.sql:1 lint+inspect ",
		"tenant-column-unindexed public.c m/1.sql:9 lint not found live",
		"parse-error m/3.sql m/3.sql:1 lint ",
		"role-bypasses-rls batch :0 inspect ",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("merged:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// A partial read proves nothing by silence.
	for _, f := range mergeFindings(lintF, nil, ran, "") {
		if f.Detail != "" {
			t.Errorf("detail %q on %s with no unconfirmed text", f.Detail, f.Rule)
		}
	}
}

// checkMigrations is a project whose database drifted from its
// migrations: a hotfix forced RLS on invoices by hand, someone disabled it
// on notes, and a login role with BYPASSRLS was made by hand.
var checkMigrations = map[string]string{
	"migrations/1_orgs.sql": `CREATE TABLE orgs (id uuid PRIMARY KEY);
`,
	"migrations/2_tables.sql": `CREATE TABLE invoices (id bigint PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE INDEX ON invoices (org_id);
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY invoices_tenant ON invoices USING (org_id = current_setting('app.current_tenant')::uuid);

CREATE TABLE notes (id bigint PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE INDEX ON notes (org_id);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON notes USING (org_id = current_setting('app.current_tenant')::uuid);

CREATE TABLE attachments (id bigint PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id));
CREATE INDEX ON attachments (org_id);
`,
}

// withoutProbes runs check as lint + inspect: the probes (probe.go) have
// tests of their own, and need a role and tenants these fixtures lack.
func withoutProbes(t *testing.T) {
	saved := checkProbes
	checkProbes = nil
	t.Cleanup(func() { checkProbes = saved })
}

func TestCheckDatabase(t *testing.T) {
	withoutProbes(t)
	dir := writeFiles(t, checkMigrations)
	db := pgtest.NewDB(t)
	migs, _, err := discover.Discover([]string{"migrations"}, discover.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ephemeraltest.Apply(t, db, ephemeralOptions(migs))
	ephemeraltest.DropRolesAtEnd(t, db, []string{"tg_cli_chk_batch"})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
ALTER TABLE notes DISABLE ROW LEVEL SECURITY;
CREATE ROLE tg_cli_chk_batch LOGIN BYPASSRLS;
CREATE TABLE hotfix_log (org_id uuid NOT NULL, line text)`); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := run(t, dir, nil, "check", "migrations", "--db", db, "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fs := decodeFindings(t, stdout)
	// Both sides: reported once, at the line lint found.
	if f := findingOf(fs, "rls-disabled", "public.attachments"); f == nil || f.Source != "lint+inspect" ||
		f.File != "migrations/2_tables.sql" || f.Line != 12 {
		t.Errorf("rls-disabled attachments: %+v", f)
	}
	if n := count(fs, "rls-disabled", "public.attachments"); n != 1 {
		t.Errorf("rls-disabled attachments reported %d times", n)
	}
	// Fixed by hand: lint still reports the migrations, and says so.
	if f := findingOf(fs, "rls-not-forced", "public.invoices"); f == nil || f.Source != "lint" ||
		!strings.Contains(f.Detail, "not found on the database inspected") {
		t.Errorf("rls-not-forced invoices: %+v", f)
	}
	// Broken by hand: only the database shows it; it points at the
	// CREATE TABLE of the migration that made the table.
	if f := findingOf(fs, "rls-disabled", "public.notes"); f == nil || f.Source != "inspect" ||
		f.File != "migrations/2_tables.sql" || f.Line != 6 {
		t.Errorf("rls-disabled notes: %+v", f)
	}
	// Made by hand: no file to point at.
	if f := findingOf(fs, "rls-disabled", "public.hotfix_log"); f == nil || f.Source != "inspect" || f.File != "" {
		t.Errorf("rls-disabled hotfix_log: %+v", f)
	}
	if f := findingOf(fs, "role-bypasses-rls", "tg_cli_chk_batch"); f == nil || f.Source != "inspect" {
		t.Errorf("role-bypasses-rls: %+v", f)
	}

	// With no PATH and no migration folder, the database alone.
	code, stdout, stderr = run(t, t.TempDir(), nil, "check", "--db", db, "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range decodeFindings(t, stdout) {
		if f.Source != "inspect" || f.File != "" {
			t.Errorf("database alone: %+v", f)
		}
	}
	// A migration folder that is there but holds no migration is a
	// mistake to report, not a reason to inspect alone.
	empty := writeFiles(t, map[string]string{"migrations/README.md": "nothing here\n"})
	code, stdout, stderr = run(t, empty, nil, "check", "--db", db)
	if code != ExitError || stdout != "" || !strings.Contains(stderr, "no migration files found") {
		t.Errorf("empty migrations folder: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func count(fs []lint.Finding, rule, object string) int {
	n := 0
	for _, f := range fs {
		if f.Rule == rule && f.Object == object {
			n++
		}
	}
	return n
}

// ephemeralOptions applies like check --ephemeral does.
func ephemeralOptions(migs []discover.Migration) ephemeral.Options {
	return ephemeral.Options{Preset: ephemeral.PresetNone, Migrations: migs}
}

// runEphemeral runs check --ephemeral, and skips (or, under CI, fails)
// when no PostgreSQL server can be started here.
func runEphemeral(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	code, stdout, stderr := run(t, dir, nil, append([]string{"check", "--ephemeral"}, args...)...)
	if code == ExitError && strings.Contains(stderr, pgtest.ErrUnavailable.Error()) {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatalf("CI is set and --ephemeral cannot start PostgreSQL: %s", stderr)
		}
		t.Skipf("--ephemeral cannot start PostgreSQL here: %s", stderr)
	}
	return code, stdout, stderr
}

func TestCheckEphemeral(t *testing.T) {
	withoutProbes(t)
	files := map[string]string{
		// The DO block makes a table lint cannot see: only the database
		// built from the migrations shows it.
		"migrations/3_dynamic.sql": `DO $$ BEGIN EXECUTE 'CREATE TABLE dyn_' || 'events (org_id uuid NOT NULL)'; END $$;
GRANT SELECT ON notes TO app_reader;
`,
	}
	for k, v := range checkMigrations {
		files[k] = v
	}
	dir := writeFiles(t, files)
	code, stdout, stderr := runEphemeral(t, dir, "migrations", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fs := decodeFindings(t, stdout)
	if f := findingOf(fs, "rls-not-forced", "public.invoices"); f == nil || f.Source != "lint+inspect" || f.Line != 3 {
		t.Errorf("rls-not-forced invoices: %+v", f)
	}
	if f := findingOf(fs, "rls-disabled", "public.dyn_events"); f == nil || f.Source != "inspect" || f.File != "" {
		t.Errorf("rls-disabled dyn_events (made by a DO block): %+v", f)
	}
	if f := findingOf(fs, "dynamic-sql", "migrations/3_dynamic.sql"); f == nil || f.Source != "lint" {
		t.Errorf("dynamic-sql: %+v", f)
	}
	for _, f := range fs {
		if f.Source == "lint" && strings.Contains(f.Detail, "not found") && f.Rule != "dynamic-sql" {
			t.Errorf("lint and the database the migrations built disagree: %+v", f)
		}
	}
	// app_reader is granted to but never created: check made it first.
	code, stdout, _ = runEphemeral(t, dir, "migrations", "-v", "--no-color")
	if code != ExitFindings || !strings.Contains(stdout, "roles the migrations use but do not create were created first (NOLOGIN): app_reader") {
		t.Errorf("exit %d, verbose report:\n%s", code, stdout)
	}
}

// The probes of a check run on the connection and catalog check inspected,
// and their findings and rules join the report.
func TestCheckProbeSeam(t *testing.T) {
	withoutProbes(t)
	dir := writeFiles(t, checkMigrations)
	var seen *model.Catalog
	checkProbes = func(ctx context.Context, conn *pgx.Conn, live *model.Catalog, cfg *lint.Config, _ probe.Options) (*probe.Result, error) {
		seen = live
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM public.invoices").Scan(&n); err != nil {
			return nil, err
		}
		return &probe.Result{Findings: []lint.Finding{{Rule: "probe-read-leak", Code: "PRB001", Severity: lint.Error, Object: "public.invoices",
			ObjectKind: "table", Source: "probe", Message: "fake leak"}}}, nil
	}
	code, stdout, stderr := runEphemeral(t, dir, "migrations", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if seen == nil || seen.Table(model.QName{Schema: "public", Name: "invoices"}) == nil {
		t.Fatalf("the probes did not get the inspected catalog")
	}
	if f := findingOf(decodeFindings(t, stdout), "probe-read-leak", "public.invoices"); f == nil || f.Source != "probe" {
		t.Errorf("probe finding: %+v", f)
	}
	// A probe that fails fails the run, naming the database.
	checkProbes = func(context.Context, *pgx.Conn, *model.Catalog, *lint.Config, probe.Options) (*probe.Result, error) {
		return nil, errors.New("probe: connection lost")
	}
	code, _, stderr = runEphemeral(t, dir, "migrations")
	if code != ExitError || !strings.Contains(stderr, "the throwaway server: probe: connection lost") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// A migration the server refuses stops the run: exit 2, the file, the
// line and column of the server's error position, and its message.
func TestCheckEphemeralApplyError(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"migrations/1_orgs.sql": "CREATE TABLE orgs (id uuid PRIMARY KEY);\n",
		"migrations/2_typo.sql": "-- a typo in a table name\nCREATE TABLE notes (org_id uuid);\nCREATE INDEX ON notes (org_id);\nCREATE VIEW v AS SELECT orgid FROM notes;\n",
	})
	code, stdout, stderr := runEphemeral(t, dir, "migrations")
	want := `tenantguard: --ephemeral: apply migrations: migrations/2_typo.sql:4:25: column "orgid" does not exist (SQLSTATE 42703); hint: Perhaps you meant to reference the column "notes.org_id".` + "\n"
	if code != ExitError || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q\nstderr %q\nwant   %q", code, stdout, stderr, want)
	}
}

// --ephemeral applies the migrations in the order lint replays them:
// natural order in a plain folder (2 before 10, where sorting by name
// would apply 10 first and fail). (The layouts' own orders and their
// down sections are compared with the database by the parity test of
// lint/introspect.)
func TestCheckEphemeralOrder(t *testing.T) {
	withoutProbes(t)
	dir := writeFiles(t, map[string]string{
		"sql/2_orgs.sql":      "CREATE TABLE orgs (id uuid PRIMARY KEY);\n",
		"sql/10_invoices.sql": "CREATE TABLE invoices (id bigint PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id));\n",
	})
	code, stdout, stderr := run(t, dir, nil, "lint", "sql", "--list-files")
	if code != ExitOK || !strings.Contains(stdout, "2_orgs.sql") || strings.Index(stdout, "2_orgs.sql") > strings.Index(stdout, "10_invoices.sql") {
		t.Fatalf("lint's order: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runEphemeral(t, dir, "sql", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if f := findingOf(decodeFindings(t, stdout), "rls-disabled", "public.invoices"); f == nil || f.Source != "lint+inspect" {
		t.Errorf("rls-disabled invoices: %+v", f)
	}
}
