package probe_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/probe"
	"github.com/tenantguard/tenantguard/probe/probetest"
)

func TestProbeRefusesWhatWouldMislead(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	bypass, plain := db.roles["app"]+"_bypass", db.roles["app"]+"_plain"
	db.exec(t, "CREATE ROLE "+db.roles["app"]+"_super SUPERUSER NOLOGIN; CREATE ROLE "+bypass+" BYPASSRLS LOGIN; CREATE ROLE "+plain+" LOGIN")
	t.Cleanup(func() {
		db.exec(t, "DROP ROLE "+db.roles["app"]+"_super; DROP ROLE "+bypass+"; DROP ROLE "+plain)
	})
	cases := []struct {
		name string
		user string // connect as this role instead of the superuser
		edit func(*lint.Config)
		want string
	}{
		{"superuser without role", "", func(c *lint.Config) { c.Probe.Role = "" },
			"connects as postgres, a superuser, which sees every row: a probe as that role would report every table as a leak; set probe.role in tenantguard.yaml or pass --role ROLE"},
		{"bypassrls connection without role", bypass, func(c *lint.Config) { c.Probe.Role = "" },
			"connects as " + bypass + ", a role with BYPASSRLS, which sees every row"},
		{"missing role", "", func(c *lint.Config) { c.Probe.Role = "no_such_role" },
			`probe role "no_such_role" does not exist`},
		{"superuser role", "", func(c *lint.Config) { c.Probe.Role = db.roles["app"] + "_super" },
			"is a superuser"},
		{"bypassrls role", "", func(c *lint.Config) { c.Probe.Role = bypass },
			"has BYPASSRLS"},
		{"a role the connection cannot become", plain, func(c *lint.Config) {},
			"the database URL connects as " + plain + ", which cannot act as probe role " + db.roles["app"] + ": GRANT " + db.roles["app"] + " TO " + plain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := sessionConfig(db)
			tc.edit(&cfg)
			url := db.url
			if tc.user != "" {
				url = strings.Replace(url, "postgres@", tc.user+"@", 1)
			}
			_, err := probeDB(t, url, cfg, probe.Options{})
			var ce *probe.ErrConfig
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an ErrConfig containing %q", err, tc.want)
			}
		})
	}
}

