package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/internal/config"
	"github.com/tenantguard/tenantguard/rules"
)

// fakeIO is a factory on in-memory streams, working in dir, with the
// given environment; tty says whether stdout pretends to be a terminal.
type fakeIO struct {
	*Factory
	out, errOut *bytes.Buffer
}

func newFakeIO(dir string, tty bool, env map[string]string) fakeIO {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return fakeIO{
		Factory: &Factory{
			IO:     &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, OutTTY: tty},
			Getenv: func(k string) string { return env[k] },
			Getwd:  func() (string, error) { return dir, nil },
		},
		out: out, errOut: errOut,
	}
}

// writeFiles creates files (slash paths) under a new temporary folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const leakySQL = "CREATE TABLE orgs (id uuid PRIMARY KEY);\nCREATE TABLE notes (org_id uuid NOT NULL REFERENCES orgs (id));\nCREATE INDEX ON notes (org_id);\n"

func TestLintOptionsFromFlags(t *testing.T) {
	tests := []struct {
		args []string
		want LintOptions
	}{
		{nil, LintOptions{outputOptions: outputOptions{Format: "text", FailOn: "error"}}},
		{[]string{"db/migrations", "extra.sql", "--format", "json", "-o", "out.json", "--fail-on", "warning",
			"--no-color", "-v", "-c", "conf.yaml", "--list-files"},
			LintOptions{Paths: []string{"db/migrations", "extra.sql"}, ListFiles: true, outputOptions: outputOptions{
				Format: "json", Output: "out.json", FailOn: "warning", NoColor: true, Verbose: true, ConfigPath: "conf.yaml"}}},
		{[]string{"--config=x.yaml", "--output=-", "--verbose", "a"},
			LintOptions{Paths: []string{"a"}, outputOptions: outputOptions{Format: "text", FailOn: "error", ConfigPath: "x.yaml", Output: "-", Verbose: true}}},
	}
	for _, tt := range tests {
		f := newFakeIO(t.TempDir(), false, nil)
		var got *LintOptions
		cmd := newCmdLint(f.Factory, func(o *LintOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(f.out)
		cmd.SetErr(f.errOut)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if got == nil {
			t.Fatalf("%q: runF not called", tt.args)
		}
		if got.Factory != f.Factory {
			t.Errorf("%q: options carry another factory", tt.args)
		}
		w := tt.want
		if !slices.Equal(got.Paths, w.Paths) || got.ListFiles != w.ListFiles || got.Format != w.Format || got.Output != w.Output ||
			got.FailOn != w.FailOn || got.NoColor != w.NoColor || got.Verbose != w.Verbose || got.ConfigPath != w.ConfigPath {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.args, *got, w)
		}
	}
}

func TestInitAndRulesOptionsFromFlags(t *testing.T) {
	f := newFakeIO(t.TempDir(), false, nil)
	var io *InitOptions
	cmd := newCmdInit(f.Factory, func(o *InitOptions) error { io = o; return nil })
	cmd.SetArgs([]string{"db", "sql", "-o", "-", "--force"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(io.Paths, []string{"db", "sql"}) || io.Output != "-" || !io.Force {
		t.Errorf("init options = %+v", *io)
	}
	var ro *RulesOptions
	cmd = newCmdRules(f.Factory, func(o *RulesOptions) error { ro = o; return nil })
	cmd.SetArgs([]string{"RLS002"})
	if err := cmd.Execute(); err != nil || ro.Name != "RLS002" {
		t.Errorf("rules options = %+v, %v", ro, err)
	}
	cmd = newCmdRules(f.Factory, func(o *RulesOptions) error { return nil })
	cmd.SetArgs([]string{"a", "b"})
	cmd.SetOut(f.out)
	cmd.SetErr(f.errOut)
	if err := cmd.Execute(); err == nil {
		t.Error("rules with two names: no error")
	}
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestColour(t *testing.T) {
	dir := writeFiles(t, map[string]string{"migrations/1_init.sql": leakySQL})
	tests := []struct {
		name   string
		tty    bool
		env    map[string]string
		args   []string
		colour bool
	}{
		{"terminal", true, nil, nil, true},
		{"pipe", false, nil, nil, false},
		{"terminal with --no-color", true, nil, []string{"--no-color"}, false},
		{"terminal with NO_COLOR", true, map[string]string{"NO_COLOR": "1"}, nil, false},
		{"terminal, JSON", true, nil, []string{"--format", "json"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIO(dir, tt.tty, tt.env)
			code := Run(append([]string{"lint"}, tt.args...), f.Factory)
			if code != ExitFindings {
				t.Fatalf("exit %d, stderr %q", code, f.errOut.String())
			}
			if got := ansiRE.MatchString(f.out.String()); got != tt.colour {
				t.Errorf("colour %v, want %v:\n%q", got, tt.colour, f.out.String())
			}
			plain := ansiRE.ReplaceAllString(f.out.String(), "")
			if tt.args == nil && !strings.Contains(plain, "migrations/1_init.sql:2:1: error rls-disabled: tenant table public.notes") {
				t.Errorf("text report without colour codes:\n%s", plain)
			}
		})
	}
	// A report written to a file never has colour, terminal or not.
	// (-o is relative to the process's working directory.)
	t.Chdir(dir)
	f := newFakeIO(dir, true, nil)
	if code := Run([]string{"lint", "-o", "report.txt"}, f.Factory); code != ExitFindings {
		t.Fatalf("exit %d: %s", code, f.errOut.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if ansiRE.Match(b) || f.out.Len() != 0 {
		t.Errorf("file report has colour or stdout got output: %q / %q", b, f.out.String())
	}
}

func TestExitCodes(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"leaky/1.sql": leakySQL,
		"clean/1.sql": "CREATE TABLE plans (id text PRIMARY KEY);\n",
		"warn/1.sql":  "CREATE TABLE t (org_id uuid NOT NULL);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\nALTER TABLE t FORCE ROW LEVEL SECURITY;\n",
	})
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"lint", "leaky"}, ExitFindings, ""},
		{[]string{"lint", "leaky", "--fail-on", "none"}, ExitOK, ""},
		{[]string{"lint", "clean"}, ExitOK, ""},
		{[]string{"lint", "warn"}, ExitOK, ""},
		{[]string{"lint", "warn", "--fail-on", "warning"}, ExitFindings, ""},
		{[]string{"lint", "clean", "--fail-on", "info"}, ExitFindings, ""}, // table-unclassified is info
		{[]string{"lint", "missing"}, ExitError, "tenantguard: lint: open missing: no such file or directory\n"},
		{[]string{"lint", "--fail-on", "sometimes"}, ExitError, "tenantguard: unknown --fail-on level \"sometimes\" (want error, warning, info or none)\n"},
		{[]string{"lint", "--bogus"}, ExitError, "tenantguard: unknown flag: --bogus (see `tenantguard lint --help`)\n"},
		{[]string{"frobnicate"}, ExitError, ""},
		{[]string{"rules", "nope"}, ExitError, "tenantguard: unknown rule \"nope\" (run `tenantguard rules` for the list)\n"},
		{[]string{"rules", "rls002"}, ExitOK, ""},
		{[]string{"version", "extra"}, ExitError, ""},
	}
	for _, tt := range tests {
		f := newFakeIO(dir, false, nil)
		code := Run(tt.args, f.Factory)
		if code != tt.code {
			t.Errorf("%q: exit %d, want %d (stderr %q)", tt.args, code, tt.code, f.errOut.String())
		}
		errOut := f.errOut.String()
		if tt.stderr != "" && errOut != tt.stderr {
			t.Errorf("%q: stderr %q, want %q", tt.args, errOut, tt.stderr)
		}
		if code == ExitError && (strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "tenantguard: ")) {
			t.Errorf("%q: exit 2 needs one line on stderr, got %q", tt.args, errOut)
		}
		if code != ExitError && errOut != "" {
			t.Errorf("%q: stderr %q on exit %d", tt.args, errOut, code)
		}
	}
}

