package introspect_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint/introspect"
)

// queryCounter is a pgx tracer that counts the statements sent.
type queryCounter struct {
	queries atomic.Int64
	sql     []string
}

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	c.queries.Add(1)
	c.sql = append(c.sql, strings.Fields(data.SQL)[0])
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *queryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (c *queryCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	c.queries.Add(1)
}

func (c *queryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// countQueries reads the catalog of the database at url through a
// counting tracer.
func countQueries(t *testing.T, url string) (int64, []string) {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	counter := &queryCounter{}
	cfg.Tracer = counter
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := introspect.Read(context.Background(), conn, introspect.Options{}); err != nil {
		t.Fatal(err)
	}
	return counter.queries.Load(), counter.sql
}

// The number of queries does not grow with the number of tables,
// policies, views or functions.
func TestReadQueryCountIsFixed(t *testing.T) {
	small := catalogDB(t)
	few, sqlFew := countQueries(t, small)

	big := pgtest.NewDB(t)
	conn := connect(t, big)
	var b strings.Builder
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, `CREATE TABLE t%d (id bigserial PRIMARY KEY, org_id uuid NOT NULL, body text);
CREATE INDEX ON t%d (org_id);
ALTER TABLE t%d ENABLE ROW LEVEL SECURITY;
CREATE POLICY p%d ON t%d USING (org_id = current_setting('app.current_tenant')::uuid);
CREATE POLICY q%d ON t%d FOR INSERT WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);
CREATE VIEW v%d AS SELECT * FROM t%d;
CREATE FUNCTION f%d(p uuid) RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM t%d WHERE org_id = p';
GRANT SELECT ON t%d TO PUBLIC;
`, i, i, i, i, i, i, i, i, i, i, i, i)
	}
	if _, err := conn.Exec(context.Background(), b.String()); err != nil {
		t.Fatal(err)
	}
	many, sqlMany := countQueries(t, big)
	if few != many {
		t.Errorf("%d queries for a small catalog, %d for one with 60 more tables:\n%v\n%v", few, many, sqlFew, sqlMany)
	}
	// BEGIN, settings, one query per kind of object, ROLLBACK.
	if many > 16 {
		t.Errorf("%d queries: %v", many, sqlMany)
	}
	t.Logf("%d queries: %v", many, sqlMany)
}
