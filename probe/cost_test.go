package probe_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/probe"
)

// A probe reads a bounded number of rows whatever the size of the table.
// The server's own counters say so (counters, not time: nothing here
// depends on the machine): for tables of 60,000 rows, with a correct
// policy and with a leaking one, a whole probe run moves the tuples read
// (by sequential scans, fetched from the heap through indexes, and read
// from the indexes themselves) and the blocks touched (heap and indexes,
// cached or not) by a small fraction of what one full scan does, and by
// about as much as for tables of 30 rows. A control run of one full scan
// shows the counters do see full scans.
func TestProbeCostDoesNotGrowWithRows(t *testing.T) {
	db := loadFixture(t, "leaks.sql", "app", "owner")
	for _, tc := range []struct {
		name  string
		rows  int
		index string
	}{
		{"big", 20000, "CREATE INDEX big_org_idx ON big (org_id);"},
		{"small", 10, "CREATE INDEX small_org_idx ON small (org_id);"},
		// No index on the tenant column: the probe looks among the first
		// rows and at the rows it seeds, by key.
		{"bignx", 20000, ""},
		{"smallnx", 10, ""},
	} {
		db.exec(t, fmt.Sprintf(`
CREATE TABLE %[1]s (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  uuid NOT NULL REFERENCES orgs (id),
    body    text NOT NULL
);
INSERT INTO %[1]s (org_id, body) SELECT o.id, 'row ' || g FROM orgs o, generate_series(1, %[2]d) g;
%[4]s
ALTER TABLE %[1]s ENABLE ROW LEVEL SECURITY;
ALTER TABLE %[1]s FORCE ROW LEVEL SECURITY;
CREATE POLICY %[1]s_tenant ON %[1]s
    USING (org_id = current_setting('app.current_tenant')::uuid)
    WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON %[1]s TO %[3]s;
CREATE TABLE %[1]s_leaky (LIKE %[1]s INCLUDING ALL);
INSERT INTO %[1]s_leaky (org_id, body) SELECT org_id, body FROM %[1]s;
ALTER TABLE %[1]s_leaky ENABLE ROW LEVEL SECURITY;
ALTER TABLE %[1]s_leaky FORCE ROW LEVEL SECURITY;
CREATE POLICY %[1]s_leaky_all ON %[1]s_leaky USING (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON %[1]s_leaky TO %[3]s;
ANALYZE %[1]s, %[1]s_leaky;`, tc.name, tc.rows, db.roles["app"], tc.index))
	}
	before := costCounters(t, db.url)
	res, err := probeDB(t, db.url, sessionConfig(db), probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NotProbed) > 0 {
		t.Fatalf("not probed: %+v", res.NotProbed)
	}
	after := costCounters(t, db.url)
	for _, table := range []string{"big", "big_leaky", "bignx", "bignx_leaky"} {
		small := "small" + table[len("big"):]
		big, sm := after[table].minus(before[table]), after[small].minus(before[small])
		t.Logf("%s (60,000 rows): %d tuples, %d blocks; %s (30 rows): %d tuples, %d blocks; the table and its indexes: %d blocks",
			table, big.tuples, big.blocks, small, sm.tuples, sm.blocks, before[table].size)
		// A full scan reads 60,000 tuples and every block of the heap.
		if big.tuples > 3000 || big.blocks > before[table].size/4 {
			t.Errorf("the probe read %d tuples and %d blocks of %s (60,000 rows, %d blocks): its cost grows with the table",
				big.tuples, big.blocks, table, before[table].size)
		}
		// Against the same table with 30 rows: the extra tuples are those
		// the 30-row table does not have for the checks to count (up to
		// 101 per check) and, without an index on the tenant column, the
		// first 1,000 rows each transaction samples; the extra blocks are
		// one more index level per lookup.
		if big.tuples > sm.tuples+2500 || big.blocks > 2*sm.blocks+100 {
			t.Errorf("%s costs %d tuples and %d blocks, %s %d and %d: the cost depends on the row count",
				table, big.tuples, big.blocks, small, sm.tuples, sm.blocks)
		}
	}
	got := summary(res)
	found := 0
	for _, s := range got {
		found += map[bool]int{true: 1}[s == "probe-read-leak public.big_leaky" || s == "probe-read-leak public.bignx_leaky"]
		if s == "probe-read-leak public.big" || s == "probe-read-leak public.bignx" {
			t.Errorf("a leak on a correct table: %s", s)
		}
	}
	if found != 2 {
		t.Errorf("the leaks of big_leaky and bignx_leaky were not both found: %q", got)
	}

	// The control: the same counters see one full scan of big.
	db.exec(t, "SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off; SELECT count(*) FROM big WHERE body <> ''")
	scanned := costCounters(t, db.url)["big"].minus(after["big"])
	if scanned.tuples < 60000 || scanned.blocks < before["big"].heap {
		t.Errorf("a full scan of big moved the counters by %d tuples and %d blocks (heap %d blocks): they cannot tell a full scan",
			scanned.tuples, scanned.blocks, before["big"].heap)
	}
}

// cost is what the server counted for one table: tuples read and blocks
// touched (heap and indexes), and the size of the table (heap, and heap
// and indexes) in blocks.
type cost struct {
	tuples, blocks int64
	heap, size     int64
}

func (c cost) minus(o cost) cost {
	return cost{tuples: c.tuples - o.tuples, blocks: c.blocks - o.blocks}
}

// costCounters reads the counters of every table of the database.
func costCounters(t *testing.T, url string) map[string]cost {
	t.Helper()
	// A session's counters reach the shared statistics by the time it has
	// left pg_stat_activity (PostgreSQL flushes them before it clears its
	// entry): wait for every other session of the database to be gone, so
	// that the counters hold everything done so far.
	waitFor(t, url, "the other sessions to end",
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT s.relname::text,
  coalesce(s.seq_tup_read, 0) + coalesce(s.idx_tup_fetch, 0)
    + coalesce((SELECT sum(i.idx_tup_read) FROM pg_stat_user_indexes i WHERE i.relid = s.relid), 0),
  coalesce(io.heap_blks_read, 0) + coalesce(io.heap_blks_hit, 0) + coalesce(io.idx_blks_read, 0) + coalesce(io.idx_blks_hit, 0),
  pg_relation_size(s.relid) / current_setting('block_size')::int,
  (pg_relation_size(s.relid) + pg_indexes_size(s.relid)) / current_setting('block_size')::int
FROM pg_stat_user_tables s JOIN pg_statio_user_tables io ON io.relid = s.relid`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]cost{}
	for rows.Next() {
		var name string
		var c cost
		if err := rows.Scan(&name, &c.tuples, &c.blocks, &c.heap, &c.size); err != nil {
			t.Fatal(err)
		}
		out[name] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
