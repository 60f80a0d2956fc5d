package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/ephemeral"
	"github.com/tenantguard/tenantguard/internal/ephemeral/ephemeraltest"
	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/probe"
	"github.com/tenantguard/tenantguard/probe/probetest"
)

// End-to-end probes with the built binary, on databases built from the
// bundled examples (data seeded here, not in the examples' migrations),
// and the safety of a tenantguard process killed mid-probe.

// saasData gives the saas example two tenants with rows everywhere.
const saasData = `
INSERT INTO organizations (id, name) VALUES
    ('a0000000-0000-4000-8000-00000000000a', 'Acme'),
    ('b0000000-0000-4000-8000-00000000000b', 'Globex');
INSERT INTO users (id, email) VALUES
    ('a1000000-0000-4000-8000-00000000000a', 'ann@acme.test'),
    ('b1000000-0000-4000-8000-00000000000b', 'bob@globex.test');
INSERT INTO memberships (org_id, user_id) VALUES
    ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a'),
    ('b0000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b');
INSERT INTO projects (org_id, name) SELECT id, name || ' website' FROM organizations ORDER BY name;
INSERT INTO tasks (org_id, project_id, title) SELECT org_id, id, 'launch' FROM projects ORDER BY id;
INSERT INTO invoices (org_id, number, amount) SELECT id, name || '-1', 100 FROM organizations ORDER BY name;
INSERT INTO attachments (org_id, invoice_id, path) SELECT org_id, id, '/invoices/' || number FROM invoices ORDER BY id;
INSERT INTO usage_events (org_id, at, kind) SELECT id, '2025-03-01', 'api' FROM organizations ORDER BY name;
INSERT INTO audit_events (org_id, action) SELECT id, 'login' FROM organizations ORDER BY name;
`

// supabaseData gives the Supabase example two accounts, each with a
// member, and rows in every table.
const supabaseData = `
INSERT INTO auth.users (id, email) VALUES
    ('a1000000-0000-4000-8000-00000000000a', 'ann@acme.test'),
    ('b1000000-0000-4000-8000-00000000000b', 'bob@globex.test');
INSERT INTO public.accounts (id, name) VALUES
    ('a0000000-0000-4000-8000-00000000000a', 'Acme'),
    ('b0000000-0000-4000-8000-00000000000b', 'Globex');
INSERT INTO public.account_user (account_id, user_id, role) VALUES
    ('a0000000-0000-4000-8000-00000000000a', 'a1000000-0000-4000-8000-00000000000a', 'owner'),
    ('b0000000-0000-4000-8000-00000000000b', 'b1000000-0000-4000-8000-00000000000b', 'owner');
INSERT INTO public.documents (account_id, author_id, title)
    SELECT account_id, user_id, 'handbook' FROM public.account_user ORDER BY account_id;
INSERT INTO public.comments (account_id, document_id, body)
    SELECT account_id, id, 'looks good' FROM public.documents ORDER BY id;
INSERT INTO public.invoices (account_id, number, amount)
    SELECT id, name || '-1', 100 FROM public.accounts ORDER BY name;
INSERT INTO public.files (account_id, path, size)
    SELECT id, id || '/logo.png', 1024 FROM public.accounts ORDER BY name;
REFRESH MATERIALIZED VIEW public.account_stats;
`

// exampleDB builds a database from an example's migrations (with a
// preset) and data.
func exampleDB(t *testing.T, example, preset, data string) string {
	t.Helper()
	requireNeed(t, "postgres")
	url := pgtest.NewDB(t)
	dir := filepath.Join("..", "..", "testdata", "examples", example)
	migs, problems, err := discover.Discover(nil, discover.Options{Dir: dir})
	if err != nil {
		migs, problems, err = discover.Discover([]string{"."}, discover.Options{Dir: dir})
	}
	if err != nil || len(problems) > 0 {
		t.Fatalf("discover %s: %v %v", example, err, problems)
	}
	ephemeraltest.Apply(t, url, ephemeral.Options{Preset: preset, Migrations: migs})
	execSQL(t, url, data)
	return url
}

