package probe_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/probe"
)

// benchSchema creates n tenant tables, each with rows of three tenants,
// an index on the tenant column and a correct policy.
const benchSchema = `
CREATE ROLE %[2]s NOLOGIN;
CREATE TABLE orgs (id uuid PRIMARY KEY, name text NOT NULL);
INSERT INTO orgs SELECT ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'org ' || i FROM generate_series(1, 3) i;
DO $$
BEGIN
    FOR i IN 1..%[1]d LOOP
        EXECUTE format($f$
            CREATE TABLE t%%1$s (id bigserial PRIMARY KEY, org_id uuid NOT NULL REFERENCES orgs (id), body text NOT NULL);
            CREATE INDEX ON t%%1$s (org_id);
            INSERT INTO t%%1$s (org_id, body) SELECT o.id, 'row ' || g FROM orgs o, generate_series(1, %[3]d) g;
            ALTER TABLE t%%1$s ENABLE ROW LEVEL SECURITY;
            ALTER TABLE t%%1$s FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant ON t%%1$s USING (org_id = current_setting('app.current_tenant')::uuid);
            GRANT SELECT, INSERT, UPDATE, DELETE ON t%%1$s TO %[2]s;
        $f$, i);
    END LOOP;
END $$;
ANALYZE;
`

// BenchmarkProbe1000Tables probes 1,000 tenant tables of 30 rows each
// (the catalog read included): go test -run '^$' -bench Probe1000 ./probe
func BenchmarkProbe1000Tables(b *testing.B) {
	benchmarkProbe(b, 1000, 10)
}

// BenchmarkProbeRowCount probes 20 tables of 30 rows, then 20 tables of
// 300,000 rows: the time per table should not change.
func BenchmarkProbeRowCount(b *testing.B) {
	for _, rows := range []int{10, 100000} {
		b.Run(fmt.Sprintf("rows=%d", 3*rows), func(b *testing.B) { benchmarkProbe(b, 20, rows) })
	}
}

func benchmarkProbe(b *testing.B, tables, rowsPerTenant int) {
	url := pgtest.NewDB(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	role := fmt.Sprintf("tg_bench_%d_%d", tables, time.Now().UnixNano()%1e9)
	if _, err := conn.Exec(ctx, fmt.Sprintf(benchSchema, tables, role, rowsPerTenant)); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_, _ = conn.Exec(context.Background(), "DROP OWNED BY "+role+"; DROP ROLE "+role)
	})
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		b.Fatal(err)
	}
	cfg := lint.DefaultConfig()
	cfg.Probe.Role = role
	cfg.Probe.TenantSetting = "app.current_tenant"
	var probing time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cat, err := introspect.Read(ctx, conn, introspect.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res, err := probe.Run(ctx, cc, probe.Options{Config: &cfg, Catalog: cat})
		probing += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if res.Tables != tables || len(res.Findings) != 0 || len(res.NotProbed) != 0 {
			b.Fatalf("probed %d tables, %d findings, not probed %v", res.Tables, len(res.Findings), res.NotProbed)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*tables), "ms/table")
	b.ReportMetric(probing.Seconds()/float64(b.N), "s-probe/op")
}
