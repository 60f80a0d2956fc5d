package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
)

func knownRule(name string) bool {
	return name == "rls-disabled" || name == "table-unclassified" || name == "tenant-column-nullable"
}

func TestParseFull(t *testing.T) {
	src := `# a full file
tenant_columns: [org_id]
team_columns:
  - team_id
  - squad_id
schemas: public          # a single name is a list of one
global_tables: [public.plans, countries]
admin_roles: [postgres]
tenant_functions: [public.is_org_member]
rules:
  tenant-column-nullable: off
  table-unclassified: warning
  rls-disabled: ERROR
probe:
  role: app_user
  tenant_setting: app.current_tenant
  tenants: [a, b]
`
	cfg, err := Parse("tenantguard.yaml", []byte(src), knownRule)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	check("tenant_columns", cfg.TenantColumns, []string{"org_id"})
	check("team_columns", cfg.TeamColumns, []string{"team_id", "squad_id"})
	check("schemas", cfg.Schemas, []string{"public"})
	check("global_tables", cfg.GlobalTables, []string{"public.plans", "countries"})
	check("admin_roles", cfg.AdminRoles, []string{"postgres"})
	check("tenant_functions", cfg.TenantFunctions, []string{"public.is_org_member"})
	check("probe.tenants", cfg.Probe.Tenants, []string{"a", "b"})
	if cfg.Probe.Role != "app_user" || cfg.Probe.TenantSetting != "app.current_tenant" {
		t.Errorf("probe = %+v", cfg.Probe)
	}
	wantRules := map[string]lint.RuleConfig{
		"tenant-column-nullable": {Off: true},
		"table-unclassified":     {Severity: lint.Warning},
		"rls-disabled":           {Severity: lint.Error},
	}
	if len(cfg.Rules) != len(wantRules) {
		t.Errorf("rules = %+v", cfg.Rules)
	}
	for k, v := range wantRules {
		if cfg.Rules[k] != v {
			t.Errorf("rules[%s] = %+v, want %+v", k, cfg.Rules[k], v)
		}
	}
}

