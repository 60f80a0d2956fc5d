// Package benchcorpus writes a synthetic migration history for speed
// measurements: a multi-tenant schema that grows over a couple of thousand
// golang-migrate files (tables, indexes, row level security, policies,
// functions, views, grants, column changes and renames) with seed data in
// between (INSERT with many VALUES rows, COPY ... FROM stdin blocks,
// UPDATE and DELETE). The same seed always gives the same bytes, so the
// benchmark and scripts/bench-vs-squawk.sh measure the same corpus
// without committing it.
package benchcorpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Options size the corpus.
type Options struct {
	// Seed selects the corpus; the same seed and sizes give the same files.
	Seed uint64
	// Files is the number of migration files (default 2,000).
	Files int
	// Bytes is the approximate total size (default 10 MB).
	Bytes int
	// NoCopy writes seed data as INSERTs only, without psql's COPY ...
	// FROM stdin data blocks, for linters that read those lines as SQL.
	NoCopy bool
}

// Stats describe a written corpus.
type Stats struct {
	Files int
	Bytes int64
	// DataFiles is the number of files holding seed data.
	DataFiles int
	// Tables is the number of tables created.
	Tables int
}

// Default sizes: about 10 MB in 2,000 files.
const (
	DefaultFiles = 2000
	DefaultBytes = 10 << 20
)

// File is one generated migration.
type File struct {
	Name    string
	Content []byte
}

// Write generates the corpus into dir (created if missing) and returns
// what it wrote.
func Write(dir string, opts Options) (Stats, error) {
	files, st := Generate(opts)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, fmt.Errorf("benchcorpus: %w", err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Content, 0o644); err != nil {
			return st, fmt.Errorf("benchcorpus: %w", err)
		}
	}
	return st, nil
}

// Generate returns the corpus in apply order.
func Generate(opts Options) ([]File, Stats) {
	if opts.Files <= 0 {
		opts.Files = DefaultFiles
	}
	if opts.Bytes <= 0 {
		opts.Bytes = DefaultBytes
	}
	g := &gen{rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), tableIDs: map[string]int{}, noCopy: opts.NoCopy}
	var files []File
	var st Stats
	// Spread the bytes: data files (one in three) carry about half of
	// them in fewer, larger files, as seed and backfill migrations do.
	// The budgets allow for the last statement written past them (a
	// policy block, a VALUES list) and for the larger data files.
	nData := opts.Files / 3
	ddlBudget := opts.Bytes/2/(opts.Files-nData) - 300
	dataBudget := (opts.Bytes/2/max(nData, 1) - 4000) * 10 / 13
	for i := 1; i <= opts.Files; i++ {
		var name, body string
		switch {
		case i == 1:
			name, body = "tenancy", g.tenancy()
		case i%3 == 0 && len(g.tables) > 0:
			name, body = g.dataFile(dataBudget)
			st.DataFiles++
		default:
			name, body = g.ddlFile(ddlBudget)
		}
		f := File{Name: fmt.Sprintf("%06d_%s.up.sql", i, name), Content: []byte(body)}
		files = append(files, f)
		st.Files++
		st.Bytes += int64(len(f.Content))
	}
	st.Tables = g.created
	return files, st
}

type table struct {
	name    string
	schema  string
	cols    []column
	tenant  bool
	dropped bool
}

type column struct {
	name, typ string
}

// qn is how a statement names t: unqualified in public, unless the file
// sets its own search_path.
func (g *gen) qn(t *table) string {
	if t.schema == "public" && !g.qualify {
		return t.name
	}
	return t.schema + "." + t.name
}

type gen struct {
	rng      *rand.Rand
	tables   []*table
	tableIDs map[string]int
	created  int
	funcs    int
	views    int
	checks   int
	// qualify is set while a file with its own search_path is written.
	qualify bool
	noCopy  bool
}

var nouns = []string{"project", "task", "invoice", "payment", "comment", "document", "member", "team",
	"label", "milestone", "report", "event", "webhook", "subscription", "usage", "audit", "note",
	"attachment", "customer", "order", "shipment", "ticket", "message", "channel", "api_key"}