func TestRunIncompleteLintStillWritesTheReport(t *testing.T) {
	dir := writeFiles(t, map[string]string{"m/1_a.sql": leakySQL})
	if err := os.Symlink("../gone.sql", filepath.Join(dir, "m", "2_b.sql")); err != nil {
		t.Skipf("symlinks: %v", err)
	}
	f := newFakeIO(dir, false, nil)
	if code := Run([]string{"lint", "m"}, f.Factory); code != ExitError {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(f.out.String(), "m/1_a.sql:2:1: error rls-disabled") {
		t.Errorf("report not written:\n%s", f.out.String())
	}
	if got, want := f.errOut.String(), "tenantguard: could not read 1 file (first: m/2_b.sql: broken symlink (its target does not exist)); the report covers the rest\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
}

func TestErrorsNeverLeakPasswords(t *testing.T) {
	const secret = "hunter2"
	dir := t.TempDir()
	for _, args := range [][]string{
		{"lint", "postgres://app:" + secret + "@db.internal:5432/prod"},
		{"lint", "-c", "postgresql://app:" + secret + "@db/prod?sslmode=require"},
		{"lint", "host=db password=" + secret + " user=app"},
		{"lint", "--format", "postgres://app:" + secret + "@db/prod"},
		{"lint", "--bogus=postgres://app:" + secret + "@db/prod"},
	} {
		f := newFakeIO(dir, false, nil)
		if code := Run(args, f.Factory); code != ExitError {
			t.Errorf("%q: exit %d", args, code)
		}
		if out := f.out.String() + f.errOut.String(); strings.Contains(out, secret) {
			t.Errorf("%q: output %q leaks the password", args, out)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"connect postgres://u:pw@h:5432/db?sslmode=require: refused": "connect postgres://u:***@h:5432/db?sslmode=require: refused",
		`open "postgres://u:p'w@h/db": no such file`:                 `open "postgres://u:***@h/db": no such file`,
		"postgres://u:p@ss@host/db":                                  "postgres://u:***@host/db",
		"POSTGRESQL://u:pw@h/db":                                     "postgresql://u:***@h/db",
		"postgresql://h/db?password=pw&sslmode=disable":              "postgresql://h/db?password=***&sslmode=disable",
		"postgres://u:pw@h/db,postgres://v:pw2@h2/db":                "postgres://u:***@h2/db",
		"host=h password=pw user=u":                                  "host=h password=*** user=u",
		"host=h PASSWORD = 'p w' user=u":                             "host=h PASSWORD=*** user=u",
		`dsn "user=u password=\"p w\" host=h"`:                       `dsn "user=u password=*** host=h"`,
		"PGPASSWORD=pw psql":                                         "PGPASSWORD=*** psql",
		"postgres://u@h/db and postgres://h/db":                      "postgres://u@h/db and postgres://h/db",
		"no secrets here: password policy":                           "no secrets here: password policy",
	}
	for in, want := range tests {
		got := Redact(in)
		if got != want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestInitWritesTenantColumnsFound(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"db/migrations/001_init.sql": `
CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE projects (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));
CREATE TABLE tasks (id bigint, customer_id bigint REFERENCES customers (id), workspace_id uuid);
CREATE TABLE countries (code text PRIMARY KEY);
`,
	})
	f := newFakeIO(dir, false, nil)
	if code := Run([]string{"init"}, f.Factory); code != ExitOK {
		t.Fatalf("exit %d: %s", code, f.errOut.String())
	}
	if got := f.errOut.String(); got != "wrote tenantguard.yaml (1 migration files read)\n" {
		t.Errorf("stderr %q", got)
	}
	path := filepath.Join(dir, "tenantguard.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		"tenant_columns: [customer_id, workspace_id]\n",
		"# global_tables: [public.countries]\n",
		"  role: app_user",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("tenantguard.yaml lacks %q:\n%s", want, text)
		}
	}
	// What init writes is a valid config, and lint takes it.
	cfg, err := config.Parse(path, b, func(n string) bool { return rules.Lookup(n) != nil })
	if err != nil {
		t.Fatalf("written config does not load: %v", err)
	}
	if !slices.Equal(cfg.TenantColumns, []string{"customer_id", "workspace_id"}) {
		t.Errorf("tenant_columns = %q", cfg.TenantColumns)
	}

	// A second init does not overwrite; --force does; -o - prints.
	f = newFakeIO(dir, false, nil)
	if code := Run([]string{"init"}, f.Factory); code != ExitError ||
		f.errOut.String() != "tenantguard: tenantguard.yaml already exists (use --force to overwrite)\n" {
		t.Errorf("second init: exit %d, stderr %q", code, f.errOut.String())
	}
	if err := os.WriteFile(path, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f = newFakeIO(dir, false, nil)
	if code := Run([]string{"init", "--force", "db/migrations"}, f.Factory); code != ExitOK {
		t.Fatalf("init --force: exit %d: %s", code, f.errOut.String())
	}
	if b2, _ := os.ReadFile(path); string(b2) != text {
		t.Errorf("init --force wrote something else:\n%s", b2)
	}
	f = newFakeIO(dir, false, nil)
	if code := Run([]string{"init", "-o", "-"}, f.Factory); code != ExitOK || f.out.String() != text || f.errOut.Len() != 0 {
		t.Errorf("init -o -: exit %d, stdout equal %v, stderr %q", code, f.out.String() == text, f.errOut.String())
	}
}

// init reads camelCase tenant columns (Prisma) and takes the probe's role
// and tenant setting from the policies it finds.
func TestInitGuessesFromPolicies(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"prisma/migrations/20240101000000_init/migration.sql": `
CREATE TABLE "Organization" ("id" TEXT NOT NULL PRIMARY KEY);
CREATE TABLE "Project" ("id" TEXT NOT NULL PRIMARY KEY, "organizationId" TEXT NOT NULL REFERENCES "Organization" ("id"));
CREATE TABLE "Invoice" ("id" TEXT NOT NULL PRIMARY KEY, "organizationId" TEXT NOT NULL);
CREATE ROLE app LOGIN;
ALTER TABLE "Project" ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON "Project" TO app USING ("organizationId" = current_setting('app.tenant_id'));
CREATE POLICY tenant ON "Invoice" TO app USING ("organizationId" = current_setting('app.tenant_id', true));
`,
	})
	f := newFakeIO(dir, false, nil)
	if code := Run([]string{"init", "-o", "-"}, f.Factory); code != ExitOK {
		t.Fatalf("exit %d: %s", code, f.errOut.String())
	}
	text := f.out.String()
	for _, want := range []string{
		"tenant_columns: [organizationId]\n",
		"  role: app ",
		"  tenant_setting: app.tenant_id ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("config lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "global_tables: [") && strings.Contains(text, "Project") {
		t.Errorf("a tenant table is offered as global:\n%s", text)
	}
}

