package introspect_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/ephemeral/ephemeraltest"
	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/lint/model"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func read(t testing.TB, conn *pgx.Conn, opts introspect.Options) *model.Catalog {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cat, err := introspect.Read(ctx, conn, opts)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// catalogDB is a database with testdata/catalog.sql applied.
func catalogDB(t *testing.T) string {
	t.Helper()
	url := pgtest.NewDB(t)
	ephemeraltest.ApplyFiles(t, url, ephemeraltest.File(t, "testdata/catalog.sql"))
	return url
}

func table(t *testing.T, cat *model.Catalog, name string) *model.Table {
	t.Helper()
	s, n, _ := strings.Cut(name, ".")
	tb := cat.Table(model.QName{Schema: s, Name: n})
	if tb == nil {
		t.Fatalf("no table %s in the catalog", name)
	}
	return tb
}

func TestReadCatalog(t *testing.T) {
	cat := read(t, connect(t, catalogDB(t)), introspect.Options{StatementTimeout: 10 * time.Second})
	if cat.Origin != model.FromDatabase {
		t.Errorf("origin %q", cat.Origin)
	}
	if cat.Schemas["app"] == nil || cat.Schemas["public"] == nil {
		t.Errorf("schemas: %v", cat.Schemas)
	}

	orgs := table(t, cat, "app.orgs")
	if got := columns(orgs); got != "id uuid notnull; name character varying notnull; plan plan_kind notnull; slug text" {
		t.Errorf("orgs columns: %s", got)
	}
	if d := orgs.Column("slug").Default; d != "lower((name)::text)" {
		t.Errorf("generated column's expression %q", d)
	}
	if d := orgs.Column("plan").Default; d != "'free'::app.plan_kind" {
		t.Errorf("default %q", d)
	}

	projects := table(t, cat, "app.projects")
	if got := columns(projects); got != "id bigint notnull generated; org_id uuid notnull; name text; tags text[]" {
		t.Errorf("projects columns: %s", got)
	}
	if !projects.RLS.Enabled || !projects.RLS.Forced || projects.RLS.EnabledAt.IsValid() {
		t.Errorf("projects RLS %+v", projects.RLS)
	}
	if projects.Owner != "postgres" {
		t.Errorf("projects owner %q", projects.Owner)
	}
	wantIdx := map[string]model.Index{
		"projects_pkey":            {Columns: []string{"id"}, Unique: true, Primary: true, Constraint: "projects_pkey"},
		"projects_org_id_name_key": {Columns: []string{"org_id", "name"}, Unique: true, Constraint: "projects_org_id_name_key"},
		"projects_name_idx":        {Columns: []string{"name", "org_id"}, Partial: true},
		"projects_lower_idx":       {Columns: []string{"", "org_id"}},
	}
	if len(projects.Indexes) != len(wantIdx) {
		t.Errorf("projects has %d indexes, want %d", len(projects.Indexes), len(wantIdx))
	}
	for _, ix := range projects.Indexes {
		w, ok := wantIdx[ix.Name]
		if !ok {
			t.Errorf("unexpected index %s", ix.Name)
			continue
		}
		w.Schema, w.Name = "app", ix.Name
		if !reflect.DeepEqual(*ix, w) {
			t.Errorf("index %s = %+v, want %+v", ix.Name, *ix, w)
		}
	}
	fk := constraint(projects, model.ForeignKey)
	if fk == nil || fk.RefTable != (model.QName{Schema: "app", Name: "orgs"}) || !reflect.DeepEqual(fk.Columns, []string{"org_id"}) || !reflect.DeepEqual(fk.RefColumns, []string{"id"}) {
		t.Errorf("projects foreign key %+v", fk)
	}

	if len(projects.Policies) != 2 {
		t.Fatalf("projects policies: %d", len(projects.Policies))
	}
	tenant, reader := projects.Policies[0], projects.Policies[1]
	if tenant.Name != "projects_tenant" || !tenant.Permissive || tenant.Command != model.AllCommands ||
		!reflect.DeepEqual(tenant.Roles, []string{"PUBLIC"}) || tenant.Using == nil || tenant.WithCheck == nil {
		t.Errorf("projects_tenant %+v", tenant)
	}
	if tenant.Using.Kind != model.Op || tenant.Using.Op != "=" || tenant.Using.Args[0].Column() != "org_id" ||
		tenant.Using.Args[0].Rel == nil || *tenant.Using.Args[0].Rel != projects.QName() {
		t.Errorf("projects_tenant USING = %s", tenant.Using)
	}
	if reader.Name != "projects_reader" || reader.Permissive || reader.Command != model.Select ||
		!reflect.DeepEqual(reader.Roles, []string{"tg_is_reader", "tg_is_app"}) || reader.WithCheck != nil {
		t.Errorf("projects_reader %+v", reader)
	}
	if reader.Using == nil || reader.Using.Kind != model.SubLink || reader.Using.Query == nil ||
		!reflect.DeepEqual(reader.Using.Query.Relations(), []model.QName{{Schema: "app", Name: "orgs"}}) {
		t.Errorf("projects_reader USING = %s", reader.Using)
	}
	if got := grants(projects); got != "tg_is_app SELECT,INSERT,UPDATE; PUBLIC SELECT(id,name)" {
		t.Errorf("projects grants: %s", got)
	}

	// serial columns (an implicit cast around nextval for serial and
	// smallserial) are generated; a nextval of a sequence the column does
	// not own is a plain default.
	if got := columns(table(t, cat, "app.counters")); got != "a integer notnull generated; b smallint notnull generated; c bigint; d integer" {
		t.Errorf("counters columns: %s", got)
	}

	tasks := table(t, cat, "app.tasks")
	if tasks.Owner != "tg_is_app" || !tasks.RLS.Enabled || tasks.RLS.Forced {
		t.Errorf("tasks owner %q RLS %+v", tasks.Owner, tasks.RLS)
	}
	if got := columns(tasks); got != `id bigint notnull generated; org_id uuid notnull; project_id bigint; title char` {
		t.Errorf("tasks columns: %s", got)
	}
	if c := constraint(tasks, model.Check); c == nil || c.Name != "title_set" {
		t.Errorf("tasks check constraint %+v", c)
	}
	if c := constraint(tasks, model.PrimaryKey); c == nil || !reflect.DeepEqual(c.Columns, []string{"org_id", "id"}) {
		t.Errorf("tasks primary key %+v", c)
	}

	events, part := table(t, cat, "app.events"), table(t, cat, "app.events_2025")
	if events.Kind != model.PartitionedTable || part.Kind != model.OrdinaryTable ||
		part.PartitionOf == nil || *part.PartitionOf != events.QName() || len(part.Inherits) != 0 {
		t.Errorf("partition: %s %s of %v", events.Kind, part.Kind, part.PartitionOf)
	}
	child := table(t, cat, "app.child")
	if child.PartitionOf != nil || !reflect.DeepEqual(child.Inherits, []model.QName{{Schema: "app", Name: "base"}}) {
		t.Errorf("inheritance: %v %v", child.PartitionOf, child.Inherits)
	}

	open := cat.View(model.QName{Schema: "app", Name: "open_projects"})
	if open == nil || !open.SecurityInvoker() || open.Materialized || open.Query == nil ||
		!reflect.DeepEqual(open.Reads, []model.QName{{Schema: "app", Name: "projects"}, {Schema: "app", Name: "orgs"}}) {
		t.Fatalf("open_projects %+v", open)
	}
	names := cat.View(model.QName{Schema: "app", Name: "project_names"})
	if names == nil || names.SecurityInvoker() || !reflect.DeepEqual(names.Reads, []model.QName{{Schema: "app", Name: "open_projects"}}) ||
		grantsOf(names.Grants) != "tg_is_reader SELECT" {
		t.Errorf("project_names %+v", names)
	}
	counts := cat.View(model.QName{Schema: "app", Name: "project_counts"})
	if counts == nil || !counts.Materialized || !reflect.DeepEqual(counts.Reads, []model.QName{{Schema: "app", Name: "projects"}}) {
		t.Errorf("project_counts %+v", counts)
	}

	fns := map[string]*model.Function{}
	for _, f := range cat.Functions() {
		fns[f.String()] = f
	}
	if len(fns) != 6 {
		t.Errorf("functions: %v (want the 6 of the fixture, none of pgcrypto's)", keys(fns))
	}
	member := fns["app.is_member(uuid)"]
	if member == nil || member.Language != "sql" || member.SecurityDefiner || !reflect.DeepEqual(member.ArgNames, []string{"p_org"}) ||
		!member.BodyParsed || len(member.Queries) != 1 {
		t.Errorf("is_member %+v", member)
	}
	orgProjects := fns["app.org_projects(uuid,integer)"]
	if orgProjects == nil || orgProjects.Language != "plpgsql" || !orgProjects.SecurityDefiner ||
		orgProjects.Config["search_path"] != "app, pg_temp" || !reflect.DeepEqual(orgProjects.ArgNames, []string{"p_org", "p_limit"}) ||
		orgProjects.Returns != "SETOF app.projects" || len(orgProjects.Queries) == 0 {
		t.Fatalf("org_projects %+v", orgProjects)
	}
	if rel := orgProjects.Queries[0].Relations(); !reflect.DeepEqual(rel, []model.QName{{Schema: "app", Name: "projects"}}) {
		t.Errorf("org_projects reads %v (resolved through its pinned search_path)", rel)
	}
	if f := fns["app.plus_one(integer)"]; f == nil || len(f.Queries) != 1 || f.Queries[0].Kind != "SELECT" {
		t.Errorf("plus_one (RETURN body) %+v", f)
	}
	kinds := fns["app.kinds(plan_kind[])"]
	if kinds == nil || kinds.Config["search_path"] != "" || len(kinds.Queries) != 1 ||
		!reflect.DeepEqual(kinds.Queries[0].Relations(), []model.QName{{Schema: "app", Name: "orgs"}}) {
		t.Errorf("kinds (BEGIN ATOMIC body) %+v", kinds)
	}
	if touch := fns["app.touch()"]; touch == nil || !touch.Procedure {
		t.Errorf("touch %+v", touch)
	}
	if count := fns["app.count_rows(text)"]; count == nil || !count.Dynamic {
		t.Errorf("count_rows (EXECUTE) %+v", count)
	}

	app, bypass, readerRole := cat.Roles["tg_is_app"], cat.Roles["tg_is_bypass"], cat.Roles["tg_is_reader"]
	if app == nil || !app.Login || app.BypassRLS || app.Superuser || !reflect.DeepEqual(app.MemberOf, []string{"tg_is_reader"}) || app.Implicit {
		t.Errorf("tg_is_app %+v", app)
	}
	if bypass == nil || bypass.Login || !bypass.BypassRLS {
		t.Errorf("tg_is_bypass %+v", bypass)
	}
	if readerRole == nil || readerRole.Login {
		t.Errorf("tg_is_reader %+v", readerRole)
	}
	if pg := cat.Roles["postgres"]; pg == nil || !pg.Superuser || !pg.Login {
		t.Errorf("postgres %+v", pg)
	}
	for name := range cat.Roles {
		if strings.HasPrefix(name, "pg_") {
			t.Errorf("predefined role %s read", name)
		}
	}
	for _, tb := range cat.Tables() {
		if tb.Schema == "pg_catalog" || tb.Schema == "information_schema" {
			t.Errorf("system table %s read", tb.QName())
		}
	}
	if len(cat.Notes) != 0 {
		t.Errorf("notes: %+v", cat.Notes)
	}
}

