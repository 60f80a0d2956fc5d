package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/report"
)

func TestParseReportFlag(t *testing.T) {
	good := map[string]reportTarget{
		"sarif=out.sarif":       {"sarif", "out.sarif"},
		"JUnit=reports/x.xml":   {"junit", "reports/x.xml"},
		"github=a=b.txt":        {"github", "a=b.txt"},
		" json =r.json":         {"json", "r.json"},
		"text=/dev/stderr":      {"text", "/dev/stderr"},
		"sarif=dir with sp.sar": {"sarif", "dir with sp.sar"},
	}
	for v, want := range good {
		got, err := parseReportFlag(v)
		if err != nil || got != want {
			t.Errorf("parseReportFlag(%q) = %+v, %v; want %+v", v, got, err, want)
		}
	}
	bad := map[string]string{
		"sarif":      "want FORMAT=FILE",
		"=out.sarif": "want FORMAT=FILE",
		"sarif=":     "want FORMAT=FILE",
		"yaml=x":     `unknown format "yaml"`,
		"sarif=-":    "use --format sarif for stdout",
	}
	for v, want := range bad {
		if _, err := parseReportFlag(v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseReportFlag(%q) = %v, want an error with %q", v, err, want)
		}
	}
}

func TestRepoPrefix(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "services", "api")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := repoPrefix(sub); got != "" {
		t.Errorf("outside a repository: %q, want none", got)
	}
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := repoPrefix(sub); got != "services/api" {
		t.Errorf("repoPrefix = %q, want services/api", got)
	}
	if got := repoPrefix(root); got != "" {
		t.Errorf("at the root: %q", got)
	}
	// A worktree or submodule has a .git file.
	if err := os.WriteFile(filepath.Join(sub, ".git"), []byte("gitdir: ../../.git/worktrees/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := repoPrefix(sub); got != "" {
		t.Errorf("in a worktree root: %q", got)
	}
}

func TestSourceDateEpoch(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if _, ok := sourceDateEpoch(getenv); ok {
		t.Error("unset: want no fixed time")
	}
	env["SOURCE_DATE_EPOCH"] = "1700000000"
	if got, ok := sourceDateEpoch(getenv); !ok || !got.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("got %v %v", got, ok)
	}
	env["SOURCE_DATE_EPOCH"] = "yesterday"
	if _, ok := sourceDateEpoch(getenv); ok {
		t.Error("garbage: want no fixed time")
	}
}

func TestValidateReportsBeforeWork(t *testing.T) {
	dir := t.TempDir()
	o := &outputOptions{
		Output:  filepath.Join(dir, "a.json"),
		Reports: []string{"sarif=" + filepath.Join(dir, "a.sarif"), "junit=" + filepath.Join(dir, "a.json")},
	}
	err := o.validateReports()
	if err == nil || !strings.Contains(err.Error(), "already written by --output") {
		t.Fatalf("err = %v, want a clash with --output", err)
	}
	o = &outputOptions{Baseline: filepath.Join(dir, "missing.json")}
	if err := o.validateReports(); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Fatalf("err = %v, want the missing baseline named", err)
	}
	// Several reports may go to one terminal stream.
	o = &outputOptions{Reports: []string{"github=/dev/stderr", "text=/dev/stderr"}}
	if _, err := os.Stat("/dev/stderr"); err == nil {
		if err := o.validateReports(); err != nil {
			t.Fatalf("err = %v", err)
		}
	}
	// Nothing was written by validation.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("validation wrote %v", entries)
	}
}

func testFactory(dir string, env map[string]string) *Factory {
	return &Factory{
		IO:     &IOStreams{Out: &strings.Builder{}, ErrOut: &strings.Builder{}},
		Getenv: func(k string) string { return env[k] },
		Getwd:  func() (string, error) { return dir, nil },
	}
}

func TestPrepareReport(t *testing.T) {
	dir := t.TempDir()
	f := testFactory(dir, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"})
	o := &outputOptions{WriteBaseline: filepath.Join(dir, "baseline.json")}
	if err := o.validateReports(); err != nil {
		t.Fatal(err)
	}
	r := &report.Report{
		Findings: []lint.Finding{
			{Rule: "probe-read-leak", Severity: lint.Error, Object: "public.t", Detail: "connect postgres://app:s3cret@db.internal/app failed", Fingerprint: "a"},
			{Rule: "rls-disabled", Object: "public.u", Suppressed: true, Fingerprint: "b"},
		},
		Problems: []report.Problem{{Path: "db", Message: "password=hunter2 rejected"}},
		RuleTime: map[string]time.Duration{"rls-disabled": time.Second},
		FailOn:   lint.Threshold(lint.Error),
	}
	if err := o.prepareReport(f, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Findings[0].Detail, "s3cret") || strings.Contains(r.Problems[0].Message, "hunter2") {
		t.Errorf("password left in report: %q %q", r.Findings[0].Detail, r.Problems[0].Message)
	}
	if !r.Start.Equal(time.Unix(1700000000, 0)) || r.Duration != 0 || r.RuleTime != nil {
		t.Errorf("SOURCE_DATE_EPOCH: start %v, duration %v, rule times %v", r.Start, r.Duration, r.RuleTime)
	}
	if !r.Findings[0].Baseline || r.Findings[1].Baseline || !r.BaselineUsed || r.Failed() {
		t.Errorf("written findings should be baselined (suppressed ones left alone): %+v", r.Findings)
	}
	b, err := report.ReadBaseline(o.WriteBaseline)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Findings) != 1 || b.Findings[0].Fingerprint != "a" {
		t.Errorf("baseline written: %+v", b.Findings)
	}
}
