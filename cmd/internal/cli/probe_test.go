package cli

import (
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
	o := &ProbeOptions{TenantSetting: "app.tenant", Tenants: []string{"a", "b"}}
	o.applyProbeFlags(&cfg)
	if cfg.Probe.Role != "file_role" || cfg.Probe.TenantSetting != "app.tenant" || cfg.Probe.Preset != "" ||
		strings.Join(cfg.Probe.Tenants, ",") != "a,b" {
		t.Errorf("probe config %+v", cfg.Probe)
	}
	o = &ProbeOptions{Role: "flag_role", Preset: "Supabase"}
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
