package introspect_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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
	c.sql = append(c.sql, strings.Join(strings.Fields(data.SQL), " "))
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *queryCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (c *queryCounter) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	c.queries.Add(1)
	c.sql = append(c.sql, strings.Join(strings.Fields(data.SQL), " "))
}

func (c *queryCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// countQueries reads the catalog of the database at url through a
// counting tracer, and returns the number of statements sent and their
// texts.
func countQueries(t *testing.T, url string, opts introspect.Options) (int64, []string) {
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
	cat, err := introspect.Read(context.Background(), conn, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Tables()) == 0 {
		t.Fatal("read no table")
	}
	return counter.queries.Load(), counter.sql
}

// schemaOfSize is n tenant tables, each with an index, row level
// security, two policies, a view, a function and a grant; with clash, one
// more table whose policy cannot take the text printed for the others
// (it is named like a relation the policy reads) and is printed on its
// own.
func schemaOfSize(n int, clash bool) string {
	var b strings.Builder
	b.WriteString("CREATE TABLE members (org_id uuid, user_id uuid);\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `CREATE TABLE t%[1]d (id bigserial PRIMARY KEY, org_id uuid NOT NULL, body text);
CREATE INDEX ON t%[1]d (org_id);
ALTER TABLE t%[1]d ENABLE ROW LEVEL SECURITY;
CREATE POLICY p%[1]d ON t%[1]d USING (org_id = current_setting('app.current_tenant')::uuid);
CREATE POLICY q%[1]d ON t%[1]d FOR SELECT USING (EXISTS (SELECT 1 FROM public.members WHERE members.org_id = t%[1]d.org_id));
CREATE VIEW v%[1]d AS SELECT * FROM t%[1]d;
CREATE FUNCTION f%[1]d(p uuid) RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM t%[1]d WHERE org_id = p';
GRANT SELECT ON t%[1]d TO PUBLIC;
GRANT SELECT (body) ON t%[1]d TO PUBLIC;
`, i)
	}
	if clash {
		b.WriteString(`CREATE SCHEMA other;
CREATE TABLE other.members (id bigint NOT NULL, org_id uuid NOT NULL, body text);
ALTER TABLE other.members ENABLE ROW LEVEL SECURITY;
CREATE POLICY q ON other.members FOR SELECT USING (EXISTS (SELECT 1 FROM public.members WHERE public.members.org_id = other.members.org_id));
`)
	}
	return b.String()
}

// The number of queries does not grow with the number of tables,
// policies, views or functions: one per kind of object, in one read-only
// transaction with the statement timeout set.
func TestReadQueryCountIsFixed(t *testing.T) {
	for _, clash := range []bool{false, true} {
		t.Run(fmt.Sprintf("clash=%v", clash), func(t *testing.T) {
			var counts []int64
			for _, n := range []int{2, 80} {
				url := pgtest.NewDB(t)
				if _, err := connect(t, url).Exec(context.Background(), schemaOfSize(n, clash)); err != nil {
					t.Fatal(err)
				}
				count, sql := countQueries(t, url, introspect.Options{StatementTimeout: 7 * time.Second})
				t.Logf("%d tables: %d queries: %v", n, count, sql)
				counts = append(counts, count)
				if len(sql) < 3 || !strings.HasPrefix(sql[0], "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY") ||
					!strings.Contains(sql[1], "SET LOCAL statement_timeout = 7000") || sql[len(sql)-1] != "ROLLBACK" {
					t.Errorf("not one read-only transaction with the statement timeout: %q", sql)
				}
			}
			if counts[0] != counts[1] {
				t.Errorf("%d queries for 2 tables, %d for 80", counts[0], counts[1])
			}
			// BEGIN, settings, 11 kinds of object, the policies printed
			// once per group (and the copies that could not be renamed),
			// ROLLBACK.
			want := int64(15)
			if clash {
				want++
			}
			if counts[1] != want {
				t.Errorf("%d queries, want %d", counts[1], want)
			}
		})
	}
}