// Every field of the model that a live catalog can have is filled by
// Read: a field added to the model and forgotten here fails this test.
func TestReadFillsEveryField(t *testing.T) {
	cat := read(t, connect(t, catalogDB(t)), introspect.Options{})
	// Fields a live catalog leaves empty, and why.
	empty := map[string]string{
		"Catalog.Files": "no files", "Catalog.Diagnostics": "no parse errors", "Catalog.Notes": "nothing unread",
		"Table.Span": "no file", "Table.OwnerAt": "no file", "Column.Span": "no file", "Column.NotNullAt": "no file",
		"Index.Span": "no file", "Constraint.Span": "no file", "Grant.Span": "no file", "Policy.Span": "no file",
		"Policy.AlteredAt": "no file", "View.Span": "no file", "Function.Span": "no file",
		"Function.BodySpan": "no file", "Role.Span": "no file", "Schema.Span": "no file",
		"RLS.EnabledAt": "no file", "RLS.ForcedAt": "no file", "RLS.History": "the statements are not known, only the state",
		"Policy.Analysis": "filled by lint.Run", "View.Analysis": "filled by lint.Run", "Function.Analysis": "filled by lint.Run",
		"Table.Temporary": "temporary tables live in session schemas (pg_temp_N), which are not read",
		"Role.Implicit":   "marks roles that migrations use without creating them",
	}
	filled := map[string]bool{}
	seen := map[string]bool{}
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				visit(v.Elem())
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				visit(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				visit(v.MapIndex(k))
			}
		case reflect.Struct:
			typ := v.Type()
			if typ.PkgPath() != reflect.TypeOf(model.Catalog{}).PkgPath() {
				return // source.Span and the like: judged as fields
			}
			switch typ.Name() {
			case "Expr", "Query", "QName":
				return // parsed by lint/ddl, tested there
			}
			for i := 0; i < typ.NumField(); i++ {
				f := typ.Field(i)
				if !f.IsExported() {
					continue
				}
				name := typ.Name() + "." + f.Name
				seen[name] = true
				if !v.Field(i).IsZero() {
					filled[name] = true
				}
				visit(v.Field(i))
			}
		}
	}
	visit(reflect.ValueOf(cat))
	for _, tb := range cat.Tables() {
		visit(reflect.ValueOf(tb))
	}
	for _, v := range cat.Views() {
		visit(reflect.ValueOf(v))
	}
	for _, f := range cat.Functions() {
		visit(reflect.ValueOf(f))
	}
	for name := range seen {
		why, isEmpty := empty[name]
		switch {
		case isEmpty && filled[name]:
			t.Errorf("%s is filled, but the test says it stays empty (%s)", name, why)
		case !isEmpty && !filled[name]:
			t.Errorf("%s is never filled by Read", name)
		}
	}
	for _, want := range []string{"Table.Columns", "Column.Generated", "Function.Dynamic", "Role.MemberOf", "View.Query", "Schema.Owner"} {
		if !seen[want] {
			t.Errorf("the walk never reached %s", want)
		}
	}
}

