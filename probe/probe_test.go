package probe_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/probe"
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
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	db := &fixtureDB{url: url, roles: map[string]string{}}
	sql := string(b)
	for k, v := range vars {
		sql = strings.ReplaceAll(sql, "{{"+k+"}}", v)
	}
	suffix := randomSuffix(t)
	for _, ph := range placeholders {
		role := "tg_probe_" + ph + "_" + suffix
		db.roles[ph] = role
		sql = strings.ReplaceAll(sql, "{{"+ph+"}}", role)
	}
	db.exec(t, sql)
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

func TestProbeFindsEveryKindOfLeak(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	before := snapshot(t, db.url)
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
		for _, want := range []string{"reproduce (psql", "  BEGIN;", "  SET LOCAL ROLE " + db.roles["app"], "  ROLLBACK;", "data seeded: "} {
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
	for _, n := range res.Notes {
		t.Log("note:", n)
	}
	for _, f := range res.Findings {
		t.Logf("%s %s: %s\n%s", f.Rule, f.Object, f.Message, f.Detail)
	}
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

var _ = regexp.MustCompile

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
// is seeded and probed, nothing is found, nothing changes.
func TestProbeSeedsEveryShape(t *testing.T) {
	db := loadFixture(t, "shapes.sql", "app")
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
	if after := snapshot(t, db.url); after != before {
		t.Errorf("the probe changed the database:\n%s", diffLines(before, after))
	}
}
