package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
)

// Writing, reading and applying a baseline: recorded findings are marked,
// new ones are not, suppressed ones are never recorded.
func TestBaselineRoundTrip(t *testing.T) {
	r := fixture()
	b := NewBaseline(r.Tool, r.Findings)
	for _, e := range b.Findings {
		if e.Fingerprint == "f0000000000000000000000000000002" {
			t.Error("a suppressed finding was recorded")
		}
	}
	if want := len(r.Findings) - 1; len(b.Findings) != want {
		t.Errorf("%d entries, want %d", len(b.Findings), want)
	}
	var text strings.Builder
	if err := b.Write(&text); err != nil {
		t.Fatal(err)
	}
	golden(t, "fixture.baseline.json", text.String())

	read, err := ParseBaseline([]byte(text.String()))
	if err != nil {
		t.Fatal(err)
	}
	// A later run: one finding fixed, one new.
	next := fixture().Findings
	for i := range next {
		next[i].Baseline = false
	}
	next = append(next[:2], next[3:]...) // rls-not-forced fixed
	next = append(next, lint.Finding{Rule: "rls-disabled", Severity: lint.Error, Object: "public.new_table", Fingerprint: "f00000000000000000000000000000ff"})
	if n := read.Apply(next); n != len(next)-2 {
		t.Errorf("Apply marked %d, want %d", n, len(next)-2)
	}
	for _, f := range next {
		want := !f.Suppressed && f.Object != "public.new_table"
		if f.Baseline != want {
			t.Errorf("%s %s: baseline %v, want %v", f.Rule, f.Object, f.Baseline, want)
		}
	}
}

// The file is diff-friendly: the same findings in any order give the
// same bytes.
func TestBaselineStableOrder(t *testing.T) {
	fs := fixture().Findings
	rev := append([]lint.Finding(nil), fs...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	var a, b strings.Builder
	if err := NewBaseline(Tool{Name: "tenantguard", Version: "1"}, fs).Write(&a); err != nil {
		t.Fatal(err)
	}
	if err := NewBaseline(Tool{Name: "tenantguard", Version: "1"}, rev).Write(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("order depends on the findings' order:\n%s\n---\n%s", a.String(), b.String())
	}
}

// One entry covers one finding: a second identical finding is new.
func TestBaselineCountsDuplicates(t *testing.T) {
	f := lint.Finding{Rule: "rls-disabled", Object: "public.t", File: "a.sql", Fingerprint: "abc"}
	b := &Baseline{Version: BaselineVersion, Findings: []BaselineEntry{{Rule: "rls-disabled", Fingerprint: "abc"}}}
	fs := []lint.Finding{f, f}
	if n := b.Apply(fs); n != 1 || !fs[0].Baseline || fs[1].Baseline {
		t.Errorf("Apply marked %d: %v %v", n, fs[0].Baseline, fs[1].Baseline)
	}
}

// Findings without a stored fingerprint are matched by the computed one.
func TestBaselineComputesFingerprints(t *testing.T) {
	f := lint.Finding{Rule: "role-bypasses-rls", Object: "app_admin", Message: "m"}
	b := NewBaseline(Tool{}, []lint.Finding{f})
	if b.Findings[0].Fingerprint == "" || b.Findings[0].Fingerprint != lint.Fingerprint(&f) {
		t.Fatalf("entry %+v", b.Findings[0])
	}
	fs := []lint.Finding{f}
	if b.Apply(fs) != 1 {
		t.Error("not matched")
	}
}

func TestReadBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		path string
		want string
	}{
		{filepath.Join(dir, "missing.json"), "missing.json: no such file or directory"},
		{write("empty.json", ""), "empty.json: not a tenantguard baseline: empty file"},
		{write("garbage.json", "{\n  \"version\": 1,\n  oops\n}\n"), "garbage.json: not a tenantguard baseline: line 3: invalid character"},
		{write("wrongtype.json", "{\"version\": 1, \"findings\": {}}"), "wrongtype.json: not a tenantguard baseline: line 1"},
		{write("sarif.json", `{"version": "2.1.0", "runs": []}`), "sarif.json: not a tenantguard baseline"},
		{write("future.json", `{"version": 2, "findings": []}`), "unsupported baseline version 2"},
		{write("nofp.json", `{"version": 1, "findings": [{"rule": "rls-disabled", "object": "public.t"}]}`), "finding 1 (rls-disabled public.t) has no fingerprint"},
		{write("trailing.json", `{"version": 1, "findings": []} {}`), "data after the JSON object"},
		{write("unknown.json", `{"version": 1, "findings": [], "extra": true}`), `unknown field "extra"`},
	}
	for _, c := range cases {
		_, err := ReadBaseline(c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "baseline "+c.path) {
			t.Errorf("ReadBaseline(%s) = %v, want an error naming the file and %q", filepath.Base(c.path), err, c.want)
		}
	}
	if _, err := ReadBaseline(write("ok.json", `{"version": 1, "tool": {"name": "tenantguard", "version": "1"}, "findings": []}`)); err != nil {
		t.Errorf("valid baseline: %v", err)
	}
}
