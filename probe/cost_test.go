package probe_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/probe"
)

// A probe reads a bounded number of rows whatever the size of the table:
// the server's own counters for a table of 60,000 rows (tuples read by
// sequential scans, fetched through indexes) move by a few thousand at
// most during a full probe, with the correct policy and with a leaking
// one. (Counters, not time: nothing here depends on the machine.)
func TestProbeCostDoesNotGrowWithRows(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	db.exec(t, `
CREATE TABLE big (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  uuid NOT NULL REFERENCES orgs (id),
    body    text NOT NULL
);
INSERT INTO big (org_id, body) SELECT o.id, 'row ' || g FROM orgs o, generate_series(1, 20000) g;
CREATE INDEX big_org_idx ON big (org_id);
ALTER TABLE big ENABLE ROW LEVEL SECURITY;
ALTER TABLE big FORCE ROW LEVEL SECURITY;
CREATE POLICY big_tenant ON big
    USING (org_id = current_setting('app.current_tenant')::uuid)
    WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON big TO `+db.roles["app"]+`;
ANALYZE big;
CREATE TABLE big_leaky (LIKE big INCLUDING ALL);
INSERT INTO big_leaky (org_id, body) SELECT org_id, body FROM big;
ALTER TABLE big_leaky ENABLE ROW LEVEL SECURITY;
ALTER TABLE big_leaky FORCE ROW LEVEL SECURITY;
CREATE POLICY big_leaky_all ON big_leaky USING (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON big_leaky TO `+db.roles["app"]+`;
ANALYZE big_leaky;`)
	before := tupleCounters(t, db.url)
	res, err := probeDB(t, db.url, sessionConfig(db), probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NotProbed) > 0 {
		t.Fatalf("not probed: %+v", res.NotProbed)
	}
	after := tupleCounters(t, db.url)
	for _, table := range []string{"big", "big_leaky"} {
		if read := after[table] - before[table]; read > 5000 {
			t.Errorf("the probe read %d tuples of %s (60,000 rows): its cost grows with the table", read, table)
		} else {
			t.Logf("%s: %d tuples read", table, read)
		}
	}
	got := summary(res)
	found := false
	for _, s := range got {
		found = found || s == "probe-read-leak public.big_leaky"
		if s == "probe-read-leak public.big" {
			t.Errorf("a leak on the correct table")
		}
	}
	if !found {
		t.Errorf("the leak of big_leaky was not found: %q", got)
	}
}

// tupleCounters returns, per table, the tuples sequential scans read
// plus those fetched through indexes.
func tupleCounters(t *testing.T, url string) map[string]int64 {
	t.Helper()
	// A session's counters reach the shared statistics when it ends:
	// wait for every other session of the database to be gone.
	waitFor(t, url, "the other sessions to end",
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT relname::text, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