var colTypes = []string{"text", "integer", "bigint", "boolean", "timestamptz", "numeric(12,2)", "jsonb", "uuid", "varchar(200)", "date"}

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *gen) tenancy() string {
	var b strings.Builder
	b.WriteString(`-- The tenant root and the helpers every policy uses.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE SCHEMA IF NOT EXISTS app;
CREATE SCHEMA IF NOT EXISTS reporting;

CREATE TABLE tenants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    plan text NOT NULL DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION app.current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.current_tenant', true), '')::uuid $$;

CREATE ROLE app_user NOLOGIN;

INSERT INTO tenants (id, name) VALUES
    ('0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a01', 'Acme'), ('0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a02', 'Globex'),
    ('0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a03', 'Initech'), ('0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a04', 'Umbrella');
GRANT USAGE ON SCHEMA app TO app_user;
`)
	g.tables = append(g.tables, &table{name: "tenants", schema: "public", cols: []column{{"id", "uuid"}, {"name", "text"}, {"plan", "text"}}})
	return b.String()
}

// newTable names a table that does not exist yet.
func (g *gen) newTable() *table {
	base := g.pick(nouns) + "s"
	g.tableIDs[base]++
	name := base
	if n := g.tableIDs[base]; n > 1 {
		name = fmt.Sprintf("%s_%d", base, n)
	}
	schema := "public"
	if g.rng.IntN(8) == 0 {
		schema = "app"
	}
	t := &table{name: name, schema: schema, tenant: g.rng.IntN(10) != 0}
	t.cols = append(t.cols, column{"id", "bigint"})
	if t.tenant {
		t.cols = append(t.cols, column{"tenant_id", "uuid"})
	}
	for n := 2 + g.rng.IntN(8); n > 0; n-- {
		t.cols = append(t.cols, column{fmt.Sprintf("%s_%d", g.pick([]string{"title", "status", "amount", "data", "owner", "due", "kind", "ref"}), len(t.cols)), g.pick(colTypes)})
	}
	return t
}

// liveTable returns a random table still present, preferring tenant ones.
func (g *gen) liveTable() *table {
	for tries := 0; tries < 20; tries++ {
		t := g.tables[g.rng.IntN(len(g.tables))]
		if !t.dropped && t.name != "tenants" {
			return t
		}
	}
	return nil
}

func (g *gen) ddlFile(budget int) (string, string) {
	var b strings.Builder
	first := ""
	if g.rng.IntN(10) == 0 {
		// Names must not depend on the path: qualify every one.
		b.WriteString("SET search_path = app, public;\n")
		g.qualify = true
		defer func() { g.qualify = false }()
	}
	for b.Len() < budget {
		switch k := g.rng.IntN(20); {
		case k < 4 || len(g.tables) < 5:
			t := g.createTable(&b)
			if first == "" {
				first = "create_" + t.name
			}
		case k < 8:
			g.alterTable(&b)
		case k < 11:
			g.function(&b)
		case k < 13:
			g.view(&b)
		case k < 15:
			g.grants(&b)
		case k < 16:
			g.policyChange(&b)
		case k < 17:
			g.renameOrDrop(&b)
		default:
			g.index(&b)
		}
	}
	if first == "" {
		first = "alter_schema"
	}
	return first, b.String()
}