func TestInitWithoutMigrations(t *testing.T) {
	dir := t.TempDir()
	f := newFakeIO(dir, false, nil)
	if code := Run([]string{"init"}, f.Factory); code != ExitOK {
		t.Fatalf("exit %d: %s", code, f.errOut.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "tenantguard.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "# None found: these are the defaults.\ntenant_columns: [tenant_id, org_id, organization_id, account_id, workspace_id]") {
		t.Errorf("defaults not written:\n%s", b)
	}
	if !strings.Contains(f.errOut.String(), "tenant_columns left at the defaults") {
		t.Errorf("stderr %q does not say why", f.errOut.String())
	}
	// A PATH that does not exist is an error, and nothing is written.
	dir = t.TempDir()
	f = newFakeIO(dir, false, nil)
	if code := Run([]string{"init", "nope"}, f.Factory); code != ExitError {
		t.Errorf("init nope: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "tenantguard.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("init nope wrote a file: %v", err)
	}
}

func TestInitSupabaseProbePreset(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"supabase/migrations/20240101000000_init.sql": "CREATE TABLE orgs (id uuid PRIMARY KEY);\nCREATE TABLE t (org_id uuid REFERENCES orgs (id));\n",
	})
	f := newFakeIO(dir, false, nil)
	if code := Run([]string{"init", "-o", "-"}, f.Factory); code != ExitOK {
		t.Fatalf("exit %d: %s", code, f.errOut.String())
	}
	if !strings.Contains(f.out.String(), "  preset: supabase") || strings.Contains(f.out.String(), "role: app_user") {
		t.Errorf("supabase project config:\n%s", f.out.String())
	}
}

