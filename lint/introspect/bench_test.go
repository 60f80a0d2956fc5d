package introspect_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/lint/introspect/introspecttest"
	"github.com/tenantguard/tenantguard/rules"
)

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
	introspecttest.BigCatalog(b, url, introspecttest.BenchTables)
	b.Logf("built %d tables, %d policies in %s", introspecttest.BenchTables, 2*introspecttest.BenchTables, time.Since(start).Round(time.Second))

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
	if tables != introspecttest.BenchTables+2 || policies != 2*introspecttest.BenchTables {
		b.Fatalf("read %d tables, %d policies", tables, policies)
	}
	b.ReportMetric(float64(counter.queries.Load()), "queries/op")
	b.ReportMetric(float64(readTime.Milliseconds())/float64(n), "read-ms/op")
	b.ReportMetric(float64(ruleTime.Milliseconds())/float64(n), "rules-ms/op")
	b.Logf("%d findings", findings)
}
