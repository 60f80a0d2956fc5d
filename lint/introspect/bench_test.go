package introspect_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/rules"
)

// BenchTables is the size of the benchmark database: this many tenant
// tables with two policies each (one of them unique to its table).
const BenchTables = 10000

// BigCatalog creates, in the database at url, n tenant tables with an
// index, row level security, a tenant policy and a membership policy each.
func BigCatalog(tb testing.TB, url string, n int) {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE orgs (id uuid PRIMARY KEY, name text NOT NULL);
CREATE TABLE members (org_id uuid NOT NULL REFERENCES orgs (id), user_id uuid NOT NULL, PRIMARY KEY (org_id, user_id));
CREATE FUNCTION current_org() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT current_setting('app.current_tenant')::uuid $$;`); err != nil {
		tb.Fatal(err)
	}
	const chunk = 250
	for start := 0; start < n; start += chunk {
		var b strings.Builder
		for i := start; i < start+chunk && i < n; i++ {
			fmt.Fprintf(&b, `CREATE TABLE t%[1]d (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id uuid NOT NULL, title text, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX t%[1]d_org_idx ON t%[1]d (org_id);
ALTER TABLE t%[1]d ENABLE ROW LEVEL SECURITY;
ALTER TABLE t%[1]d FORCE ROW LEVEL SECURITY;
CREATE POLICY t%[1]d_tenant ON t%[1]d USING (org_id = current_org()) WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);
CREATE POLICY t%[1]d_member ON t%[1]d FOR SELECT USING (EXISTS (SELECT 1 FROM members m WHERE m.org_id = t%[1]d.org_id AND m.user_id = current_setting('app.user_id')::uuid AND t%[1]d.title IS NOT NULL));
`, i)
		}
		if _, err := conn.Exec(ctx, b.String()); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkInspect10kTables connects, reads a catalog of 10,000 tenant
// tables and 20,000 policies and runs every rule on it: what `tenantguard
// inspect` does before writing the report. It reports the number of
// queries sent (connecting sends none).
//
//	go test ./lint/introspect -run '^$' -bench Inspect10k -benchtime 3x
func BenchmarkInspect10kTables(b *testing.B) {
	// b.Loop runs the benchmark function once: the database is built once.
	url := pgtest.NewDB(b)
	start := time.Now()
	BigCatalog(b, url, BenchTables)
	b.Logf("built %d tables, %d policies in %s", BenchTables, 2*BenchTables, time.Since(start).Round(time.Second))

	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		b.Fatal(err)
	}
	counter := &queryCounter{}
	cfg.Tracer = counter
	ctx := context.Background()
	lcfg := lint.DefaultConfig()
	var findings, tables, policies, n int
	var readTime, ruleTime time.Duration
	for b.Loop() {
		// A new connection each time, as the command: its server process
		// starts with cold caches.
		n++
		counter.queries.Store(0)
		t0 := time.Now()
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		cat, err := introspect.Read(ctx, conn, introspect.Options{StatementTimeout: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		conn.Close(ctx)
		t1 := time.Now()
		res := lint.Run(cat, &lcfg, rules.All())
		readTime += t1.Sub(t0)
		ruleTime += time.Since(t1)
		findings, tables, policies = len(res.Findings), len(cat.Tables()), 0
		for _, t := range cat.Tables() {
			policies += len(t.Policies)
		}
	}
	if tables != BenchTables+2 || policies != 2*BenchTables {
		b.Fatalf("read %d tables, %d policies", tables, policies)
	}
	b.ReportMetric(float64(counter.queries.Load()), "queries/op")
	b.ReportMetric(float64(readTime.Milliseconds())/float64(n), "read-ms/op")
	b.ReportMetric(float64(ruleTime.Milliseconds())/float64(n), "rules-ms/op")
	b.Logf("%d findings", findings)
}
