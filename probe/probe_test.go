package probe_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/probe"
	"github.com/tenantguard/tenantguard/probe/probetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// fixtureDB is a database loaded from a fixture in testdata, with role
// names made unique to the test.
type fixtureDB struct {
	url   string
	roles map[string]string // placeholder -> role name
}

// loadFixture creates a database and runs testdata/<name> on it as the
// superuser, replacing {{placeholder}} role names with unique ones; the
// roles are dropped after the test.
func loadFixture(t *testing.T, name string, placeholders ...string) *fixtureDB {
	t.Helper()
	return loadFixtureWith(t, name, nil, placeholders...)
}

// loadFixtureWith is loadFixture with more {{key}} replacements.
func loadFixtureWith(t *testing.T, name string, vars map[string]string, placeholders ...string) *fixtureDB {
	t.Helper()
	url := pgtest.NewDB(t)
	db := &fixtureDB{url: url, roles: map[string]string{}}
	db.exec(t, fixtureSQL(t, name, vars, db.roles, placeholders...))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "SET default_transaction_read_only = off"); err != nil {
			t.Error(err)
		}
		for _, role := range db.roles {
			if _, err := conn.Exec(ctx, "REASSIGN OWNED BY "+role+" TO CURRENT_USER; DROP OWNED BY "+role+"; DROP ROLE "+role); err != nil {
				t.Errorf("drop role %s: %v", role, err)
			}
		}
	})
	return db
}

// fixtureSQL reads testdata/<name>, replacing {{key}} with vars and
// {{placeholder}} role names with unique ones (recorded in roles).
func fixtureSQL(t *testing.T, name string, vars, roles map[string]string, placeholders ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	sql := string(b)
	for k, v := range vars {
		sql = strings.ReplaceAll(sql, "{{"+k+"}}", v)
	}
	suffix := randomSuffix(t)
	for _, ph := range placeholders {
		role := "tg_probe_" + ph + "_" + suffix
		roles[ph] = role
		sql = strings.ReplaceAll(sql, "{{"+ph+"}}", role)
	}
	return sql
}

func randomSuffix(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// exec runs SQL (several statements) as the superuser.
func (db *fixtureDB) exec(t *testing.T, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

// probeDB reads the catalog and probes the database with cfg.
func probeDB(t *testing.T, url string, cfg lint.Config, opts probe.Options) (*probe.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return probeDBContext(ctx, t, url, cfg, opts)
}

func probeDBContext(ctx context.Context, t *testing.T, url string, cfg lint.Config, opts probe.Options) (*probe.Result, error) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	cat, err := introspect.Read(ctx, conn, introspect.Options{Schemas: cfg.Schemas})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	opts.Config, opts.Catalog = &cfg, cat
	return probe.Run(ctx, cc, opts)
}

func sessionConfig(db *fixtureDB) lint.Config {
	cfg := lint.DefaultConfig()
	cfg.Probe.Role = db.roles["app"]
	cfg.Probe.TenantSetting = "app.current_tenant"
	cfg.GlobalTables = []string{"audit_log"}
	return cfg
}

// summary lists findings as "rule object" lines, sorted.
func summary(res *probe.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Rule+" "+f.Object)
	}
	sort.Strings(out)
	return out
}

