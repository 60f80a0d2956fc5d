package ddl

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// replaySQL replays one file per argument (1.sql, 2.sql, ...) and fails
// the test on a parse error: these tests are about replay.
func replaySQL(t *testing.T, files ...string) *model.Catalog {
	t.Helper()
	var fs []*source.File
	for i, src := range files {
		fs = append(fs, source.NewFile(fmt.Sprintf("%d.sql", i+1), []byte(src)))
	}
	cat := Load(fs)
	for _, d := range cat.Diagnostics {
		if d.Kind == model.ParseError {
			t.Fatalf("parse error at %s: %s", dumpSpan(d.Span), d.Message)
		}
	}
	return cat
}

func qn(s string) model.QName {
	schema, name, _ := strings.Cut(s, ".")
	return model.QName{Schema: schema, Name: name}
}

func mustTable(t *testing.T, cat *model.Catalog, name string) *model.Table {
	t.Helper()
	tb := cat.Table(qn(name))
	if tb == nil {
		t.Fatalf("no table %s; tables: %v", name, dumpTableNames(cat))
	}
	return tb
}

// at renders where a span starts: "2.sql:3:1", or "-".
func at(s source.Span) string {
	if !s.IsValid() {
		return "-"
	}
	p := s.StartPos()
	return fmt.Sprintf("%s:%d:%d", s.Path(), p.Line, p.Column)
}

func columnNames(tb *model.Table) []string {
	var out []string
	for _, c := range tb.Columns {
		out = append(out, c.Name)
	}
	return out
}

func indexSummary(tb *model.Table) []string {
	var out []string
	for _, ix := range tb.Indexes {
		s := ix.Schema + "." + ix.Name + "(" + strings.Join(ix.Columns, ",") + ")"
		if ix.Primary {
			s += " primary"
		} else if ix.Unique {
			s += " unique"
		}
		if ix.Partial {
			s += " partial"
		}
		out = append(out, s)
	}
	return out
}

func constraintSummary(tb *model.Table) []string {
	var out []string
	for _, c := range tb.Constraints {
		s := fmt.Sprintf("%s %s(%s)", c.Name, c.Kind, strings.Join(c.Columns, ","))
		if c.Kind == model.ForeignKey {
			s += " -> " + c.RefTable.String() + "(" + strings.Join(c.RefColumns, ",") + ")"
		}
		out = append(out, s)
	}
	return out
}

func noteMessages(cat *model.Catalog) []string {
	var out []string
	for _, n := range cat.Notes {
		out = append(out, at(n.Span)+" "+n.Message)
	}
	return out
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s\n got: %q\nwant: %q", what, got, want)
	}
}

func TestReplayCreateTable(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE t (
    id     serial PRIMARY KEY,
    org_id uuid NOT NULL,
    n      int4 NULL DEFAULT 1 + 1,
    name   varchar(20),
    tags   text[],
    at     timestamptz DEFAULT now()
);
CREATE TABLE IF NOT EXISTS t (other int);
CREATE TEMP TABLE scratch (org_id uuid);
CREATE UNLOGGED TABLE public."Mixed Case" ("Org_Id" uuid);
`)
	tb := mustTable(t, cat, "public.t")
	equal(t, "columns (IF NOT EXISTS keeps the first table)", columnNames(tb), []string{"id", "org_id", "n", "name", "tags", "at"})
	if at(tb.Span) != "1.sql:2:1" {
		t.Errorf("table span at %s", at(tb.Span))
	}
	types := map[string]string{"id": "integer", "org_id": "uuid", "n": "integer", "name": "character varying", "tags": "text[]", "at": "timestamp with time zone"}
	for col, typ := range types {
		if c := tb.Column(col); c == nil || c.Type != typ {
			t.Errorf("column %s: %+v, want type %s", col, c, typ)
		}
	}
	id, org, n := tb.Column("id"), tb.Column("org_id"), tb.Column("n")
	if !id.Generated || !id.NotNull {
		t.Errorf("serial id: %+v, want generated and NOT NULL", id)
	}
	if !org.NotNull || at(org.NotNullAt) != "1.sql:4:17" || at(org.Span) != "1.sql:4:5" {
		t.Errorf("org_id: notnull %v at %s, column at %s", org.NotNull, at(org.NotNullAt), at(org.Span))
	}
	if n.NotNull || n.Default != "1 + 1" {
		t.Errorf("n: %+v", n)
	}
	if s := cat.Table(qn("pg_temp.scratch")); s == nil || !s.Temporary {
		t.Errorf("temporary table: %+v", s)
	}
	if cat.Table(qn("public.scratch")) != nil {
		t.Error("temporary table also in public")
	}
	if m := cat.Table(qn("public.Mixed Case")); m == nil || m.Column("Org_Id") == nil {
		t.Errorf("quoted names must keep case and spaces: %v", dumpTableNames(cat))
	}
}

func TestReplayDropTable(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE a (id int);
CREATE TABLE b (id int);
CREATE TABLE c (id int);
DROP TABLE IF EXISTS a, public.b, nope CASCADE;
DROP TABLE missing;
`)
	equal(t, "tables", dumpTableNames(cat), []string{"public.c"})
}

