// Package introspecttest builds large catalogs for the benchmarks of
// `tenantguard inspect` (lint/introspect's, and the built binary's in
// cmd/tenantguard).
package introspecttest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// BenchTables is the size of the benchmark database: this many tenant
// tables with two policies each.
const BenchTables = 10000

// BigCatalog creates, in the database at url, the tenant root orgs, a
// membership table, and n tenant tables, each with an index, row level
// security (enabled and forced), a tenant policy and a membership policy
// that names its own table: 2n policies. The catalogs are vacuumed.
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
	// As autovacuum would have done on a real server (test servers run
	// without it): catalogs full of dead rows from the DDL above would
	// make every catalog read slower than any deployed database.
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		tb.Fatal(err)
	}
}