func TestVersion(t *testing.T) {
	f := newFakeIO(t.TempDir(), false, nil)
	if code := Run([]string{"version"}, f.Factory); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	want := regexp.MustCompile(`^tenantguard \S+ \(` + regexp.QuoteMeta(runtime.Version()) + `, ` + runtime.GOOS + `/` + runtime.GOARCH + `\)\n$`)
	if !want.MatchString(f.out.String()) {
		t.Errorf("version output %q", f.out.String())
	}
	old := Version
	Version = "v9.8.7"
	t.Cleanup(func() { Version = old })
	f = newFakeIO(t.TempDir(), false, nil)
	Run([]string{"version"}, f.Factory)
	if !strings.HasPrefix(f.out.String(), "tenantguard v9.8.7 (") || Tool().Version != "v9.8.7" {
		t.Errorf("ldflags version not used: %q", f.out.String())
	}
}

func TestHelpHasExamples(t *testing.T) {
	for _, cmd := range []string{"lint", "rules", "init"} {
		f := newFakeIO(t.TempDir(), false, nil)
		if code := Run([]string{cmd, "--help"}, f.Factory); code != ExitOK {
			t.Errorf("%s --help: exit %d", cmd, code)
		}
		if out := f.out.String(); !strings.Contains(out, "Examples:") || !strings.Contains(out, "tenantguard "+cmd) {
			t.Errorf("%s --help has no examples:\n%s", cmd, out)
		}
	}
}