func (g *gen) createTable(b *strings.Builder) *table {
	t := g.newTable()
	g.tables = append(g.tables, t)
	g.created++
	q := g.qn(t)
	fmt.Fprintf(b, "\n-- %s: one row per %s, owned by a tenant.\nCREATE TABLE %s (\n", t.name, strings.TrimSuffix(t.name, "s"), q)
	for i, c := range t.cols {
		switch c.name {
		case "id":
			b.WriteString("    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
		case "tenant_id":
			b.WriteString("    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE")
		default:
			fmt.Fprintf(b, "    %s %s", c.name, c.typ)
			if g.rng.IntN(3) == 0 {
				b.WriteString(" NOT NULL")
			}
			if c.typ == "timestamptz" {
				b.WriteString(" DEFAULT now()")
			}
		}
		if i < len(t.cols)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString(");\n")
	if !t.tenant {
		return t
	}
	fmt.Fprintf(b, "CREATE INDEX %s_tenant_idx ON %s (tenant_id);\n", t.name, q)
	fmt.Fprintf(b, "ALTER TABLE %s ENABLE ROW LEVEL SECURITY;\n", q)
	if g.rng.IntN(4) != 0 {
		fmt.Fprintf(b, "ALTER TABLE %s FORCE ROW LEVEL SECURITY;\n", q)
	}
	fmt.Fprintf(b, "CREATE POLICY %s_isolation ON %s\n    USING (tenant_id = app.current_tenant())\n    WITH CHECK (tenant_id = app.current_tenant());\n", t.name, q)
	if g.rng.IntN(3) == 0 {
		fmt.Fprintf(b, "CREATE POLICY %s_read ON %s FOR SELECT TO app_user\n    USING (tenant_id = (SELECT current_setting('app.current_tenant')::uuid) OR %s IS NULL);\n", t.name, q, t.cols[len(t.cols)-1].name)
	}
	fmt.Fprintf(b, "GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO app_user;\n", q)
	return t
}

func (g *gen) alterTable(b *strings.Builder) {
	t := g.liveTable()
	if t == nil {
		return
	}
	q := g.qn(t)
	switch g.rng.IntN(5) {
	case 0, 1:
		c := column{fmt.Sprintf("extra_%d", len(t.cols)), g.pick(colTypes)}
		t.cols = append(t.cols, c)
		fmt.Fprintf(b, "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s %s;\n", q, c.name, c.typ)
	case 2:
		c := t.cols[len(t.cols)-1]
		if c.name != "tenant_id" && c.name != "id" {
			fmt.Fprintf(b, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT NULL, ALTER COLUMN %s DROP NOT NULL;\n", q, c.name, c.name)
		}
	case 3:
		g.checks++
		fmt.Fprintf(b, "ALTER TABLE %s ADD CONSTRAINT %s_check_%d CHECK (id > 0);\n", q, t.name, g.checks)
	default:
		fmt.Fprintf(b, "COMMENT ON TABLE %s IS 'Rows of one tenant; see the handbook, section %d.';\n", q, g.rng.IntN(100))
	}
}

func (g *gen) function(b *strings.Builder) {
	t := g.liveTable()
	if t == nil || !t.tenant {
		return
	}
	g.funcs++
	name := fmt.Sprintf("app.%s_count_%d", t.name, g.funcs)
	if g.rng.IntN(2) == 0 {
		fmt.Fprintf(b, `CREATE OR REPLACE FUNCTION %s(p_tenant uuid) RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp
AS $function$
DECLARE
    n bigint;
BEGIN
    SELECT count(*) INTO n FROM %s WHERE tenant_id = p_tenant; -- scoped; no leak
    IF n > 1000 THEN
        RAISE NOTICE 'large tenant %%: %%', p_tenant, n;
    END IF;
    RETURN n;
END;
$function$;
`, name, g.qn(t))
	} else {
		fmt.Fprintf(b, "CREATE FUNCTION %s(p_tenant uuid) RETURNS bigint LANGUAGE sql STABLE\n    RETURN (SELECT count(*) FROM %s WHERE tenant_id = p_tenant);\n", name, g.qn(t))
	}
	fmt.Fprintf(b, "REVOKE ALL ON FUNCTION %s(uuid) FROM PUBLIC;\nGRANT EXECUTE ON FUNCTION %s(uuid) TO app_user;\n", name, name)
}

func (g *gen) view(b *strings.Builder) {
	t := g.liveTable()
	if t == nil {
		return
	}
	g.views++
	cols := []string{}
	for _, c := range t.cols {
		if len(cols) < 4 {
			cols = append(cols, "x."+c.name)
		}
	}
	if g.rng.IntN(4) == 0 {
		fmt.Fprintf(b, "CREATE MATERIALIZED VIEW reporting.%s_stats_%d AS\n    SELECT %s, count(*) AS n FROM %s x GROUP BY %s;\n",
			t.name, g.views, strings.Join(cols, ", "), g.qn(t), strings.Join(cols, ", "))
		return
	}
	fmt.Fprintf(b, "CREATE OR REPLACE VIEW %s_v%d WITH (security_invoker = true) AS\n    SELECT %s FROM %s x\n    WHERE x.id IN (SELECT id FROM %s WHERE id > 0);\n",
		t.name, g.views, strings.Join(cols, ", "), g.qn(t), g.qn(t))
}

func (g *gen) grants(b *strings.Builder) {
	t := g.liveTable()
	if t == nil {
		return
	}
	switch g.rng.IntN(3) {
	case 0:
		fmt.Fprintf(b, "GRANT SELECT ON %s TO app_user;\nREVOKE INSERT ON %s FROM PUBLIC;\n", g.qn(t), g.qn(t))
	case 1:
		fmt.Fprintf(b, "GRANT SELECT (id, %s) ON %s TO app_user;\n", t.cols[len(t.cols)-1].name, g.qn(t))
	default:
		fmt.Fprintf(b, "ALTER TABLE %s OWNER TO postgres;\n", g.qn(t))
	}
}

func (g *gen) policyChange(b *strings.Builder) {
	t := g.liveTable()
	if t == nil || !t.tenant {
		return
	}
	fmt.Fprintf(b, "DROP POLICY IF EXISTS %s_isolation ON %s;\nCREATE POLICY %s_isolation ON %s AS PERMISSIVE FOR ALL TO app_user\n    USING (tenant_id = app.current_tenant())\n    WITH CHECK (tenant_id = app.current_tenant());\n",
		t.name, g.qn(t), t.name, g.qn(t))
}

func (g *gen) renameOrDrop(b *strings.Builder) {
	t := g.liveTable()
	if t == nil {
		return
	}
	switch g.rng.IntN(3) {
	case 0:
		old := g.qn(t)
		t.name += "_v2"
		fmt.Fprintf(b, "ALTER TABLE %s RENAME TO %s;\n", old, t.name)
	case 1:
		c := &t.cols[len(t.cols)-1]
		if c.name == "tenant_id" || c.name == "id" {
			return
		}
		old := c.name
		c.name += "_renamed"
		fmt.Fprintf(b, "ALTER TABLE %s RENAME COLUMN %s TO %s;\n", g.qn(t), old, c.name)
	default:
		if g.rng.IntN(4) != 0 {
			return
		}
		t.dropped = true
		fmt.Fprintf(b, "DROP TABLE IF EXISTS %s CASCADE;\n", g.qn(t))
	}
}

func (g *gen) index(b *strings.Builder) {
	t := g.liveTable()
	if t == nil {
		return
	}
	c := t.cols[len(t.cols)-1]
	if t.tenant {
		fmt.Fprintf(b, "CREATE INDEX CONCURRENTLY IF NOT EXISTS %s_%s_idx ON %s (tenant_id, %s);\n", t.name, c.name, g.qn(t), c.name)
	} else {
		fmt.Fprintf(b, "CREATE INDEX IF NOT EXISTS %s_%s_idx ON %s (%s) WHERE %s IS NOT NULL;\n", t.name, c.name, g.qn(t), c.name, c.name)
	}
}

// dataFile writes seed or backfill data into tables that exist.
func (g *gen) dataFile(budget int) (string, string) {
	var b strings.Builder
	t := g.liveTable()
	if t == nil {
		return "noop", "SELECT 1;\n"
	}
	name := "seed_" + t.name
	b.WriteString("-- Seed data; generated.\nBEGIN;\n")
	// Vary file sizes: most near the budget, a few several times larger.
	if g.rng.IntN(10) == 0 {
		budget *= 4
	} else {
		budget = budget/2 + g.rng.IntN(budget)
	}
	for b.Len() < budget {
		t = g.liveTable()
		if t == nil {
			break
		}
		switch g.rng.IntN(4) {
		case 0, 1:
			g.insert(&b, t)
		case 2:
			if g.noCopy {
				g.insert(&b, t)
			} else {
				g.copyBlock(&b, t)
			}
		default:
			g.updates(&b, t)
		}
	}
	b.WriteString("COMMIT;\n")
	return name, b.String()
}

// tenantIDs are the tenants the first migration creates; seed rows
// belong to them (their foreign keys hold).
var tenantIDs = []string{
	"0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a01", "0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a02",
	"0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a03", "0b7e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a04",
}

// value is a literal for a column of a seed row.
func (g *gen) value(c column, row int) string {
	if c.name == "tenant_id" {
		return "'" + tenantIDs[row%len(tenantIDs)] + "'"
	}
	switch c.typ {
	case "integer", "bigint":
		return fmt.Sprint(g.rng.IntN(1_000_000))
	case "boolean":
		return []string{"true", "false"}[row%2]
	case "timestamptz":
		return fmt.Sprintf("'2024-%02d-%02d 12:%02d:00+00'", 1+row%12, 1+row%28, row%60)
	case "numeric(12,2)":
		return fmt.Sprintf("%d.%02d", g.rng.IntN(100000), g.rng.IntN(100))
	case "jsonb":
		return fmt.Sprintf(`'{"k": %d, "note": "it''s; fine"}'`, row)
	case "uuid":
		return fmt.Sprintf("'%08x-0000-4000-8000-%012x'", g.rng.Uint32(), row)
	case "date":
		return fmt.Sprintf("'2024-%02d-%02d'", 1+row%12, 1+row%28)
	}
	return fmt.Sprintf("'%s %d; %s'", g.pick(nouns), row, g.pick([]string{"ok", "it''s", "a\\b", "ünï", "x -- y"}))
}

func dataCols(t *table) []column {
	var out []column
	for _, c := range t.cols {
		if c.name != "id" {
			out = append(out, c)
		}
	}
	return out
}

func (g *gen) insert(b *strings.Builder, t *table) {
	cols := dataCols(t)
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	fmt.Fprintf(b, "INSERT INTO %s (%s) VALUES\n", g.qn(t), strings.Join(names, ", "))
	rows := 10 + g.rng.IntN(50)
	for r := 0; r < rows; r++ {
		b.WriteString("    (")
		for i, c := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(g.value(c, r))
		}
		b.WriteString(")")
		if r < rows-1 {
			b.WriteString(",\n")
		}
	}
	b.WriteString("\nON CONFLICT DO NOTHING;\n")
}

func (g *gen) copyBlock(b *strings.Builder, t *table) {
	cols := dataCols(t)
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	fmt.Fprintf(b, "COPY %s (%s) FROM stdin;\n", g.qn(t), strings.Join(names, ", "))
	rows := 10 + g.rng.IntN(80)
	for r := 0; r < rows; r++ {
		for i, c := range cols {
			if i > 0 {
				b.WriteByte('\t')
			}
			v := strings.Trim(g.value(c, r), "'")
			b.WriteString(strings.ReplaceAll(v, "''", "'"))
		}
		b.WriteByte('\n')
	}
	b.WriteString("\\.\n")
}

func (g *gen) updates(b *strings.Builder, t *table) {
	cols := dataCols(t)
	c := cols[len(cols)-1]
	for n := 5 + g.rng.IntN(20); n > 0; n-- {
		if g.rng.IntN(8) == 0 {
			fmt.Fprintf(b, "DELETE FROM %s WHERE id = %d;\n", g.qn(t), g.rng.IntN(100000))
			continue
		}
		fmt.Fprintf(b, "UPDATE %s SET %s = %s WHERE id = %d;\n", g.qn(t), c.name, g.value(c, n), g.rng.IntN(100000))
	}
}
