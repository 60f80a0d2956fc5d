package lint_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
)

// classify returns "name:column" for each tenant table, "name:root" for
// each root, sorted.
func classify(t *testing.T, cfg lint.Config, sql string) []string {
	t.Helper()
	cat := load(fileSrc{"a.sql", sql})
	tn := lint.Classify(cat, &cfg)
	var out []string
	for _, tb := range cat.Tables() {
		q := tb.QName()
		if col, ok := tn.TenantColumn(tb); ok {
			s := q.String() + ":" + col
			if team, ok := tn.TeamColumn(tb); ok {
				s += "+" + team
			}
			out = append(out, s)
		}
		if tn.IsRoot(q) {
			if tn.IsTenantTable(tb) {
				t.Errorf("%s is both root and tenant table", q)
			}
			out = append(out, q.String()+":root")
		}
	}
	sort.Strings(out)
	return out
}

func TestClassify(t *testing.T) {
	def := lint.DefaultConfig()
	tests := []struct {
		name string
		cfg  lint.Config
		sql  string
		want []string
	}{
		{"root by foreign key from a tenant column", def, `
CREATE TABLE orgs (id uuid PRIMARY KEY, parent_org uuid);
CREATE TABLE projects (id int, org_id uuid REFERENCES orgs (id));
CREATE TABLE plain (id int);`,
			[]string{"public.orgs:root", "public.projects:org_id"}},
		{"root by its own primary key on the tenant column", def, `
CREATE TABLE tenants (tenant_id uuid PRIMARY KEY, name text);
CREATE TABLE docs (tenant_id uuid NOT NULL);`,
			[]string{"public.docs:tenant_id", "public.tenants:root"}},
		{"a 1:1 table keyed and referencing the root is tenant-scoped", def, `
CREATE TABLE orgs (id uuid PRIMARY KEY);
CREATE TABLE org_settings (org_id uuid PRIMARY KEY REFERENCES orgs (id), theme text);`,
			[]string{"public.org_settings:org_id", "public.orgs:root"}},
		{"a self reference does not make a root", def, `
CREATE TABLE accounts (account_id uuid, parent uuid);
ALTER TABLE accounts ADD FOREIGN KEY (account_id) REFERENCES accounts (parent);`,
			[]string{"public.accounts:account_id"}},
		{"partitions of the root are the root", def, `
CREATE TABLE orgs (id uuid PRIMARY KEY) PARTITION BY HASH (id);
CREATE TABLE orgs_0 PARTITION OF orgs FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE docs (org_id uuid REFERENCES orgs (id));`,
			[]string{"public.docs:org_id", "public.orgs:root", "public.orgs_0:root"}},
		{"the first configured column wins", lint.Config{TenantColumns: []string{"workspace_id", "org_id"}}, `
CREATE TABLE t (org_id uuid, workspace_id uuid);`,
			[]string{"public.t:workspace_id"}},
		{"only configured columns count", lint.Config{TenantColumns: []string{"customer_id"}}, `
CREATE TABLE t (org_id uuid);
CREATE TABLE u (customer_id bigint);`,
			[]string{"public.u:customer_id"}},
		{"team column", lint.Config{TenantColumns: []string{"org_id"}, TeamColumns: []string{"team_id"}}, `
CREATE TABLE t (org_id uuid, team_id uuid);
CREATE TABLE u (team_id uuid);`,
			[]string{"public.t:org_id+team_id"}},
		{"global tables, qualified or bare", lint.Config{TenantColumns: []string{"org_id"}, GlobalTables: []string{"public.a", "b"}}, `
CREATE SCHEMA s;
CREATE TABLE a (org_id uuid); CREATE TABLE b (org_id uuid); CREATE TABLE s.b (org_id uuid); CREATE TABLE s.a (org_id uuid);`,
			[]string{"s.a:org_id"}},
		{"platform and system schemas are not checked by default", def, `
CREATE SCHEMA auth; CREATE SCHEMA app;
CREATE TABLE auth.identities (org_id uuid); CREATE TABLE app.t (org_id uuid);
CREATE TEMP TABLE tmp (org_id uuid); CREATE TABLE information_schema.x (org_id uuid);`,
			[]string{"app.t:org_id"}},
		{"schemas narrows, and can name a platform schema", lint.Config{TenantColumns: []string{"org_id"}, Schemas: []string{"auth"}}, `
CREATE SCHEMA auth; CREATE SCHEMA app;
CREATE TABLE auth.identities (org_id uuid); CREATE TABLE app.t (org_id uuid);`,
			[]string{"auth.identities:org_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classify(t, tt.cfg, tt.sql); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTenantTablesSorted(t *testing.T) {
	cat := load(fileSrc{"a.sql", "CREATE TABLE zz (org_id uuid); CREATE SCHEMA a; CREATE TABLE a.zz (org_id uuid); CREATE TABLE aa (org_id uuid);"})
	cfg := lint.DefaultConfig()
	var got []string
	for _, tb := range lint.Classify(cat, &cfg).TenantTables(cat) {
		got = append(got, tb.QName().String())
	}
	if want := []string{"a.zz", "public.aa", "public.zz"}; !slices.Equal(got, want) {
		t.Errorf("TenantTables = %q, want %q", got, want)
	}
}

func TestChecksSchema(t *testing.T) {
	def := lint.DefaultConfig()
	for schema, want := range map[string]bool{
		"public": true, "app": true, "auth": false, "storage": false, "pg_catalog": false,
		"information_schema": false, "pg_temp": false, "pg_temp_3": false, "pg_toast_temp_1": false,
	} {
		if got := def.ChecksSchema(schema); got != want {
			t.Errorf("ChecksSchema(%q) = %v, want %v", schema, got, want)
		}
	}
	narrow := lint.Config{Schemas: []string{"app", "pg_catalog"}}
	if narrow.ChecksSchema("public") || !narrow.ChecksSchema("app") || narrow.ChecksSchema("pg_catalog") {
		t.Error("schemas: must narrow to the list, and never include system schemas")
	}
}