func TestReplayColumns(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE t (id int, org_id uuid, old text);
CREATE INDEX t_old_idx ON t (old);
ALTER TABLE t ADD COLUMN note text NOT NULL DEFAULT '', ADD COLUMN IF NOT EXISTS id bigint;
ALTER TABLE t DROP COLUMN old;
ALTER TABLE t ALTER COLUMN id TYPE bigint USING id::bigint;
ALTER TABLE t ALTER COLUMN org_id SET NOT NULL;
ALTER TABLE t ALTER note DROP NOT NULL;
ALTER TABLE t ALTER COLUMN note SET DEFAULT 'x';
ALTER TABLE t RENAME COLUMN note TO body;
ALTER TABLE t RENAME id TO key;
`)
	tb := mustTable(t, cat, "public.t")
	equal(t, "columns", columnNames(tb), []string{"key", "org_id", "body"})
	equal(t, "indexes (dropped with their column)", indexSummary(tb), nil)
	if c := tb.Column("key"); c.Type != "bigint" {
		t.Errorf("key type %q, want bigint (ADD COLUMN IF NOT EXISTS must not replace it)", c.Type)
	}
	if c := tb.Column("org_id"); !c.NotNull || at(c.NotNullAt) != "1.sql:7:1" {
		t.Errorf("org_id NOT NULL %v at %s, want true at 1.sql:7:1", c.NotNull, at(c.NotNullAt))
	}
	if c := tb.Column("body"); c.NotNull || at(c.NotNullAt) != "1.sql:8:1" || c.Default != "'x'" {
		t.Errorf("body: NOT NULL %v at %s, default %q", c.NotNull, at(c.NotNullAt), c.Default)
	}
}

func TestReplayColumnRenameFollowsKeysAndPolicies(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE t (owner_org uuid NOT NULL, id int, PRIMARY KEY (owner_org, id));
CREATE INDEX t_org ON t (owner_org);
CREATE POLICY p ON t USING (owner_org = current_setting('app.org')::uuid);
ALTER TABLE t RENAME COLUMN owner_org TO org_id;
`)
	tb := mustTable(t, cat, "public.t")
	equal(t, "indexes", indexSummary(tb), []string{"public.t_pkey(org_id,id) primary", "public.t_org(org_id)"})
	equal(t, "constraints", constraintSummary(tb), []string{"t_pkey PRIMARY KEY(org_id,id)"})
	if got := tb.Policy("p").Using.String(); got != "org_id = current_setting('app.org')::uuid" {
		t.Errorf("policy USING = %s", got)
	}
}

func TestReplayRLSSwitches(t *testing.T) {
	cat := replaySQL(t, `CREATE TABLE t (org_id uuid);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
ALTER TABLE t FORCE ROW LEVEL SECURITY;
`, `ALTER TABLE t NO FORCE ROW LEVEL SECURITY;
ALTER TABLE ONLY public.t DISABLE ROW LEVEL SECURITY;
`, `ALTER TABLE t ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
ALTER TABLE t DISABLE ROW LEVEL SECURITY;
`)
	tb := mustTable(t, cat, "public.t")
	// Enable and force are independent, each with the statement that set
	// it last.
	if tb.RLS.Enabled || at(tb.RLS.EnabledAt) != "3.sql:2:1" {
		t.Errorf("enabled %v at %s, want false at 3.sql:2:1", tb.RLS.Enabled, at(tb.RLS.EnabledAt))
	}
	if !tb.RLS.Forced || at(tb.RLS.ForcedAt) != "3.sql:1:1" {
		t.Errorf("forced %v at %s, want true at 3.sql:1:1", tb.RLS.Forced, at(tb.RLS.ForcedAt))
	}
	var hist []string
	for _, h := range tb.RLS.History {
		hist = append(hist, string(h.Action)+" "+at(h.At))
	}
	equal(t, "history", hist, []string{
		"ENABLE ROW LEVEL SECURITY 1.sql:2:1",
		"FORCE ROW LEVEL SECURITY 1.sql:3:1",
		"NO FORCE ROW LEVEL SECURITY 2.sql:1:1",
		"DISABLE ROW LEVEL SECURITY 2.sql:2:1",
		"ENABLE ROW LEVEL SECURITY 3.sql:1:1",
		"FORCE ROW LEVEL SECURITY 3.sql:1:1",
		"DISABLE ROW LEVEL SECURITY 3.sql:2:1",
	})
}