// Options.Schemas narrows tables, views and policies; functions and roles
// are read whole.
func TestReadSchemas(t *testing.T) {
	conn := connect(t, catalogDB(t))
	cat := read(t, conn, introspect.Options{Schemas: []string{"public"}})
	if n := len(cat.Tables()) + len(cat.Views()); n != 0 {
		t.Errorf("read %d relations outside public", n)
	}
	if len(cat.Functions()) != 6 || cat.Roles["tg_is_app"] == nil {
		t.Errorf("functions %d, roles %v", len(cat.Functions()), cat.Roles)
	}
	cat = read(t, conn, introspect.Options{Schemas: []string{"app"}})
	if cat.Table(model.QName{Schema: "app", Name: "projects"}) == nil {
		t.Error("app.projects not read with schemas [app]")
	}
}

// Read inside a caller's transaction leaves it as it was: open, with the
// caller's settings.
func TestReadInsideTransaction(t *testing.T) {
	conn := connect(t, catalogDB(t))
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "BEGIN; SET LOCAL search_path = app; SET LOCAL statement_timeout = '42s'"); err != nil {
		t.Fatal(err)
	}
	cat := read(t, conn, introspect.Options{StatementTimeout: time.Second})
	if cat.Table(model.QName{Schema: "app", Name: "projects"}) == nil {
		t.Fatal("app.projects not read")
	}
	var path, timeout string
	if err := conn.QueryRow(ctx, "SELECT current_setting('search_path'), current_setting('statement_timeout')").Scan(&path, &timeout); err != nil {
		t.Fatal(err)
	}
	if path != "app" || timeout != "42s" {
		t.Errorf("after Read: search_path %q, statement_timeout %q; want app, 42s", path, timeout)
	}
	if st := conn.PgConn().TxStatus(); st != 'T' {
		t.Errorf("transaction status %c, want T", st)
	}
	if _, err := conn.Exec(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
}