func execSQL(t *testing.T, url, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

// ruleObjects lists the probe findings as "rule object", sorted.
func ruleObjects(t *testing.T, stdout string) []string {
	t.Helper()
	var out []string
	for _, f := range findings(t, stdout) {
		if f.Source == "probe" {
			out = append(out, f.Rule+" "+f.Object)
		}
	}
	sort.Strings(out)
	return out
}

func sameList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// The session-variable tenancy: the saas example, probed as app_user
// with app.current_tenant (inferred from the policies).
func TestProbeSaasExample(t *testing.T) {
	url := exampleDB(t, "saas", ephemeral.PresetNone, saasData)
	before := dbDigest(t, url)
	dir := t.TempDir()
	code, stdout, stderr := runBinary(t, dir, nil, "probe", "--db", url, "--role", "app_user", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sameList(t, "probe findings", ruleObjects(t, stdout), []string{
		"probe-delete-leak public.attachments",
		"probe-delete-leak public.projects",
		"probe-read-leak public.attachments",
		"probe-read-leak public.projects",
		"probe-unset-context-leak public.attachments",
		"probe-unset-context-leak public.audit_events",
		"probe-unset-context-leak public.projects",
		"probe-view-leak public.project_overview",
		"probe-write-leak public.attachments",
		"probe-write-leak public.projects",
	})
	for _, f := range findings(t, stdout) {
		for _, want := range []string{
			"data seeded: no",
			"SET LOCAL ROLE app_user;",
			"reproduce (psql, as postgres; everything is rolled back):\n  BEGIN;\n",
			"\n  ROLLBACK;",
		} {
			if !strings.Contains(f.Detail, want) {
				t.Errorf("%s %s: detail lacks %q:\n%s", f.Rule, f.Object, want, f.Detail)
			}
		}
	}
	if after := dbDigest(t, url); after != before {
		t.Errorf("the probe changed the database:\n%s", lineDiff(before, after))
	}
	// Every reproduction runs as printed and shows its leak again.
	for _, f := range findings(t, stdout) {
		if why := probetest.ShowsLeak(t, url, f.Rule, f.Detail); why != "" {
			t.Errorf("%s %s: the reproduction does not show the leak: %s\n%s", f.Rule, f.Object, why, f.Detail)
		}
	}
	before = dbDigest(t, url)
	// Text output: details with --verbose only.
	code, stdout, _ = runBinary(t, dir, nil, "probe", "--db", url, "--role", "app_user", "--no-color")
	if code != 1 || strings.Contains(stdout, "reproduce") || !strings.Contains(stdout, "public.projects: error probe-read-leak: tenant A (as app_user) could read 1 row of tenant B in public.projects") {
		t.Errorf("text: exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = runBinary(t, dir, nil, "probe", "--db", url, "--role", "app_user", "--no-color", "--verbose")
	if code != 1 || !strings.Contains(stdout, "    reproduce (psql") || !strings.Contains(stdout, "note: probe: 8 tenant tables probed as role app_user, tenant in setting app.current_tenant") {
		t.Errorf("text --verbose: exit %d:\n%s", code, stdout)
	}
	// Read-only: the read leaks only.
	code, stdout, stderr = runBinary(t, dir, nil, "probe", "--db", url, "--role", "app_user", "--read-only", "--format", "json")
	if code != 1 {
		t.Fatalf("--read-only: exit %d: %s", code, stderr)
	}
	sameList(t, "--read-only findings", ruleObjects(t, stdout), []string{
		"probe-read-leak public.attachments",
		"probe-read-leak public.projects",
		"probe-unset-context-leak public.attachments",
		"probe-unset-context-leak public.audit_events",
		"probe-unset-context-leak public.projects",
		"probe-view-leak public.project_overview",
	})
	if after := dbDigest(t, url); after != before {
		t.Errorf("the probe changed the database:\n%s", lineDiff(before, after))
	}
}

// The Supabase tenancy: the Supabase example (config found upward: preset
// supabase), probed as authenticated with JWT claims of a member.
func TestProbeSupabaseExample(t *testing.T) {
	url := exampleDB(t, "supabase", ephemeral.PresetSupabase, supabaseData)
	before := dbDigest(t, url)
	dir := filepath.Join("..", "..", "testdata", "examples", "supabase")
	code, stdout, stderr := runBinary(t, dir, nil, "probe", "--db", url, "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sameList(t, "probe findings", ruleObjects(t, stdout), []string{
		"probe-claim-spoof public.invoices",
		"probe-view-leak public.account_stats",
		"probe-view-leak public.unpaid_invoices",
		"probe-write-leak public.documents",
		"probe-write-leak public.files",
	})
	for _, f := range findings(t, stdout) {
		for _, want := range []string{"SET LOCAL ROLE authenticated;", "SELECT set_config('request.jwt.claims', '{",
			`"app_metadata":{"account_id":"a0000000-0000-4000-8000-00000000000a"`, `"role":"authenticated"`,
			`"sub":"a1000000-0000-4000-8000-00000000000a"`, "data seeded: no"} {
			if f.Object == "public.documents" && (strings.HasPrefix(want, `"sub"`) || strings.HasPrefix(want, "data seeded")) {
				// "authors edit documents": moving a document takes an
				// UPDATE without WHERE, which would move all of ann's
				// documents; the probe acts as a member it seeds, who
				// owns only the seeded document.
				want = "UPDATE public.documents SET account_id = 'b0000000-0000-4000-8000-00000000000b'::uuid;"
			}
			if !strings.Contains(f.Detail, want) {
				t.Errorf("%s %s: detail lacks %q:\n%s", f.Rule, f.Object, want, f.Detail)
			}
		}
	}
	if after := dbDigest(t, url); after != before {
		t.Errorf("the probe changed the database:\n%s", lineDiff(before, after))
	}
	for _, f := range findings(t, stdout) {
		if why := probetest.ShowsLeak(t, url, f.Rule, f.Detail); why != "" {
			t.Errorf("%s %s: the reproduction does not show the leak: %s\n%s", f.Rule, f.Object, why, f.Detail)
		}
	}
}

// kill -9 of tenantguard while the server runs a probe statement (a
// trigger sleeping): the server notices (client_connection_check_interval)
// and rolls back. No row, no lock, no session is left. (A nextval() the
// trigger called before sleeping is not transactional and stays: a gap in
// the sequence, which the digest below leaves out.)
func TestProbeKilledMidProbe(t *testing.T) {
	requireNeed(t, "postgres")
	url := pgtest.NewDB(t)
	role := "tg_e2e_kill_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	ephemeraltest.DropRolesAtEnd(t, url, []string{role})
	execSQL(t, url, sleepyFixture(t, role, "300"))
	before := tablesOnly(dbDigest(t, url))

	cmd := exec.Command(binary, "probe", "--db", url, "--role", role, "--tenant-setting", "app.current_tenant", "--timeout", "10m")
	cmd.Dir = t.TempDir()
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, url, "a probe statement sleeping in the trigger",
		"SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = $1 AND wait_event = 'PgSleep' AND datname = current_database()", probe.ApplicationName)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	waitUntil(t, url, "the server to end the probe's sessions",
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = $1", probe.ApplicationName)
	waitUntil(t, url, "no session of the database left in a transaction",
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()")
	waitUntil(t, url, "no lock left on the fixture's tables",
		`SELECT count(*) = 0 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		 WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		   AND c.relname IN ('slow', 'orgs', 'audit_log') AND l.pid <> pg_backend_pid()`)
	if after := tablesOnly(dbDigest(t, url)); after != before {
		t.Errorf("the killed probe left rows behind:\n%s", lineDiff(before, after))
	}
}

// Exit statuses: 2 for a run that cannot be done (a superuser without a
// probe role) with a one-line reason, and 2 after the report when a table
// could not be probed (locked by another session), the others reported.
func TestProbeExitStatus(t *testing.T) {
	url := exampleDB(t, "saas", ephemeral.PresetNone, saasData)
	dir := t.TempDir()
	code, stdout, stderr := runBinary(t, dir, nil, "probe", "--db", url)
	if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 ||
		!strings.Contains(stderr, "connects as postgres, a superuser, which sees every row") || !strings.Contains(stderr, "--role ROLE") {
		t.Errorf("no role: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// A session holding EXCLUSIVE on projects: reads go on, the probe's
	// writes wait, and time out.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	locker, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	if _, err := locker.Exec(ctx, "BEGIN; LOCK TABLE projects IN EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runBinary(t, dir, nil, "probe", "--db", url, "--role", "app_user", "--lock-timeout", "200ms", "--format", "json")
	if code != 2 || !strings.Contains(stderr, "could not probe 1 table (first: public.projects: locked by another session (lock_timeout 200ms)); the report covers the rest") {
		t.Errorf("locked: exit %d, stderr %q", code, stderr)
	}
	got := strings.Join(ruleObjects(t, stdout), "\n")
	if !strings.Contains(got, "probe-read-leak public.attachments") {
		t.Errorf("the run did not go on past the locked table:\n%s", got)
	}
}

// dbDigest is one line per table (row count and digest of every row) and
// per sequence (last value) of the database.
func dbDigest(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.oid::regclass::text, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'S', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	type rel struct{ name, kind string }
	var rels []rel
	for rows.Next() {
		var r rel
		if err := rows.Scan(&r.name, &r.kind); err != nil {
			t.Fatal(err)
		}
		rels = append(rels, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rels {
		q := "SELECT count(*)::text || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM " + r.name + " t"
		if r.kind == "S" {
			q = "SELECT last_value::text || ' ' || is_called::text FROM " + r.name
		}
		var digest string
		if err := conn.QueryRow(ctx, q).Scan(&digest); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		b.WriteString(r.name + " " + r.kind + " " + digest + "\n")
	}
	return b.String()
}

func tablesOnly(digest string) string {
	var out []string
	for _, l := range strings.Split(digest, "\n") {
		if !strings.Contains(l, " S ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
	}
	return strings.Join(out, "\n")
}

// waitUntil polls until query (one boolean) is true; it fails only if
// the condition never comes.
func waitUntil(t *testing.T, url, what, query string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for {
		var ok bool
		if err := conn.QueryRow(ctx, query, args...).Scan(&ok); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s", what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Every probe finding carries, in every format, the tenants used, what was
// seen and the SQL that reproduces it: the text report with --verbose (not
// without), JSON's detail, the SARIF result's message and the JUnit
// failure's body, all from one run of the built binary.
func TestProbeDetailInEveryFormat(t *testing.T) {
	url := exampleDB(t, "saas", ephemeral.PresetNone, saasData)
	dir := t.TempDir()
	code, stdout, stderr := runBinary(t, dir, nil, "probe", "--db", url, "--role", "app_user", "--format", "json",
		"--report", "sarif=probe.sarif", "--report", "junit=probe.xml", "--report", "text=probe.txt")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fs := findings(t, stdout)
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	sarif, junit, text := read("probe.sarif"), read("probe.xml"), read("probe.txt")
	_, verbose, _ := runBinary(t, dir, nil, "probe", "--db", url, "--role", "app_user", "--no-color", "--verbose")
	// How each format writes a line of the detail: JSON and SARIF escape it
	// as a JSON string, JUnit as XML text, text indents it.
	jsonText := func(s string) string { b, _ := json.Marshal(s); return strings.Trim(string(b), `"`) }
	xmlText := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	for _, f := range fs {
		stmts, err := probetest.Reproduction(f.Detail)
		if err != nil {
			t.Fatalf("%s %s: %v", f.Rule, f.Object, err)
		}
		first, _, _ := strings.Cut(f.Detail, "\n") // the tenants, or what was seen
		last := stmts[len(stmts)-2]                // the statement that shows the leak
		for _, c := range []struct {
			format, out string
			enc         func(string) string
		}{
			{"sarif", sarif, jsonText},
			{"junit", junit, xmlText},
			{"text --verbose", verbose, func(s string) string { return "    " + s }},
		} {
			for _, line := range []string{first, "  " + last + ";", "  ROLLBACK;"} {
				if !strings.Contains(c.out, c.enc(line)) {
					t.Errorf("%s %s: %s lacks %q", f.Rule, f.Object, c.format, c.enc(line))
				}
			}
		}
		if strings.Contains(text, last) {
			t.Errorf("%s %s: the text report without --verbose shows the reproduction", f.Rule, f.Object)
		}
	}
}

// Ctrl-C (SIGINT) to the built binary while the server runs a probe
// statement: the first lets the table in progress finish and roll back,
// sequences set back included, so nothing at all changes; a second one
// cancels the statement running and the server rolls back (the nextval()
// a trigger called is the one thing left: sequences are not
// transactional). Both exit 2 with a one-line reason.
func TestProbeInterrupted(t *testing.T) {
	requireNeed(t, "postgres")
	for _, tc := range []struct {
		name    string
		sleep   string
		signals int
		want    string
	}{
		{"once", "1", 1, "interrupted: the tables in progress were finished and rolled back; nothing was left in the database"},
		{"twice", "300", 2, "interrupted: the statements running were cancelled and the server rolled back their transactions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := pgtest.NewDB(t)
			role := "tg_e2e_int_" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
			ephemeraltest.DropRolesAtEnd(t, url, []string{role})
			execSQL(t, url, sleepyFixture(t, role, tc.sleep))
			before := dbDigest(t, url)
			cmd := exec.Command(binary, "probe", "--db", url, "--role", role, "--tenant-setting", "app.current_tenant", "--timeout", "10m")
			cmd.Dir = t.TempDir()
			cmd.Env = cleanEnv()
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, url, "a probe statement sleeping in the trigger",
				"SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = $1 AND wait_event = 'PgSleep' AND datname = current_database()", probe.ApplicationName)
			for i := 0; i < tc.signals; i++ {
				if i > 0 {
					// The second Ctrl-C once the first has been taken in.
					deadline := time.Now().Add(2 * time.Minute)
					for !strings.Contains(stderr.String(), "stopping: finishing the tables in progress") {
						if time.Now().After(deadline) {
							t.Fatalf("the first interrupt was not taken in:\n%s", stderr.String())
						}
						time.Sleep(20 * time.Millisecond)
					}
				}
				if err := cmd.Process.Signal(os.Interrupt); err != nil {
					t.Fatal(err)
				}
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Fatalf("exit: %v, stderr:\n%s", err, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, tc.want) {
				t.Errorf("stderr:\n%s\nwant a last line with %q", stderr.String(), tc.want)
			}
			waitUntil(t, url, "the probe's sessions to end",
				"SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = $1", probe.ApplicationName)
			after := dbDigest(t, url)
			if tc.signals == 2 {
				before, after = tablesOnly(before), tablesOnly(after)
			}
			if after != before {
				t.Errorf("the interrupted probe changed the database:\n%s", lineDiff(before, after))
			}
		})
	}
}

// syncBuffer is a buffer a child process writes to while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// sleepyFixture is probe/testdata/sleepy.sql for role, with a trigger that
// sleeps for sleep seconds on every insert.
func sleepyFixture(t *testing.T, role, sleep string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "probe", "testdata", "sleepy.sql"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("{{app}}", role, "{{sleep}}", sleep).Replace(string(b))
}

// check --ephemeral runs lint, inspect and the probes on both bundled
// examples; every probe finding points at the statement that created its
// table or view (in JSON and in SARIF, where code scanning shows it on the
// file), and the same leaks are found as by `probe` on a database of the
// same migrations.
func TestCheckEphemeralProbesExamples(t *testing.T) {
	requireNeed(t, "postgres")
	for _, tc := range []struct {
		example string
		want    []string
	}{
		{"saas", []string{
			"probe-delete-leak public.attachments testdata/examples/saas/000003_billing.up.sql:18",
			"probe-delete-leak public.projects testdata/examples/saas/000002_projects.up.sql:1",
			"probe-read-leak public.attachments testdata/examples/saas/000003_billing.up.sql:18",
			"probe-read-leak public.projects testdata/examples/saas/000002_projects.up.sql:1",
			"probe-unset-context-leak public.attachments testdata/examples/saas/000003_billing.up.sql:18",
			"probe-unset-context-leak public.audit_events testdata/examples/saas/000006_reporting.up.sql:14",
			"probe-unset-context-leak public.projects testdata/examples/saas/000002_projects.up.sql:1",
			"probe-view-leak public.project_overview testdata/examples/saas/000006_reporting.up.sql:6",
			"probe-write-leak public.attachments testdata/examples/saas/000003_billing.up.sql:18",
			"probe-write-leak public.projects testdata/examples/saas/000002_projects.up.sql:1",
		}},
		{"supabase", []string{
			"probe-claim-spoof public.invoices testdata/examples/supabase/supabase/migrations/20240120080000_invoices.sql:1",
			"probe-view-leak public.unpaid_invoices testdata/examples/supabase/supabase/migrations/20240120080000_invoices.sql:22",
			// "authors edit documents": the author moves their own document.
			"probe-write-leak public.documents testdata/examples/supabase/supabase/migrations/20240112101500_documents.sql:1",
			"probe-write-leak public.files testdata/examples/supabase/supabase/migrations/20240201120000_files.sql:2",
		}},
	} {
		t.Run(tc.example, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("..", "..")
			path := filepath.Join("testdata", "examples", tc.example)
			sarifPath := filepath.Join(t.TempDir(), "check.sarif")
			code, stdout, stderr := runBinary(t, dir, nil, "check", "--ephemeral", path, "--format", "json", "--report", "sarif="+sarifPath)
			if code != 1 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got []string
			for _, f := range findings(t, stdout) {
				if f.Source == "probe" {
					got = append(got, fmt.Sprintf("%s %s %s:%d", f.Rule, f.Object, f.File, f.Line))
				}
			}
			sort.Strings(got)
			sameList(t, "probe findings of check --ephemeral", got, tc.want)
			b, err := os.ReadFile(sarifPath)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Runs []struct {
					Results []struct {
						RuleID    string `json:"ruleId"`
						Locations []struct {
							PhysicalLocation struct {
								ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
								Region           struct{ StartLine int } `json:"region"`
							} `json:"physicalLocation"`
						} `json:"locations"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			var inSarif []string
			for _, r := range doc.Runs[0].Results {
				if strings.HasPrefix(r.RuleID, "probe-") {
					loc := r.Locations[0].PhysicalLocation
					inSarif = append(inSarif, fmt.Sprintf("%s %s:%d", r.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine))
				}
			}
			sort.Strings(inSarif)
			var want []string
			for _, w := range tc.want {
				parts := strings.Fields(w)
				want = append(want, parts[0]+" "+parts[2])
			}
			sort.Strings(want)
			sameList(t, "probe results in SARIF", inSarif, want)
		})
	}
}