func TestReplayRenameTable(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE projects (id int, org_id uuid REFERENCES orgs (id));
CREATE INDEX projects_org ON projects (org_id);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON projects USING (org_id = current_setting('app.org')::uuid AND org_id IN (SELECT id FROM orgs));
CREATE VIEW v AS SELECT * FROM projects;
ALTER TABLE orgs RENAME TO organizations;
ALTER TABLE IF EXISTS projects RENAME TO workspaces;
DROP INDEX projects_org;
`)
	equal(t, "tables", dumpTableNames(cat), []string{"public.organizations", "public.workspaces"})
	w := mustTable(t, cat, "public.workspaces")
	if !w.RLS.Enabled || w.Policy("p") == nil || w.Policy("p").Table != qn("public.workspaces") {
		t.Errorf("RLS and policies must follow a renamed table: %+v", w.RLS)
	}
	equal(t, "indexes (DROP INDEX finds it under its own name)", indexSummary(w), nil)
	equal(t, "foreign keys follow the referenced table", constraintSummary(w),
		[]string{"projects_org_id_fkey FOREIGN KEY(org_id) -> public.organizations(id)"})
	if v := cat.View(qn("public.v")); v == nil || !slices.Equal(v.Reads, []model.QName{qn("public.workspaces")}) {
		t.Errorf("view reads %v, want the new name", v.Reads)
	}
	// Columns of the policy's table resolve to the table under its new
	// name (the rules tell the row's columns from others by it).
	model.Walk(w.Policy("p").Using, func(e *model.Expr) bool {
		if e.Kind == model.ColumnRef && e.Depth == 0 && (e.Rel == nil || *e.Rel != qn("public.workspaces")) {
			t.Errorf("column %v of the policy's table resolves to %v after the rename", e.Names, e.Rel)
		}
		return e.Kind != model.SubLink
	})
	var reads []model.QName
	model.Walk(w.Policy("p").Using, func(e *model.Expr) bool {
		if e.Kind == model.SubLink && e.Query != nil {
			reads = append(reads, e.Query.Relations()...)
		}
		return true
	})
	if !slices.Equal(reads, []model.QName{qn("public.organizations")}) {
		t.Errorf("policy sub-select reads %v, want public.organizations", reads)
	}
}

func TestReplaySetSchema(t *testing.T) {
	cat := replaySQL(t, `
CREATE SCHEMA billing;
CREATE TABLE invoices (org_id uuid);
CREATE INDEX invoices_org ON invoices (org_id);
ALTER TABLE invoices SET SCHEMA billing;
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE billing.invoices FORCE ROW LEVEL SECURITY;
DROP INDEX billing.invoices_org;
`)
	equal(t, "tables", dumpTableNames(cat), []string{"billing.invoices"})
	tb := mustTable(t, cat, "billing.invoices")
	if tb.RLS.Enabled || !tb.RLS.Forced {
		t.Errorf("RLS %+v: ENABLE on the old name must miss, FORCE on the new one hit", tb.RLS)
	}
	equal(t, "indexes", indexSummary(tb), nil)
	equal(t, "notes", noteMessages(cat), []string{
		"1.sql:6:1 ALTER of public.invoices: not created by the files read (extension or platform object?); ignored",
	})
}

func TestReplayCreateSchema(t *testing.T) {
	cat := replaySQL(t, `
CREATE SCHEMA app AUTHORIZATION app_owner
    CREATE TABLE tasks (org_id uuid)
    CREATE INDEX tasks_org ON tasks (org_id);
CREATE SCHEMA IF NOT EXISTS app;
CREATE SCHEMA AUTHORIZATION joe;
CREATE TABLE after (id int);
CREATE SCHEMA gone;
CREATE TABLE gone.t (id int);
DROP SCHEMA gone CASCADE;
ALTER SCHEMA app RENAME TO core;
`)
	equal(t, "tables", dumpTableNames(cat), []string{"core.tasks", "public.after"})
	if s := cat.Schemas["core"]; s == nil || s.Owner != "app_owner" || at(s.Span) != "1.sql:2:1" {
		t.Errorf("schema core: %+v", s)
	}
	if s := cat.Schemas["joe"]; s == nil || s.Owner != "joe" {
		t.Errorf("CREATE SCHEMA AUTHORIZATION joe: %+v", s)
	}
	if cat.Schemas["gone"] != nil || cat.Schemas["app"] != nil {
		t.Errorf("schemas: %v", dumpKeys(cat.Schemas))
	}
	equal(t, "indexes", indexSummary(mustTable(t, cat, "core.tasks")), []string{"core.tasks_org(org_id)"})
}

func TestReplaySearchPath(t *testing.T) {
	cat := replaySQL(t, `
CREATE SCHEMA app;
SET search_path TO app, public;
CREATE TABLE a (id int);                -- app.a
CREATE TABLE public.p (id int);
ALTER TABLE p ADD COLUMN x int;         -- found in public through the path
SET search_path = DEFAULT;
CREATE TABLE b (id int);                -- public.b
SET LOCAL search_path = "$user", nowhere, app;
CREATE TABLE c (id int);                -- app.c: nowhere does not exist
RESET search_path;
CREATE TABLE d (id int);                -- public.d
SELECT pg_catalog.set_config('search_path', '"My Schema", app', false);
CREATE TABLE e (id int);                -- app.e: the first schema that exists
SET search_path = app;
`, `
CREATE TABLE f (id int);                -- a new file starts at the default
SET SESSION search_path TO app;
ALTER TABLE a ADD COLUMN y int;
RESET ALL;
CREATE TABLE g (id int);
`)
	equal(t, "tables", dumpTableNames(cat), []string{
		"app.a", "app.c", "app.e", "public.b", "public.d", "public.f", "public.g", "public.p",
	})
	if mustTable(t, cat, "public.p").Column("x") == nil {
		t.Error("ALTER TABLE p through the search path missed public.p")
	}
	if mustTable(t, cat, "app.a").Column("y") == nil {
		t.Error("SET SESSION search_path not followed")
	}
}

func TestParseSearchPath(t *testing.T) {
	for in, want := range map[string][]string{
		"":                         nil,
		"public":                   {"public"},
		` App , "My ""S"" x",pub `: {"app", `My "S" x`, "pub"},
		`"$user", public`:          {"$user", "public"},
	} {
		if got := parseSearchPath(in); !slices.Equal(got, want) {
			t.Errorf("parseSearchPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReplayPartitions(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE events (id bigint, org_id uuid NOT NULL, PRIMARY KEY (org_id, id)) PARTITION BY LIST (org_id);
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE TABLE events_a PARTITION OF events FOR VALUES IN ('00000000-0000-0000-0000-00000000000a');
CREATE INDEX events_org ON events (org_id);
CREATE TABLE events_b (id bigint, org_id uuid NOT NULL);
ALTER TABLE events ATTACH PARTITION events_b FOR VALUES IN ('00000000-0000-0000-0000-00000000000b');
ALTER TABLE events ADD COLUMN kind text;
CREATE TABLE events_c PARTITION OF events DEFAULT;
ALTER TABLE events DETACH PARTITION events_c;
`)
	parent := mustTable(t, cat, "public.events")
	if parent.Kind != model.PartitionedTable {
		t.Errorf("parent kind %s", parent.Kind)
	}
	a, b, c := mustTable(t, cat, "public.events_a"), mustTable(t, cat, "public.events_b"), mustTable(t, cat, "public.events_c")
	if a.PartitionOf == nil || *a.PartitionOf != parent.QName() || b.PartitionOf == nil || *b.PartitionOf != parent.QName() {
		t.Errorf("PartitionOf: a %v, b %v", a.PartitionOf, b.PartitionOf)
	}
	if c.PartitionOf != nil {
		t.Errorf("detached partition still PartitionOf %v", c.PartitionOf)
	}
	// RLS is not inherited: a query straight to a partition checks only
	// the partition's own.
	if a.RLS.Enabled || b.RLS.Enabled {
		t.Error("partition inherited the parent's RLS switch")
	}
	equal(t, "partition a columns", columnNames(a), []string{"id", "org_id", "kind"})
	equal(t, "partition a indexes (keys copied, later indexes cascade)", indexSummary(a),
		[]string{"public.events_a_org_id_id_idx(org_id,id) primary", "public.events_a_org_id_idx(org_id)"})
	equal(t, "constraints of a", constraintSummary(a), []string{"events_pkey PRIMARY KEY(org_id,id)"})
	if b.Column("kind") == nil {
		t.Error("ADD COLUMN on the parent did not reach the attached partition")
	}
	// Dropping the parent drops its partitions.
	cat = replaySQL(t, `CREATE TABLE p (org_id uuid) PARTITION BY HASH (org_id);
CREATE TABLE p0 PARTITION OF p FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE other (id int);
DROP TABLE p;`)
	equal(t, "tables after DROP of the parent", dumpTableNames(cat), []string{"public.other"})
}

