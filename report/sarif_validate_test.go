package report

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/source"
	"github.com/tenantguard/tenantguard/rules"
)

// sarifMultitool finds the Microsoft SARIF Multitool that
// scripts/ensure-sarif-validator.sh installs in .tools/ (or the one
// SARIF_MULTITOOL names). Without it the test skips, except with CI=true,
// where the validator must be there.
func sarifMultitool(t *testing.T) string {
	t.Helper()
	p := os.Getenv("SARIF_MULTITOOL")
	if p == "" {
		platform := runtime.GOOS
		name := "Sarif.Multitool"
		if platform == "windows" {
			platform, name = "win32", name+".exe"
		}
		abs, err := filepath.Abs(filepath.Join("..", ".tools", "sarif-multitool", "node_modules", "@microsoft", "sarif-multitool-"+platform, name))
		if err != nil {
			t.Fatal(err)
		}
		p = abs
	}
	if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
		msg := "SARIF Multitool not installed at " + p + " (run scripts/ensure-sarif-validator.sh, or `make deps`)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// validationResult is one finding of the validator.
type validationResult struct {
	RuleID  string `json:"ruleId"`
	Level   string `json:"level"`
	Message struct {
		Text      string   `json:"text"`
		ID        string   `json:"id"`
		Arguments []string `json:"arguments"`
	} `json:"message"`
}

// validateSARIF runs the Multitool's SARIF and GitHub ingestion rules on
// a log and returns its errors and warnings (notes are advice, such as
// "consider message ids": not defects).
func validateSARIF(t *testing.T, tool string, log []byte) []validationResult {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.sarif"), filepath.Join(dir, "out.sarif")
	if err := os.WriteFile(in, log, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tool, "validate", in, "--rule-kind", "Sarif;Gh", "--level", "Error;Warning;Note", "--output", out, "--log", "ForceOverwrite")
	// The .NET runtime inside the binary will not start on a machine
	// without ICU libraries unless globalization is invariant.
	cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
	outText, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("validator failed: %v\n%s", err, outText)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("validator wrote no log: %v\n%s", err, outText)
	}
	var res struct {
		Runs []struct {
			Results []validationResult `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("validator log: %v", err)
	}
	if len(res.Runs) == 0 {
		t.Fatalf("validator log has no run:\n%s", outText)
	}
	var bad []validationResult
	for _, r := range res.Runs[0].Results {
		// A result without a level is a warning (SARIF §3.27.10).
		if r.Level == "" || r.Level == "error" || r.Level == "warning" {
			bad = append(bad, r)
		}
	}
	return bad
}

// lintExample lints the bundled example the README starts with.
func lintExample(t *testing.T) *Report {
	t.Helper()
	migs, problems, err := discover.Discover([]string{"testdata/examples/saas"}, discover.Options{Dir: ".."})
	if err != nil {
		t.Fatal(err)
	}
	files := make([]*source.File, len(migs))
	for i, m := range migs {
		files[i] = m.File
	}
	cfg := lint.DefaultConfig()
	res := lint.Run(ddl.Load(files), &cfg, rules.All())
	r := &Report{
		Tool: Tool{Name: "tenantguard", Version: "0.1.0-dev"}, Kind: "lint",
		Findings: res.Findings, Checks: res.Checks, Rules: res.Rules, RuleTime: res.RuleTime,
		Files: len(migs), FailOn: lint.Threshold(lint.Error),
	}
	for _, p := range problems {
		r.Problems = append(r.Problems, Problem{Path: p.Path, Message: p.Err.Error()})
	}
	if len(r.Findings) == 0 {
		t.Fatal("the example has no findings: nothing to validate")
	}
	return r
}

// The SARIF validates with zero errors and zero warnings under the
// Microsoft SARIF Multitool, with its GitHub ingestion rules: for the
// fixture (live findings, suppressions, baseline, unreadable files) and
// for a real lint run.
func TestSARIFValidatesWithMultitool(t *testing.T) {
	tool := sarifMultitool(t)
	logs := map[string]*Report{"fixture": fixture(), "example": lintExample(t)}
	// A report with no finding at all must validate too.
	logs["empty"] = &Report{Tool: Tool{Name: "tenantguard", Version: "0.1.0-dev"}, Kind: "probe"}
	for name, r := range logs {
		t.Run(name, func(t *testing.T) {
			for _, res := range validateSARIF(t, tool, []byte(render(t, "sarif", Options{}, r))) {
				t.Errorf("%s %s: %s %s %s", res.Level, res.RuleID, res.Message.Text, res.Message.ID, strings.Join(res.Message.Arguments, " | "))
			}
		})
	}
}

// The validator is not a rubber stamp: a log GitHub would reject fails.
func TestSARIFValidatorCatchesDefects(t *testing.T) {
	tool := sarifMultitool(t)
	var log map[string]any
	if err := json.Unmarshal([]byte(render(t, "sarif", Options{}, fixture())), &log); err != nil {
		t.Fatal(err)
	}
	rule := log["runs"].([]any)[0].(map[string]any)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)[0].(map[string]any)
	delete(rule, "shortDescription")
	broken, _ := json.Marshal(log)
	if len(validateSARIF(t, tool, broken)) == 0 {
		t.Fatal("a rule without shortDescription validated: the validator is not checking GitHub's rules")
	}
}