// An ordinary role with no privilege at all reads the same catalog as the
// superuser: Read uses only catalog reads.
func TestReadAsOrdinaryRole(t *testing.T) {
	url := catalogDB(t)
	admin := connect(t, url)
	ctx := context.Background()
	ephemeraltest.DropRolesAtEnd(t, url, []string{"tg_is_nobody"})
	if _, err := admin.Exec(ctx, "CREATE ROLE tg_is_nobody LOGIN"); err != nil {
		t.Fatal(err)
	}
	want := read(t, admin, introspect.Options{})
	got := read(t, connect(t, withUser(t, url, "tg_is_nobody")), introspect.Options{})
	if a, b := dump(want), dump(got); a != b {
		t.Errorf("the catalog read by an ordinary role differs from the superuser's:\n%s", firstDiff(a, b))
	}
}

// A catalog the role may not read leaves that kind of object out, with a
// note and a *PartialError; everything else is read.
func TestReadUnreadableCatalog(t *testing.T) {
	url := catalogDB(t)
	admin := connect(t, url)
	ctx := context.Background()
	ephemeraltest.DropRolesAtEnd(t, url, []string{"tg_is_restricted"})
	if _, err := admin.Exec(ctx, "CREATE ROLE tg_is_restricted LOGIN; REVOKE SELECT ON pg_catalog.pg_policy FROM PUBLIC"); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, withUser(t, url, "tg_is_restricted"))
	cat, err := introspect.Read(ctx, conn, introspect.Options{})
	var pe *introspect.PartialError
	if !errors.As(err, &pe) || cat == nil {
		t.Fatalf("Read = %v, %v; want a catalog and a *PartialError", cat, err)
	}
	if len(pe.Unread) != 1 || pe.Unread[0].What != "policies" || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("error %q, unread %+v", err, pe.Unread)
	}
	projects := table(t, cat, "app.projects")
	if len(projects.Policies) != 0 || len(projects.Indexes) == 0 || len(cat.Functions()) != 6 || len(cat.Roles) == 0 {
		t.Errorf("after the failed policies query: %d policies, %d indexes, %d functions, %d roles",
			len(projects.Policies), len(projects.Indexes), len(cat.Functions()), len(cat.Roles))
	}
	if len(cat.Notes) != 1 || !strings.Contains(cat.Notes[0].Message, "could not read policies") {
		t.Errorf("notes %+v", cat.Notes)
	}
}