func TestReplayInherits(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE base (org_id uuid NOT NULL, created timestamptz);
CREATE TABLE child (note text) INHERITS (base);
ALTER TABLE base ADD COLUMN updated timestamptz;
ALTER TABLE ONLY base ADD COLUMN only_base int;
ALTER TABLE base ENABLE ROW LEVEL SECURITY;
CREATE TABLE lone (id int);
ALTER TABLE lone INHERIT base;
ALTER TABLE lone NO INHERIT base;
`)
	child := mustTable(t, cat, "public.child")
	equal(t, "child columns", columnNames(child), []string{"org_id", "created", "note", "updated"})
	if !slices.Equal(child.Inherits, []model.QName{qn("public.base")}) {
		t.Errorf("inherits %v", child.Inherits)
	}
	if c := child.Column("org_id"); !c.NotNull || at(c.Span) != "1.sql:3:1" {
		t.Errorf("inherited org_id: NOT NULL %v, at %s (want the CREATE TABLE ... INHERITS, 1.sql:3:1)", c.NotNull, at(c.Span))
	}
	if child.RLS.Enabled {
		t.Error("RLS is per table: ENABLE on the parent does not reach the child")
	}
	if lone := mustTable(t, cat, "public.lone"); len(lone.Inherits) != 0 {
		t.Errorf("NO INHERIT left %v", lone.Inherits)
	}
}

func TestReplayLike(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE src (id int PRIMARY KEY, org_id uuid NOT NULL DEFAULT gen_random_uuid(), CHECK (id > 0));
CREATE INDEX src_org ON src (org_id);
CREATE TABLE plain (LIKE src, extra text);
CREATE TABLE full_copy (LIKE src INCLUDING ALL);
CREATE TABLE some_copy (LIKE src INCLUDING DEFAULTS INCLUDING INDEXES);
CREATE TABLE ghost (LIKE extension_table);
`)
	plain := mustTable(t, cat, "public.plain")
	equal(t, "plain columns", columnNames(plain), []string{"id", "org_id", "extra"})
	if c := plain.Column("org_id"); !c.NotNull || c.Default != "" {
		t.Errorf("LIKE without INCLUDING DEFAULTS: %+v (NOT NULL is always copied, defaults are not)", c)
	}
	equal(t, "plain indexes", indexSummary(plain), nil)
	// Copied columns are declared by the LIKE statement: findings about
	// them point there, not at the source table.
	if c := plain.Column("org_id"); at(c.Span) != "1.sql:4:1" || at(c.NotNullAt) != "1.sql:4:1" {
		t.Errorf("copied column at %s, NOT NULL at %s; want 1.sql:4:1", at(c.Span), at(c.NotNullAt))
	}
	full := mustTable(t, cat, "public.full_copy")
	equal(t, "INCLUDING ALL indexes", indexSummary(full), []string{"public.full_copy_id_idx(id) primary", "public.full_copy_org_id_idx(org_id)"})
	if full.Column("org_id").Default == "" {
		t.Error("INCLUDING ALL lost the default")
	}
	if !slices.ContainsFunc(full.Constraints, func(c *model.Constraint) bool { return c.Kind == model.Check }) {
		t.Errorf("INCLUDING ALL lost the CHECK: %v", constraintSummary(full))
	}
	some := mustTable(t, cat, "public.some_copy")
	equal(t, "INCLUDING INDEXES", indexSummary(some), []string{"public.some_copy_id_idx(id) primary", "public.some_copy_org_id_idx(org_id)"})
	if at(some.Indexes[0].Span) != "1.sql:6:1" {
		t.Errorf("copied index points at %s, want the CREATE TABLE ... LIKE", at(some.Indexes[0].Span))
	}
	equal(t, "notes", noteMessages(cat), []string{
		"1.sql:7:1 LIKE public.extension_table: table unknown, its columns are missing from the model",
	})
}

