package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tenantguard/tenantguard/lint"
)

func TestProbeOptionsFromFlags(t *testing.T) {
	f := newFakeIO(t.TempDir(), false, nil)
	var got *ProbeOptions
	cmd := newCmdProbe(f.Factory, func(o *ProbeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--db", "postgres://u@h/d", "--role", "app_user", "--tenant-setting", "app.tenant",
		"--tenants", "a,b", "--read-only", "--timeout", "2s", "--lock-timeout", "250ms", "--parallel", "2", "--format", "json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.DB != "postgres://u@h/d" || got.Role != "app_user" || got.TenantSetting != "app.tenant" ||
		strings.Join(got.Tenants, ",") != "a,b" || !got.ReadOnly || got.Timeout != 2*time.Second ||
		got.LockTimeout != 250*time.Millisecond || got.Parallel != 2 || got.Format != "json" {
		t.Errorf("options %+v", got)
	}
}

func TestProbeBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"probe"}, nil, "probe needs a database: --db URL (or DATABASE_URL)"},
		{[]string{"probe", "migrations"}, nil, "probe reads a database, not files"},
		{[]string{"probe", "--db", "postgres://x@h/d", "--tenants", "a"}, nil, "--tenants: give exactly two tenant ids, A,B (got 1)"},
		{[]string{"probe", "--db", "postgres://x@h/d", "--tenants", "a,a"}, nil, `--tenants: give two different tenant ids (got "a" twice)`},
		{[]string{"check", "--ephemeral", "--tenants", "a,b,c"}, nil, "--tenants: give exactly two tenant ids, A,B (got 3)"},
		{[]string{"probe", "--db", "postgres://x@h/d", "--preset", "heroku"}, nil, `--preset: unknown preset "heroku"`},
		{[]string{"probe", "--db", "postgres://x@h/d", "--timeout", "0s"}, nil, "--timeout must be positive"},
		{[]string{"probe", "--db", "postgres://x@h/d", "--parallel", "0"}, nil, "--parallel must be at least 1"},
		{[]string{"probe", "--db", "postgres://x@h/d", "--format", "yaml"}, nil, `unknown format "yaml"`},
	} {
		code, stdout, stderr := run(t, dir, tt.env, tt.args...)
		if code != ExitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// Flags win over the config file's probe section.
func TestProbeFlagsWinOverConfig(t *testing.T) {
	cfg := lint.DefaultConfig()
	cfg.Probe = lint.ProbeConfig{Role: "file_role", Preset: "supabase", Tenants: []string{"x", "y"}}
	o := &ProbeOptions{probeFlags: probeFlags{TenantSetting: "app.tenant", Tenants: []string{"a", "b"}}}
	o.applyProbeFlags(&cfg)
	if cfg.Probe.Role != "file_role" || cfg.Probe.TenantSetting != "app.tenant" || cfg.Probe.Preset != "" ||
		strings.Join(cfg.Probe.Tenants, ",") != "a,b" {
		t.Errorf("probe config %+v", cfg.Probe)
	}
	o = &ProbeOptions{probeFlags: probeFlags{Role: "flag_role"}, Preset: "Supabase"}
	o.applyProbeFlags(&cfg)
	if cfg.Probe.Role != "flag_role" || cfg.Probe.Preset != "supabase" {
		t.Errorf("probe config %+v", cfg.Probe)
	}
}

func TestProbeHelpHasExamples(t *testing.T) {
	f := newFakeIO(t.TempDir(), false, nil)
	if code := Run([]string{"probe", "--help"}, f.Factory); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if out := f.out.String(); !strings.Contains(out, "Examples:") || !strings.Contains(out, "tenantguard probe --db") {
		t.Errorf("probe --help has no examples:\n%s", out)
	}
}

// check takes the probe flags too, and they win over the config file.
func TestCheckProbeFlags(t *testing.T) {
	f := newFakeIO(t.TempDir(), false, nil)
	var got *CheckOptions
	cmd := newCmdCheck(f.Factory, func(o *CheckOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--ephemeral", "--role", "app_user", "--tenant-setting", "app.tenant", "--tenants", "a,b", "--read-only"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Role != "app_user" || got.TenantSetting != "app.tenant" || strings.Join(got.Tenants, ",") != "a,b" || !got.ReadOnly {
		t.Fatalf("options %+v", got)
	}
	cfg := lint.DefaultConfig()
	cfg.Probe = lint.ProbeConfig{Role: "file_role", Preset: "supabase"}
	got.apply(&cfg)
	if cfg.Probe.Role != "app_user" || cfg.Probe.TenantSetting != "app.tenant" || cfg.Probe.Preset != "" || strings.Join(cfg.Probe.Tenants, ",") != "a,b" {
		t.Errorf("probe config %+v", cfg.Probe)
	}
}

// probeMigrations: two application roles granted the tenant tables, a
// correct table, a leaking one, and one whose leak is silenced by an ignore
// comment.
var probeMigrations = map[string]string{
	"migrations/1_init.sql": `CREATE ROLE app_user NOLOGIN;
CREATE ROLE reporting NOLOGIN;
CREATE TABLE orgs (id uuid PRIMARY KEY, name text NOT NULL);
`,
	"migrations/2_tables.sql": `CREATE TABLE notes (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  uuid NOT NULL REFERENCES orgs (id),
    body    text NOT NULL
);
CREATE INDEX ON notes (org_id);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON notes
    USING (org_id = current_setting('app.current_tenant')::uuid)
    WITH CHECK (org_id = current_setting('app.current_tenant')::uuid);

CREATE TABLE projects (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  uuid NOT NULL REFERENCES orgs (id),
    name    text NOT NULL
);
CREATE INDEX ON projects (org_id);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_tenant ON projects
    USING (org_id = current_setting('app.current_tenant')::uuid);
CREATE POLICY projects_insert ON projects FOR INSERT WITH CHECK (true);

-- tenantguard:ignore probe-read-leak,probe-unset-context-leak every tenant reads the changelog
CREATE TABLE changelog (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id  uuid NOT NULL REFERENCES orgs (id),
    line    text NOT NULL
);
CREATE INDEX ON changelog (org_id);
ALTER TABLE changelog ENABLE ROW LEVEL SECURITY;
ALTER TABLE changelog FORCE ROW LEVEL SECURITY;
CREATE POLICY changelog_read ON changelog FOR SELECT USING (true); -- tenantguard:ignore policy-no-tenant-predicate every tenant reads the changelog

GRANT SELECT, INSERT, UPDATE, DELETE ON notes, projects, changelog TO app_user, reporting;
GRANT SELECT ON orgs TO app_user, reporting;
`,
}

// lineOf is the 1-based line of the first line of content that starts
// with prefix.
func lineOf(t *testing.T, content, prefix string) int {
	t.Helper()
	for i, l := range strings.Split(content, "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line starts with %q", prefix)
	return 0
}

// check --ephemeral runs the probes: a role must be named when several
// could be the application (exit 2, the rest of the report written); with
// --role the leaks are found, placed at the CREATE TABLE of their table
// (in JSON and SARIF), an ignore comment there silences them, and nothing
// is found on the correct table. --read-only skips the write checks.
func TestCheckProbes(t *testing.T) {
	dir := writeFiles(t, probeMigrations)
	code, stdout, stderr := runEphemeral(t, dir, "migrations", "--format", "json")
	if code != ExitError || strings.Count(stderr, "\n") != 1 ||
		!strings.Contains(stderr, "the throwaway server: probe: the database URL connects as postgres, a superuser, which sees every row") ||
		!strings.Contains(stderr, "(roles granted the tenant tables: app_user, reporting); the report covers lint and inspect") {
		t.Fatalf("two candidate roles: exit %d, stderr %q", code, stderr)
	}
	if f := findingOf(decodeFindings(t, stdout), "rls-no-policy", "public.orgs"); f != nil || len(decodeFindings(t, stdout)) == 0 {
		t.Errorf("the lint and inspect report was not written: %s", stdout)
	}

	code, stdout, stderr = runEphemeral(t, dir, "migrations", "--role", "app_user", "--format", "json", "--verbose")
	if code != ExitFindings {
		t.Fatalf("--role app_user: exit %d: %s", code, stderr)
	}
	fs := decodeFindings(t, stdout)
	tables := probeMigrations["migrations/2_tables.sql"]
	var probes []string
	for _, f := range fs {
		if f.Source != "probe" {
			continue
		}
		probes = append(probes, fmt.Sprintf("%s %s %s:%d suppressed=%v", f.Rule, f.Object, f.File, f.Line, f.Suppressed))
	}
	sort.Strings(probes)
	projects, changelog := lineOf(t, tables, "CREATE TABLE projects"), lineOf(t, tables, "CREATE TABLE changelog")
	want := []string{
		fmt.Sprintf("probe-read-leak public.changelog migrations/2_tables.sql:%d suppressed=true", changelog),
		fmt.Sprintf("probe-unset-context-leak public.changelog migrations/2_tables.sql:%d suppressed=true", changelog),
		fmt.Sprintf("probe-write-leak public.projects migrations/2_tables.sql:%d suppressed=false", projects),
	}
	if strings.Join(probes, "\n") != strings.Join(want, "\n") {
		t.Errorf("probe findings:\n%s\nwant:\n%s", strings.Join(probes, "\n"), strings.Join(want, "\n"))
	}
	if f := findingOf(fs, "probe-read-leak", "public.changelog"); f == nil || f.Justification != "every tenant reads the changelog" {
		t.Errorf("suppressed probe finding: %+v", f)
	}
	if f := findingOf(fs, "probe-write-leak", "public.projects"); f == nil || !strings.Contains(f.Detail, "reproduce (psql") {
		t.Errorf("probe finding without its reproduction: %+v", f)
	}

	code, stdout, _ = runEphemeral(t, dir, "migrations", "--role", "app_user", "--format", "sarif")
	if code != ExitFindings {
		t.Fatalf("sarif: exit %d", code)
	}
	if !strings.Contains(stdout, `"ruleId": "probe-write-leak"`) {
		t.Fatalf("no probe finding in SARIF:\n%s", stdout)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range doc.Runs[0].Results {
		if r.RuleID == "probe-write-leak" {
			loc := r.Locations[0].PhysicalLocation
			found = strings.HasSuffix(loc.ArtifactLocation.URI, "migrations/2_tables.sql") && loc.Region.StartLine == projects
			if !found {
				t.Errorf("SARIF location of the probe finding: %+v", loc)
			}
		}
	}
	if !found {
		t.Error("no probe-write-leak result in SARIF")
	}

	// Read-only on a database without rows: nothing to read, nothing
	// seeded, no write check.
	code, stdout, stderr = runEphemeral(t, dir, "migrations", "--role", "app_user", "--read-only", "--no-color", "--verbose")
	if code != ExitFindings {
		t.Fatalf("--read-only: exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "probe-write-leak") || !strings.Contains(stdout, "probe: read-only run (--read-only): no rows seeded, write and delete checks skipped") {
		t.Errorf("--read-only:\n%s", stdout)
	}
}