// A catalog query that runs into the statement timeout ends the read with
// an error naming what was being read.
func TestReadStatementTimeout(t *testing.T) {
	url := catalogDB(t)
	ctx := context.Background()
	locker := connect(t, url)
	if _, err := locker.Exec(ctx, "BEGIN; LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locker.Exec(ctx, "ROLLBACK") })
	_, err := introspect.Read(ctx, connect(t, url), introspect.Options{StatementTimeout: 200 * time.Millisecond})
	// Whichever query first needs pg_policy (building a view's definition
	// opens the tables it reads, and their policies) names what it read.
	if err == nil || !strings.HasPrefix(err.Error(), "introspect: read ") || !strings.Contains(err.Error(), "statement timeout (SQLSTATE 57014)") {
		t.Errorf("Read = %v; want a statement timeout naming what was being read", err)
	}
}

// Objects that belong to an extension are left out, in any schema.
func TestReadLeavesOutExtensionObjects(t *testing.T) {
	url := pgtest.NewDB(t)
	conn := connect(t, url)
	if _, err := conn.Exec(context.Background(), `CREATE EXTENSION pgcrypto; CREATE EXTENSION "uuid-ossp" SCHEMA public; CREATE FUNCTION mine() RETURNS int LANGUAGE sql AS 'SELECT 1'`); err != nil {
		t.Fatal(err)
	}
	cat := read(t, conn, introspect.Options{})
	var names []string
	for _, f := range cat.Functions() {
		names = append(names, f.String())
	}
	if !reflect.DeepEqual(names, []string{"public.mine()"}) {
		t.Errorf("functions %v; want only public.mine()", names)
	}
}

func withUser(t *testing.T, url, user string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	return "postgres://" + user + "@" + cfg.Host + ":" + strconv.Itoa(int(cfg.Port)) + "/" + cfg.Database + "?sslmode=disable"
}

func columns(t *model.Table) string {
	var parts []string
	for _, c := range t.Columns {
		s := c.Name + " " + c.Type
		if c.NotNull {
			s += " notnull"
		}
		if c.Generated {
			s += " generated"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func constraint(t *model.Table, kind model.ConstraintKind) *model.Constraint {
	for _, c := range t.Constraints {
		if c.Kind == kind {
			return c
		}
	}
	return nil
}

func grants(t *model.Table) string { return grantsOf(t.Grants) }

func grantsOf(gs []*model.Grant) string {
	var parts []string
	for _, g := range gs {
		s := g.Grantee + " " + strings.Join(g.Privileges, ",")
		if len(g.Columns) > 0 {
			s += "(" + strings.Join(g.Columns, ",") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + x + "\n  got:  " + y
		}
	}
	return ""
}