func TestReplayConstraints(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE orgs (id uuid CONSTRAINT orgs_pk PRIMARY KEY, slug text UNIQUE);
CREATE TABLE tasks (
    id     int,
    org_id uuid REFERENCES orgs,
    ref    int,
    CONSTRAINT tasks_org_ref UNIQUE (org_id, ref),
    FOREIGN KEY (org_id, ref) REFERENCES other_tenant_table (org_id, id)
);
ALTER TABLE tasks ADD CONSTRAINT tasks_pkey PRIMARY KEY (org_id, id);
ALTER TABLE tasks ADD CONSTRAINT tasks_org_fk FOREIGN KEY (org_id) REFERENCES public.orgs (id) NOT VALID;
ALTER TABLE tasks DROP CONSTRAINT tasks_org_ref;
CREATE UNIQUE INDEX tasks_ref_idx ON tasks (ref);
ALTER TABLE tasks ADD CONSTRAINT tasks_ref_key UNIQUE USING INDEX tasks_ref_idx;
ALTER TABLE tasks RENAME CONSTRAINT tasks_ref_key TO tasks_ref_uq;
`)
	orgs := mustTable(t, cat, "public.orgs")
	equal(t, "orgs constraints", constraintSummary(orgs), []string{"orgs_pk PRIMARY KEY(id)", "orgs_slug_key UNIQUE(slug)"})
	equal(t, "orgs indexes", indexSummary(orgs), []string{"public.orgs_pk(id) primary", "public.orgs_slug_key(slug) unique"})
	tasks := mustTable(t, cat, "public.tasks")
	equal(t, "tasks constraints", constraintSummary(tasks), []string{
		"tasks_org_id_fkey FOREIGN KEY(org_id) -> public.orgs()",
		"tasks_org_id_ref_fkey FOREIGN KEY(org_id,ref) -> public.other_tenant_table(org_id,id)",
		"tasks_pkey PRIMARY KEY(org_id,id)",
		"tasks_org_fk FOREIGN KEY(org_id) -> public.orgs(id)",
		"tasks_ref_uq UNIQUE(ref)",
	})
	equal(t, "tasks indexes", indexSummary(tasks), []string{"public.tasks_pkey(org_id,id) primary", "public.tasks_ref_uq(ref) unique"})
	if c := tasks.Column("org_id"); !c.NotNull || at(c.NotNullAt) != "1.sql:10:23" {
		t.Errorf("PRIMARY KEY makes org_id NOT NULL: %v at %s", c.NotNull, at(c.NotNullAt))
	}
}

func TestReplayIndexes(t *testing.T) {
	cat := replaySQL(t, `
CREATE SCHEMA app;
CREATE TABLE app.t (org_id uuid, a int, b text);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_org ON app.t (org_id, a);
CREATE INDEX IF NOT EXISTS t_org ON app.t (b);
CREATE INDEX ON app.t (org_id) WHERE a > 0;
CREATE INDEX t_expr ON app.t (lower(b), org_id);
CREATE INDEX t_gone ON app.t USING btree (a);
DROP INDEX CONCURRENTLY IF EXISTS app.t_gone;
DROP INDEX t_expr;
DROP INDEX IF EXISTS app.nope;
CREATE INDEX on_unknown ON extension_table (org_id);
ALTER INDEX app.t_org RENAME TO t_org_a;
`)
	tb := mustTable(t, cat, "app.t")
	equal(t, "indexes", indexSummary(tb), []string{
		"app.t_org_a(org_id,a) unique",
		"app.t_org_id_idx(org_id) partial",
		"app.t_expr(,org_id)", // unqualified DROP INDEX looks in public only
	})
	if at(tb.Indexes[0].Span) != "1.sql:4:1" {
		t.Errorf("index span %s", at(tb.Indexes[0].Span))
	}
}

func TestReplayPolicies(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE t (org_id uuid, owner uuid);
CREATE POLICY sel ON t FOR SELECT TO app_user, authenticated
    USING (org_id = current_setting('app.org')::uuid);
CREATE POLICY ins ON t AS RESTRICTIVE FOR INSERT
    WITH CHECK (owner = auth.uid());
CREATE POLICY everything ON t USING (true) WITH CHECK (true);
CREATE POLICY gone ON t FOR DELETE USING (false);
ALTER POLICY sel ON t TO PUBLIC USING (org_id IS NOT NULL);
ALTER POLICY ins ON t RENAME TO ins_owner;
DROP POLICY gone ON t;
DROP POLICY IF EXISTS nope ON t;
CREATE POLICY orphan ON extension_table USING (true);
ALTER POLICY nope ON t USING (true);
`)
	tb := mustTable(t, cat, "public.t")
	var got []string
	for _, p := range tb.Policies {
		kind := "permissive"
		if !p.Permissive {
			kind = "restrictive"
		}
		got = append(got, fmt.Sprintf("%s %s %s %q using=%s check=%s at=%s altered=%s", p.Name, kind, p.Command, p.Roles,
			dumpExpr(p.Using), dumpExpr(p.WithCheck), at(p.Span), at(p.AlteredAt)))
	}
	equal(t, "policies", got, []string{
		`sel permissive SELECT ["PUBLIC"] using=org_id IS NOT NULL check=- at=1.sql:3:1 altered=1.sql:9:1`,
		`ins_owner restrictive INSERT ["PUBLIC"] using=- check=owner = auth.uid() at=1.sql:5:1 altered=1.sql:10:1`,
		`everything permissive ALL ["PUBLIC"] using=true check=true at=1.sql:7:1 altered=-`,
	})
	// USING is kept as an expression tree for the rules.
	if u := tb.Policy("sel").Using; u.Kind != model.NullTest || len(u.Args) != 1 || u.Args[0].Kind != model.ColumnRef {
		t.Errorf("USING tree = %+v", u)
	}
	equal(t, "notes", noteMessages(cat), []string{
		"1.sql:13:1 policy orphan on public.extension_table: table not created by the files read; policy not modelled",
		"1.sql:14:1 ALTER POLICY nope: no such policy on public.t",
	})
}