// The policies of leaks.sql read one setting: the probe uses it when
// none is configured, and says so.
func TestProbeInfersTheTenantSetting(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	cfg := sessionConfig(db)
	cfg.Probe.TenantSetting = ""
	res, err := probeDB(t, db.url, cfg, probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !hasNote(res, "using app.current_tenant, the only setting the policies read") {
		t.Errorf("notes: %q", res.Notes)
	}
	if len(res.Findings) == 0 {
		t.Error("no findings")
	}
	db.exec(t, "CREATE POLICY other ON notes USING (org_id = current_setting('app.other_tenant')::uuid)")
	_, err = probeDB(t, db.url, cfg, probe.Options{})
	if err == nil || !strings.Contains(err.Error(), "several settings (app.current_tenant, app.other_tenant)") {
		t.Fatalf("got %v", err)
	}
}

func hasNote(res *probe.Result, sub string) bool {
	for _, n := range res.Notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

// A table another session holds a lock on is reported as not probed; the
// others are probed as usual. (The lock is taken once the catalog is
// read: reading it waits for such locks too.)
func TestProbeLockedTableIsNotProbed(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	cfg := sessionConfig(db)
	cat, err := introspect.Read(ctx, conn, introspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	locker, err := pgx.Connect(ctx, db.url)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	if _, err := locker.Exec(ctx, "BEGIN; LOCK TABLE projects IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	cc, err := pgx.ParseConfig(db.url)
	if err != nil {
		t.Fatal(err)
	}
	res, err := probe.Run(ctx, cc, probe.Options{Config: &cfg, Catalog: cat, LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// tasks references projects: seeding a row of tasks waits for the
	// lock too.
	var objects []string
	for _, np := range res.NotProbed {
		objects = append(objects, np.Object)
		if !strings.Contains(np.Reason, "locked by another session (lock_timeout 200ms)") {
			t.Errorf("%s: %s", np.Object, np.Reason)
		}
	}
	if strings.Join(objects, " ") != "public.projects public.tasks" {
		t.Fatalf("not probed: %+v", res.NotProbed)
	}
	got := strings.Join(summary(res), "\n")
	if strings.Contains(got, "public.projects") {
		t.Errorf("findings on the locked table:\n%s", got)
	}
	for _, want := range []string{"probe-owner-bypass public.invoices", "probe-delete-leak public.comments", "probe-view-leak public.note_feed"} {
		if !strings.Contains(got, want) {
			t.Errorf("the run did not go on: no %q in\n%s", want, got)
		}
	}
	if _, err := locker.Exec(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
}

// --read-only never writes: no seeding, no write or delete checks, and a
// READ ONLY transaction guarantees it.
func TestProbeReadOnly(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	before := snapshot(t, db.url)
	res, err := probeDB(t, db.url, sessionConfig(db), probe.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range summary(res) {
		if strings.HasPrefix(s, "probe-write-leak") || strings.HasPrefix(s, "probe-delete-leak") {
			t.Errorf("read-only run reported %s", s)
		}
	}
	got := strings.Join(summary(res), "\n")
	for _, want := range []string{"probe-read-leak public.projects", "probe-unset-context-leak public.audit_events", "probe-view-leak public.note_feed"} {
		if !strings.Contains(got, want) {
			t.Errorf("read-only run missed %q:\n%s", want, got)
		}
	}
	for _, f := range res.Findings {
		if !strings.Contains(f.Detail, "data seeded: no") {
			t.Errorf("%s %s: seeded in a read-only run:\n%s", f.Rule, f.Object, f.Detail)
		}
	}
	if !res.ReadOnly || res.ReadOnlyReason != "--read-only" {
		t.Errorf("ReadOnly %v %q", res.ReadOnly, res.ReadOnlyReason)
	}
	if !hasNote(res, "labels: no rows of a second tenant") {
		t.Errorf("notes: %q", res.Notes)
	}
	if after := snapshot(t, db.url); after != before {
		t.Errorf("the probe changed the database:\n%s", diffLines(before, after))
	}
}

// A database that only allows read-only transactions switches the probe
// to read-only checks by itself (as a hot standby does).
func TestProbeSwitchesToReadOnly(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	var name string
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.url)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+name+" SET default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	res, err := probeDB(t, db.url, sessionConfig(db), probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.ReadOnly || !strings.Contains(res.ReadOnlyReason, "read-only transactions") {
		t.Errorf("ReadOnly %v %q", res.ReadOnly, res.ReadOnlyReason)
	}
	if len(res.NotProbed) > 0 {
		t.Errorf("not probed: %+v", res.NotProbed)
	}
	if !strings.Contains(strings.Join(summary(res), "\n"), "probe-read-leak public.projects") {
		t.Errorf("findings: %q", summary(res))
	}
}

// Cancelling the run while the server executes a probe statement (a
// trigger sleeping) returns an error and leaves nothing: no rows, no
// session left in a transaction. (Sequences are not transactional: the
// nextval() the trigger called before it slept stays, which is why the
// CLI's first Ctrl-C stops gently; see TestProbeStopsGently.)
func TestProbeCancelledMidStatement(t *testing.T) {
	db := loadFixtureWith(t, "sleepy.sql", map[string]string{"sleep": "30"}, "app")
	before := tablesOnly(snapshot(t, db.url))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		waitFor(t, db.url, "a probe statement sleeping in the trigger",
			"SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = $1 AND wait_event = 'PgSleep' AND datname = current_database()", probe.ApplicationName)
		cancel()
	}()
	_, err := probeDBContext(ctx, t, db.url, sessionConfig(db), probe.Options{Timeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "rolled back") {
		t.Fatalf("got %v, want an error saying the probe was rolled back", err)
	}
	waitFor(t, db.url, "the probe's sessions to end",
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", probe.ApplicationName)
	if after := tablesOnly(snapshot(t, db.url)); after != before {
		t.Errorf("the probe changed the database:\n%s", diffLines(before, after))
	}
}

// Stopping gently lets the statement in progress finish, then rolls back
// and sets back the sequence the trigger moved: nothing changes at all.
func TestProbeStopsGently(t *testing.T) {
	db := loadFixtureWith(t, "sleepy.sql", map[string]string{"sleep": "1"}, "app")
	before := snapshot(t, db.url)
	stop := make(chan struct{})
	go func() {
		waitFor(t, db.url, "a probe statement sleeping in the trigger",
			"SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = $1 AND wait_event = 'PgSleep' AND datname = current_database()", probe.ApplicationName)
		close(stop)
	}()
	_, err := probeDB(t, db.url, sessionConfig(db), probe.Options{Timeout: time.Minute, Stop: stop})
	if !errors.Is(err, probe.ErrInterrupted) {
		t.Fatalf("got %v, want ErrInterrupted", err)
	}
	if after := snapshot(t, db.url); after != before {
		t.Errorf("the probe changed the database:\n%s", diffLines(before, after))
	}
}

// tablesOnly drops the sequences from a snapshot.
func tablesOnly(snap string) string {
	var out []string
	for _, line := range strings.Split(snap, "\n") {
		if !strings.Contains(line, "_seq ") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// waitFor polls the database until query (one boolean) is true. It does
// not time anything: it fails only when the condition never comes.
func waitFor(t *testing.T, url, what, query string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close(context.Background())
	for {
		var ok bool
		if err := conn.QueryRow(ctx, query, args...).Scan(&ok); err != nil {
			t.Errorf("waiting for %s: %v", what, err)
			return
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Errorf("gave up waiting for %s", what)
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// On a real hot standby (pg_is_in_recovery()), the probe switches to
// read-only checks by itself: it finds the read leaks, seeds nothing,
// skips the write and delete checks, and every table is probed (a write
// there would fail with "cannot execute ... in a read-only transaction").
func TestProbeOnHotStandby(t *testing.T) {
	db := &fixtureDB{roles: map[string]string{}}
	db.url = probetest.StartStandby(t, func(url string) {
		primary := &fixtureDB{url: url}
		primary.exec(t, fixtureSQL(t, "leaks.sql", nil, db.roles, "app", "owner"))
	})
	before := snapshot(t, db.url)
	res, err := probeDB(t, db.url, sessionConfig(db), probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.ReadOnly || res.ReadOnlyReason != "the server is a hot standby (pg_is_in_recovery())" {
		t.Errorf("ReadOnly %v %q", res.ReadOnly, res.ReadOnlyReason)
	}
	for _, np := range res.NotProbed {
		t.Errorf("not probed on the standby: %s: %s", np.Object, np.Reason)
	}
	got := summary(res)
	for _, s := range got {
		if strings.HasPrefix(s, "probe-write-leak") || strings.HasPrefix(s, "probe-delete-leak") {
			t.Errorf("a write check ran on the standby: %s", s)
		}
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{"probe-read-leak public.projects", "probe-unset-context-leak public.audit_events",
		"probe-owner-bypass public.invoices", "probe-view-leak public.note_feed"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missed %q on the standby:\n%s", want, joined)
		}
	}
	for _, f := range res.Findings {
		if !strings.Contains(f.Detail, "data seeded: no") {
			t.Errorf("%s %s: seeded on a standby:\n%s", f.Rule, f.Object, f.Detail)
		}
	}
	if after := snapshot(t, db.url); after != before {
		t.Errorf("the standby changed:\n%s", diffLines(before, after))
	}
	// A server of its own, so certainly without Supabase's roles: the
	// preset is refused with a reason.
	cfg := sessionConfig(db)
	cfg.Probe.Role, cfg.Probe.TenantSetting, cfg.Probe.Preset = "", "", "supabase"
	_, err = probeDB(t, db.url, cfg, probe.Options{})
	var ce *probe.ErrConfig
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "the supabase preset acts as role authenticated, which does not exist in this database") {
		t.Errorf("supabase preset without Supabase's roles: got %v", err)
	}
}