func TestParseDefaults(t *testing.T) {
	def := lint.DefaultConfig()
	for _, src := range []string{"", "# only a comment\n", "---\n"} {
		cfg, err := Parse("t.yaml", []byte(src), knownRule)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if !slices.Equal(cfg.TenantColumns, def.TenantColumns) || !slices.Equal(cfg.AdminRoles, def.AdminRoles) {
			t.Errorf("%q: defaults lost: %+v", src, cfg)
		}
	}
	// Keys not given keep their defaults; a null list empties one.
	cfg, err := Parse("t.yaml", []byte("tenant_columns: [org_id]\nteam_columns:\n"), knownRule)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.AdminRoles, def.AdminRoles) {
		t.Errorf("admin_roles = %q, want the defaults", cfg.AdminRoles)
	}
	if cfg.TeamColumns != nil {
		t.Errorf("team_columns: (null) = %q, want none", cfg.TeamColumns)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown key with suggestion", "tenant_columns: [a]\n\ntenant_colums: [org_id]\n",
			`t.yaml:3: unknown key "tenant_colums" (did you mean "tenant_columns"?)`},
		{"unknown key far from any", "frobnicate: 1\n",
			`t.yaml:1: unknown key "frobnicate" (known keys: admin_roles, global_tables, probe, rules, schemas, team_columns, tenant_columns, tenant_functions)`},
		{"repeated key", "schemas: [a]\nschemas: [b]\n", ""}, // yaml.v3 itself rejects it
		{"not a mapping", "- org_id\n", `t.yaml:1: the file must be a mapping of keys (tenant_columns:, rules: ...)`},
		{"list of mappings", "tenant_columns:\n  - name: org_id\n", `t.yaml:2: expected a name, got a mapping`},
		{"empty name", "tenant_columns: ['', org_id]\n", `t.yaml:1: expected a name, got ""`},
		{"mapping instead of list", "schemas:\n  public: true\n", `t.yaml:2: expected a list of names, got a mapping`},
		{"unknown rule", "rules:\n  rls-disbled: off\n", `t.yaml:2: rules: unknown rule "rls-disbled" (see ` + "`tenantguard rules`)"},
		{"bad severity", "rules:\n  rls-disabled: fatal\n", `t.yaml:2: rules: rls-disabled: "fatal" is not off, error, warning or info`},
		{"rules not a mapping", "rules: [rls-disabled]\n", `t.yaml:1: rules: expected a mapping of rule name to off|error|warning|info, got a list`},
		{"rule value a list", "rules:\n  rls-disabled: [off]\n", `t.yaml:2: rules: rls-disabled: expected off, error, warning or info, got a list`},
		{"unknown probe key", "probe:\n  rol: app\n", `t.yaml:2: unknown key "rol" (did you mean "role"?)`},
		{"bad preset", "probe:\n  preset: firebase\n", `t.yaml:2: probe.preset: unknown preset "firebase" (the only preset is supabase)`},
		{"three tenants", "probe:\n  tenants: [a, b, c]\n", `t.yaml:2: probe.tenants: give auto or exactly two tenant ids, got 3`},
		{"probe scalar", "probe: yes\n", `t.yaml:1: probe: expected a mapping (role:, tenant_setting:, preset:, tenants:), got "yes"`},
		{"probe role list", "probe:\n  role: [a]\n", `t.yaml:2: expected a single value, got a list`},
		{"number for a name", "tenant_columns: [1, org_id]\n", `t.yaml:1: expected a name, got the number 1 (quote it if it is a name)`},
		{"boolean for a name", "schemas: true\n", `t.yaml:1: expected a name, got the boolean true (quote it if it is a name)`},
		{"no tenant columns", "tenant_columns: []\n", `t.yaml:1: must name at least one column (the column that marks a tenant's rows); leave the key out for the defaults`},
		{"tenant columns null", "tenant_columns:\n", `t.yaml:1: must name at least one column (the column that marks a tenant's rows); leave the key out for the defaults`},
		{"second document", "tenant_columns: [org_id]\n---\nfoo: 1\n", `t.yaml:2: a second YAML document starts here: tenantguard.yaml holds one`},
		{"bad yaml", "tenant_columns: [org_id\n", `t.yaml:1: not valid YAML: did not find expected ',' or ']'`},
		{"tab indentation", "rules:\n\trls-disabled: off\n", "t.yaml:2: not valid YAML: found character that cannot start any token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tt.src), knownRule)
			if err == nil {
				t.Fatal("no error")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is %T, want *config.Error", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if !strings.HasPrefix(err.Error(), "t.yaml:") {
				t.Errorf("error %q does not name the file and line", err)
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestParseRuleOffSpellings(t *testing.T) {
	for _, v := range []string{"off", "OFF", "false", "no", "disabled"} {
		cfg, err := Parse("t.yaml", []byte("rules:\n  rls-disabled: "+v+"\n"), knownRule)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if !cfg.Rules["rls-disabled"].Off {
			t.Errorf("%s: rule not off: %+v", v, cfg.Rules["rls-disabled"])
		}
	}
	// Without a rule check every name is accepted (the caller validates).
	if _, err := Parse("t.yaml", []byte("rules:\n  anything: warning\n"), nil); err != nil {
		t.Errorf("nil knownRule: %v", err)
	}
}

func TestProbeTenantsAuto(t *testing.T) {
	cfg, err := Parse("t.yaml", []byte("probe:\n  preset: supabase\n  tenants: auto\n"), knownRule)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Probe.Preset != "supabase" || cfg.Probe.Tenants != nil {
		t.Errorf("probe = %+v", cfg.Probe)
	}
}

func TestFindUpward(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p string) {
		t.Helper()
		if err := os.WriteFile(p, []byte("tenant_columns: [org_id]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := Find(deep); got != "" && strings.HasPrefix(got, root) {
		t.Fatalf("Find with no file = %q", got)
	}
	write(filepath.Join(root, "a", ".tenantguard.yml"))
	if got, want := Find(deep), filepath.Join(root, "a", ".tenantguard.yml"); got != want {
		t.Errorf("Find = %q, want %q", got, want)
	}
	// A nearer file wins; in one folder tenantguard.yaml comes first.
	write(filepath.Join(root, "a", "b", "tenantguard.yml"))
	write(filepath.Join(root, "a", "b", "tenantguard.yaml"))
	if got, want := Find(deep), filepath.Join(root, "a", "b", "tenantguard.yaml"); got != want {
		t.Errorf("Find = %q, want %q", got, want)
	}
	// A folder named like the file is not a config.
	if err := os.Mkdir(filepath.Join(deep, "tenantguard.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, want := Find(deep), filepath.Join(root, "a", "b", "tenantguard.yaml"); got != want {
		t.Errorf("Find past a directory named tenantguard.yaml = %q, want %q", got, want)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "tenantguard.yaml")
	if err := os.WriteFile(p, []byte("tenant_columns: [account_id]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(p, knownRule)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.TenantColumns, []string{"account_id"}) {
		t.Errorf("tenant_columns = %q", cfg.TenantColumns)
	}
	_, err = Load(filepath.Join(dir, "missing.yaml"), knownRule)
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "config: ") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"rules", "schemas", "tenant_columns"}
	for in, want := range map[string]string{
		"rule":          ` (did you mean "rules"?)`,
		"schema":        ` (did you mean "schemas"?)`,
		"tenantcolumns": ` (did you mean "tenant_columns"?)`,
		"xyzzy":         ` (known keys: rules, schemas, tenant_columns)`,
	} {
		if got := suggest(in, known); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