// leaks.sql has one correct table (notes, and labels, empty) and one table
// per kind of leak. Every leak is found, with the tenants used, what was
// seen, and SQL that shows the leak again when replayed; nothing is found
// on the correct tables; triggers fired and were rolled back; and the
// database (every row, every sequence) is as it was.
func TestProbeFindsEveryKindOfLeak(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	before := snapshot(t, db.url)
	inserts := insertCounter(t, db.url, "audit_log")
	res, err := probeDB(t, db.url, sessionConfig(db), probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := summary(res)
	want := []string{
		"probe-delete-leak public.attachments",
		"probe-delete-leak public.comments",
		"probe-owner-bypass public.invoices",
		"probe-owner-bypass public.settings",
		"probe-read-leak public.attachments",
		"probe-read-leak public.comments",
		"probe-read-leak public.projects",
		"probe-unset-context-leak public.attachments",
		"probe-unset-context-leak public.audit_events",
		"probe-unset-context-leak public.comments",
		"probe-unset-context-leak public.projects",
		"probe-view-leak public.note_count",
		"probe-view-leak public.note_feed",
		"probe-write-leak public.attachments",
		"probe-write-leak public.tasks",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range res.Findings {
		if f.Source != "probe" || f.File != "" || f.Fingerprint == "" {
			t.Errorf("%s %s: source %q file %q fingerprint %q", f.Rule, f.Object, f.Source, f.File, f.Fingerprint)
		}
		for _, want := range append(detailLines(f.Rule), "reproduce (psql", "  BEGIN;", "  SET LOCAL ROLE "+db.roles["app"], "  ROLLBACK;", "data seeded: ") {
			if f.Rule == "probe-owner-bypass" && f.Object == "public.invoices" && strings.HasPrefix(want, "  SET LOCAL ROLE") {
				want = "  SET LOCAL ROLE " + db.roles["owner"]
			}
			if !strings.Contains(f.Detail, want) {
				t.Errorf("%s %s: detail lacks %q:\n%s", f.Rule, f.Object, want, f.Detail)
			}
		}
	}
	if len(res.NotProbed) > 0 {
		t.Errorf("not probed: %+v", res.NotProbed)
	}
	if after := snapshot(t, db.url); after != before {
		t.Errorf("the probe changed the database:\n%s", diffLines(before, after))
	}
	// The triggers writing to audit_log fired (the server counted the
	// inserts), yet its rows and its sequence are as they were.
	if n := insertCounter(t, db.url, "audit_log"); n <= inserts {
		t.Errorf("no trigger fired during the probe (audit_log inserts %d, then %d): the trigger check proves nothing", inserts, n)
	}
	// Every reproduction shows its leak again (and is rolled back).
	for _, f := range res.Findings {
		if why := probetest.ShowsLeak(t, db.url, f.Rule, f.Detail); why != "" {
			t.Errorf("%s %s: the reproduction does not show the leak: %s\n%s", f.Rule, f.Object, why, f.Detail)
		}
	}
	for _, n := range res.Notes {
		t.Log("note:", n)
	}
	for _, f := range res.Findings {
		t.Logf("%s %s: %s\n%s", f.Rule, f.Object, f.Message, f.Detail)
	}
}

// detailLines are what the detail of a finding of rule must say: the
// tenants used and how many rows were seen or affected.
func detailLines(rule string) []string {
	switch rule {
	case "probe-unset-context-leak":
		return []string{" of tenant '"}
	case "probe-write-leak", "probe-delete-leak":
		return []string{"tenant A: '", "tenant B: '", "what tenant A could do (statements below): ", " affected)"}
	case "probe-view-leak":
		return []string{"tenant A: '", "tenant B: '", "rows"}
	}
	return []string{"tenant A: '", "tenant B: '", "visible"}
}

// insertCounter is the number of rows ever inserted into table, committed
// or not, as the server counts them.
func insertCounter(t *testing.T, url, table string) int64 {
	t.Helper()
	// A session's counters reach the shared statistics by the time it
	// has left pg_stat_activity.
	waitFor(t, url, "the other sessions to end",
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = $1", table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshot is a digest of every row of every table and every sequence of
// the database, one line per object.
func snapshot(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.oid::regclass::text, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast' ORDER BY 1`)
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
		var digest string
		q := "SELECT count(*)::text || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM " + r.name + " t"
		if r.kind == "S" {
			q = "SELECT last_value::text || ' ' || is_called::text FROM " + r.name
		}
		if err := conn.QueryRow(ctx, q).Scan(&digest); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		b.WriteString(r.name + " " + digest + "\n")
	}
	return b.String()
}

func diffLines(a, b string) string {
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

func TestProbeSupabasePreset(t *testing.T) {
	db := loadFixture(t, "supabase_shim.sql")
	db.execFile(t, "supabase.sql")
	before := snapshot(t, db.url)
	cfg := lint.DefaultConfig()
	cfg.TenantColumns = []string{"account_id"}
	cfg.Probe.Preset = "supabase"
	res, err := probeDB(t, db.url, cfg, probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(summary(res), "\n")
	want := "probe-claim-spoof public.invoices"
	if got != want {
		t.Errorf("findings:\n%s\nwant:\n%s", got, want)
	}
	for _, f := range res.Findings {
		for _, want := range []string{"SET LOCAL ROLE authenticated", "request.jwt.claims", `"user_metadata":{`, "UPDATE auth.users SET raw_user_meta_data", "INSERT INTO public.account_user", "data seeded: yes"} {
			if !strings.Contains(f.Detail, want) {
				t.Errorf("%s %s: detail lacks %q:\n%s", f.Rule, f.Object, want, f.Detail)
			}
		}
		t.Logf("%s %s: %s\n%s", f.Rule, f.Object, f.Message, f.Detail)
	}
	if len(res.NotProbed) > 0 {
		t.Errorf("not probed: %+v", res.NotProbed)
	}
	if after := snapshot(t, db.url); after != before {
		t.Errorf("the probe changed the database:\n%s", diffLines(before, after))
	}
	for _, f := range res.Findings {
		if why := probetest.ShowsLeak(t, db.url, f.Rule, f.Detail); why != "" {
			t.Errorf("%s %s: the reproduction does not show the leak: %s\n%s", f.Rule, f.Object, why, f.Detail)
		}
	}
}

// execFile runs another fixture file on the database.
func (db *fixtureDB) execFile(t *testing.T, name string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	db.exec(t, string(b))
}

// Empty tables of every shape (types, domains, enums, generated columns,
// composite and self references, partitions, integer tenants): every one
// is seeded and probed, nothing is found, nothing changes. The fixture has
// identity, serial and bigserial columns and no trigger, so the probe
// never sets a sequence back: unchanged sequences prove that seeding
// never called nextval().
func TestProbeSeedsEveryShape(t *testing.T) {
	db := loadFixture(t, "shapes.sql", "app")
	var triggers, sequences int
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		t.Fatal(err)
	}
	err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal),
		(SELECT count(*) FROM pg_sequence s JOIN pg_depend d ON d.objid = s.seqrelid AND d.deptype IN ('a', 'i'))`).Scan(&triggers, &sequences)
	conn.Close(ctx)
	if err != nil || triggers != 0 || sequences < 3 {
		t.Fatalf("shapes.sql must have no trigger and owned sequences: %d triggers, %d sequences (%v)", triggers, sequences, err)
	}
	before := snapshot(t, db.url)
	cfg := lint.DefaultConfig()
	cfg.Probe.Role = db.roles["app"]
	cfg.Probe.TenantSetting = "app.account"
	res, err := probeDB(t, db.url, cfg, probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, np := range res.NotProbed {
		t.Errorf("not probed: %s: %s", np.Object, np.Reason)
	}
	if len(res.Findings) > 0 {
		t.Errorf("findings on correct tables: %q", summary(res))
	}
	for _, n := range res.Notes {
		if strings.Contains(n, "inconclusive") {
			t.Errorf("note: %s", n)
		}
	}
	if res.Tables != 7 {
		t.Errorf("probed %d tables, want 7", res.Tables)
	}
	if !strings.Contains(before, "\nkinds_ticket_seq 1 false\n") || !strings.Contains(before, "\nkinds_id_seq 1 false\n") {
		t.Errorf("the sequences should start unused:\n%s", before)
	}
	if after := snapshot(t, db.url); after != before {
		t.Errorf("the probe changed the database:\n%s", diffLines(before, after))
	}
}

// Tenants: with probe.tenants: auto, a table with no rows gets the two
// smallest tenants of the tenant root table, a table with rows of one
// tenant gets that one and the smallest other from the root, and the rows
// missing are seeded (the finding says so; its reproduction seeds them
// too); explicit ids are used as given, in their order.
func TestProbeTenants(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	db.exec(t, `
CREATE TABLE drafts (id uuid PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id), body text NOT NULL);
CREATE INDEX ON drafts (org_id);
CREATE TABLE memos (id uuid PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id), body text NOT NULL);
INSERT INTO memos VALUES ('99999999-9999-4999-8999-999999999999', '22222222-2222-4222-8222-222222222222', 'memo');
GRANT SELECT ON drafts, memos TO `+db.roles["app"])
	const (
		acme    = "'11111111-1111-4111-8111-111111111111'"
		globex  = "'22222222-2222-4222-8222-222222222222'"
		initech = "'33333333-3333-4333-8333-333333333333'"
	)
	cases := []struct {
		name    string
		tenants []string
		table   string
		a, b    string
		seeded  string
	}{
		{"auto, no rows: the root's first two", nil, "public.drafts", acme, globex, "data seeded: yes, 2 rows"},
		{"auto, rows of one tenant: completed from the root", nil, "public.memos", globex, acme, "data seeded: yes, 1 row "},
		{"explicit", []string{strings.Trim(initech, "'"), strings.Trim(globex, "'")}, "public.drafts", initech, globex, "data seeded: yes, 2 rows"},
		{"explicit, existing rows", []string{strings.Trim(initech, "'"), strings.Trim(globex, "'")}, "public.projects", initech, globex, "data seeded: no"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := sessionConfig(db)
			cfg.Probe.Tenants = tc.tenants
			res, err := probeDB(t, db.url, cfg, probe.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var f *lint.Finding
			for i := range res.Findings {
				if res.Findings[i].Rule == "probe-read-leak" && res.Findings[i].Object == tc.table {
					f = &res.Findings[i]
				}
			}
			if f == nil {
				t.Fatalf("no read leak on %s: %q", tc.table, summary(res))
			}
			for _, want := range []string{"tenant A: " + tc.a + " ", "tenant B: " + tc.b + "\n", tc.seeded, "rows of tenant B visible: 1 row"} {
				if !strings.Contains(f.Detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, f.Detail)
				}
			}
			// Rows are seeded only where missing: never a second tenant root
			// row, nor the row memos has.
			if strings.Contains(f.Detail, "INSERT INTO public.orgs") || strings.Contains(f.Detail, "'memo'") {
				t.Errorf("seeded what exists:\n%s", f.Detail)
			}
			if why := probetest.ShowsLeak(t, db.url, f.Rule, f.Detail); why != "" {
				t.Errorf("the reproduction does not show the leak: %s\n%s", why, f.Detail)
			}
		})
	}
}