func TestReplayViews(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE t (org_id uuid, x int);
CREATE TABLE u (org_id uuid);
CREATE VIEW v WITH (security_invoker = true, security_barrier) AS
    SELECT t.x FROM t JOIN u USING (org_id) WHERE t.x > 0;
GRANT SELECT ON v TO reporting;
ALTER VIEW v OWNER TO admin;
CREATE OR REPLACE VIEW v AS SELECT x FROM t;
ALTER VIEW v SET (security_invoker = false);
CREATE MATERIALIZED VIEW mv AS SELECT org_id, count(*) FROM u GROUP BY org_id;
CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT 1;
CREATE VIEW checked AS SELECT * FROM t WITH LOCAL CHECK OPTION;
`)
	v := cat.View(qn("public.v"))
	if v == nil {
		t.Fatal("no view v")
	}
	if !slices.Equal(v.Reads, []model.QName{qn("public.t")}) {
		t.Errorf("reads %v after OR REPLACE", v.Reads)
	}
	if v.Owner != "admin" || len(v.Grants) != 1 || v.Grants[0].Grantee != "reporting" {
		t.Errorf("OR REPLACE must keep owner and grants: owner %q grants %d", v.Owner, len(v.Grants))
	}
	if v.SecurityInvoker() || at(v.OptionsAt["security_invoker"]) != "1.sql:9:1" {
		t.Errorf("options %v at %s", v.Options, at(v.OptionsAt["security_invoker"]))
	}
	if _, ok := v.Options["security_barrier"]; ok {
		t.Error("OR REPLACE without options must reset them")
	}
	mv := cat.View(qn("public.mv"))
	if mv == nil || !mv.Materialized || !slices.Equal(mv.Reads, []model.QName{qn("public.u")}) || at(mv.Span) != "1.sql:10:1" {
		t.Errorf("materialized view: %+v", mv)
	}
	if c := cat.View(qn("public.checked")); c == nil || c.Options["check_option"] != "local" {
		t.Errorf("check option: %+v", c)
	}
	// A first version with options and the reads of a join.
	cat = replaySQL(t, `CREATE TABLE t (org_id uuid, x int); CREATE TABLE u (org_id uuid);
CREATE VIEW v WITH (security_invoker = true, security_barrier) AS SELECT t.x FROM t JOIN u USING (org_id);`)
	v = cat.View(qn("public.v"))
	if !v.SecurityInvoker() || v.Options["security_barrier"] != "true" || !slices.Equal(v.Reads, []model.QName{qn("public.t"), qn("public.u")}) {
		t.Errorf("view: options %v reads %v", v.Options, v.Reads)
	}
}

func TestReplayFunctions(t *testing.T) {
	src := `
CREATE FUNCTION app_org() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT org_id FROM members WHERE user_id = auth.uid() $$;
CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN NEW.at := now(); RETURN NEW; END $body$;
CREATE FUNCTION add(a int, b int DEFAULT 1, OUT s int) LANGUAGE sql AS 'SELECT a + b';
CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
ALTER FUNCTION app_org() SECURITY INVOKER;
ALTER FUNCTION touch OWNER TO admin;
DROP FUNCTION IF EXISTS nope(int);
`
	cat := replaySQL(t, src)
	var got []string
	for _, f := range cat.Functions() {
		got = append(got, fmt.Sprintf("%s returns=%s lang=%s definer=%v owner=%s proc=%v config=%v", f, f.Returns, f.Language, f.SecurityDefiner, f.Owner, f.Procedure, f.Config))
	}
	equal(t, "functions", got, []string{
		"public.add(integer,integer) returns= lang=sql definer=false owner= proc=false config=map[]",
		"public.app_org() returns=uuid lang=sql definer=false owner= proc=false config=map[search_path:public, pg_temp]",
		"public.p() returns= lang=sql definer=false owner= proc=true config=map[]",
		"public.touch() returns=trigger lang=plpgsql definer=false owner=admin proc=false config=map[]",
	})
	f := cat.FunctionsNamed(qn("public.app_org"))[0]
	if f.BodySpan.Text() != " SELECT org_id FROM members WHERE user_id = auth.uid() " || at(f.Span) != "1.sql:2:1" {
		t.Errorf("body span %q at %s", f.BodySpan.Text(), at(f.Span))
	}
	// SECURITY DEFINER as declared, before the ALTER.
	cat = replaySQL(t, strings.SplitAfter(src, "pg_temp\n    AS $$ SELECT org_id FROM members WHERE user_id = auth.uid() $$;")[0])
	if f := cat.FunctionsNamed(qn("public.app_org"))[0]; !f.SecurityDefiner {
		t.Error("SECURITY DEFINER not recorded")
	}
}

func TestReplayGrants(t *testing.T) {
	cat := replaySQL(t, `
CREATE TABLE t (org_id uuid, secret text);
CREATE TABLE u (id int);
GRANT SELECT, INSERT ON t TO app_user;
GRANT UPDATE (secret) ON TABLE t TO app_user;
GRANT ALL ON ALL TABLES IN SCHEMA public TO PUBLIC;
REVOKE INSERT ON t FROM app_user;
REVOKE ALL ON u FROM PUBLIC;
GRANT SELECT ON extension_table TO anon;
GRANT USAGE ON SCHEMA public TO anon;
`)
	grants := func(name string) []string {
		var out []string
		for _, g := range mustTable(t, cat, name).Grants {
			s := g.Grantee + " " + strings.Join(g.Privileges, ",")
			if len(g.Columns) > 0 {
				s += " (" + strings.Join(g.Columns, ",") + ")"
			}
			out = append(out, s+" "+at(g.Span))
		}
		return out
	}
	equal(t, "grants on t", grants("public.t"), []string{
		"app_user SELECT 1.sql:4:1",
		"app_user UPDATE (secret) 1.sql:5:1",
		"PUBLIC SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER 1.sql:6:1",
	})
	equal(t, "grants on u", grants("public.u"), nil)
	if r := cat.Roles["app_user"]; r == nil || !r.Implicit {
		t.Errorf("grantee role: %+v", r)
	}
}

func TestReplayRolesAndOwners(t *testing.T) {
	cat := replaySQL(t, `
CREATE ROLE app_user LOGIN;
CREATE ROLE admin SUPERUSER BYPASSRLS IN ROLE app_user;
CREATE USER svc;
ALTER ROLE admin NOSUPERUSER;
GRANT app_user TO svc;
CREATE ROLE temp_role;
DROP ROLE temp_role;
CREATE TABLE t (org_id uuid);
ALTER TABLE t OWNER TO app_user;
SET ROLE admin;
CREATE TABLE owned_by_admin (id int);
RESET ROLE;
CREATE TABLE owned_by_nobody (id int);
CREATE SCHEMA s;
ALTER SCHEMA s OWNER TO admin;
`)
	var roles []string
	for _, r := range cat.SortedRoles() {
		roles = append(roles, fmt.Sprintf("%s login=%v super=%v bypass=%v member=%v at=%s", r.Name, r.Login, r.Superuser, r.BypassRLS, r.MemberOf, at(r.Span)))
	}
	equal(t, "roles", roles, []string{
		"admin login=false super=false bypass=true member=[app_user] at=1.sql:3:1",
		"app_user login=true super=false bypass=false member=[] at=1.sql:2:1",
		"svc login=true super=false bypass=false member=[app_user] at=1.sql:4:1",
	})
	tb := mustTable(t, cat, "public.t")
	if tb.Owner != "app_user" || at(tb.OwnerAt) != "1.sql:10:1" {
		t.Errorf("owner %q at %s", tb.Owner, at(tb.OwnerAt))
	}
	if o := mustTable(t, cat, "public.owned_by_admin").Owner; o != "admin" {
		t.Errorf("SET ROLE: owner %q", o)
	}
	if o := mustTable(t, cat, "public.owned_by_nobody").Owner; o != "" {
		t.Errorf("RESET ROLE: owner %q", o)
	}
	if s := cat.Schemas["s"]; s.Owner != "admin" {
		t.Errorf("schema owner %q", s.Owner)
	}
}

func TestReplayDynamicSQL(t *testing.T) {
	cat := replaySQL(t, `CREATE TABLE t (org_id uuid);
DO $$ BEGIN EXECUTE 'ALTER TABLE t DISABLE ROW LEVEL SECURITY'; END $$;
  EXECUTE prepared_stmt (1);
DO LANGUAGE plpython3u $$ pass $$;
`)
	var got []string
	for _, d := range cat.Diagnostics {
		got = append(got, fmt.Sprintf("%s %s %s", d.Kind, at(d.Span), strings.SplitN(d.Message, ":", 2)[0]))
	}
	equal(t, "diagnostics", got, []string{
		"dynamic-sql 1.sql:2:1 DO block (plpgsql)",
		"dynamic-sql 1.sql:3:3 EXECUTE of prepared statement prepared_stmt",
		"dynamic-sql 1.sql:4:1 DO block (plpython3u)",
	})
	if mustTable(t, cat, "public.t").RLS.Enabled {
		t.Error("DO block changed the model")
	}
}

func TestReplayUnknownObjectsTolerated(t *testing.T) {
	cat := replaySQL(t, `
CREATE EXTENSION IF NOT EXISTS postgis;
ALTER TABLE spatial_ref_sys ENABLE ROW LEVEL SECURITY;
ALTER TABLE IF EXISTS gone ADD COLUMN x int;
ALTER TABLE auth.users ADD COLUMN org_id uuid;
ALTER TABLE storage.objects RENAME COLUMN name TO path;
ALTER TABLE nope RENAME TO nope2;
ALTER TABLE IF EXISTS nope RENAME TO nope3;
ALTER TABLE nope SET SCHEMA other;
CREATE INDEX ON nope (x);
DROP TABLE IF EXISTS nope;
GRANT SELECT ON nope TO anon;
ALTER TABLE nope ATTACH PARTITION nope_1 FOR VALUES IN (1);
CREATE TABLE kid PARTITION OF unknown_parent FOR VALUES IN (1);
COMMENT ON TABLE nope IS 'x';
CREATE TRIGGER trg BEFORE INSERT ON nope FOR EACH ROW EXECUTE FUNCTION f();
ALTER SEQUENCE nope_seq RESTART;
ALTER INDEX nope_idx SET TABLESPACE x;
DROP POLICY IF EXISTS p ON nope;
`)
	equal(t, "tables", dumpTableNames(cat), []string{"public.kid"})
	if p := mustTable(t, cat, "public.kid").PartitionOf; p == nil || *p != qn("public.unknown_parent") {
		t.Errorf("partition of an unknown parent: %v", p)
	}
	equal(t, "notes", noteMessages(cat), []string{
		"1.sql:2:1 objects created by extension postgis are not modelled",
		"1.sql:3:1 ALTER of public.spatial_ref_sys: not created by the files read (extension or platform object?); ignored",
		"1.sql:5:1 ALTER of auth.users: not created by the files read (extension or platform object?); ignored",
		"1.sql:6:1 ALTER of storage.objects: not created by the files read (extension or platform object?); ignored",
		"1.sql:7:1 ALTER of public.nope: not created by the files read (extension or platform object?); ignored",
		"1.sql:9:1 ALTER of public.nope: not created by the files read (extension or platform object?); ignored",
		"1.sql:13:1 ALTER of public.nope: not created by the files read (extension or platform object?); ignored",
	})
}
