package report

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenantguard/tenantguard/lint"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testRule is a rule with a short doc of the real shape, so golden files
// do not change with the real rules' documentation.
func testRule(name, code string, sev lint.Severity, scope lint.Scope, probe bool) *lint.Rule {
	return &lint.Rule{
		Name: name, Code: code, Severity: sev, Scope: scope, Probe: probe,
		Summary: "what " + name + " finds",
		Doc: "# " + name + "\n\nCode: `" + code + "` · Default severity: **" + sev.String() + "** · Checks: " + string(scope) +
			"\n\nWhat " + name + " finds.\n\n## What goes wrong\n\nA customer sees\nanother customer's rows.\n\n## Bad\n\n```sql\nSELECT 1;\n```\n\n## Good\n\n```sql\nSELECT 2;\n```\n",
		Tags: []string{"security", "multi-tenancy"},
	}
}

// fixture is a report with one of everything: findings of each severity,
// in files and live (no file), suppressed and baselined ones, several
// findings on one object, a finding outside the rule's checks, passing
// checks, an unreadable file, awkward characters.
func fixture() *Report {
	notForced := testRule("rls-not-forced", "RLS002", lint.Error, lint.ScopeTenantTables, false)
	disabled := testRule("rls-disabled", "RLS001", lint.Error, lint.ScopeTenantTables, false)
	nullable := testRule("tenant-column-nullable", "COL002", lint.Warning, lint.ScopeTenantTables, false)
	unclassified := testRule("table-unclassified", "COL003", lint.Info, lint.ScopeTables, false)
	predicate := testRule("policy-no-tenant-predicate", "POL002", lint.Error, lint.ScopePolicies, false)
	parse := testRule("parse-error", "SQL001", lint.Error, lint.ScopeFiles, false)
	bypass := testRule("role-bypasses-rls", "ROLE001", lint.Error, lint.ScopeRoles, false)
	leak := testRule("probe-read-leak", "PRB001", lint.Error, "", true)

	const billing = "db/migrations/0003_billing.sql"
	const tenancy = "db/migrations/0001_tenancy.sql"
	const broken = "db/migrations/0004_broken.sql"
	r := &Report{
		Tool: Tool{Name: "tenantguard", Version: "1.2.3"},
		Kind: "check",
		Rules: []*lint.Rule{
			disabled, notForced, predicate, nullable, unclassified, bypass, parse, leak,
		},
		Findings: []lint.Finding{
			{Rule: "table-unclassified", Code: "COL003", Severity: lint.Info, Message: "public.plans has no tenant column",
				Object: "public.plans", ObjectKind: "table", File: tenancy, Line: 30, Column: 1, EndLine: 33, EndColumn: 2,
				Source: "lint", Fingerprint: "f0000000000000000000000000000001"},
			{Rule: "rls-disabled", Code: "RLS001", Severity: lint.Error, Message: "tenant table public.audit_log does not enable row level security",
				Object: "public.audit_log", ObjectKind: "table", File: billing, Line: 2, Column: 1, EndLine: 2, EndColumn: 40,
				Source: "lint", Suppressed: true, Justification: "written only by a trigger; no role can read it", Fingerprint: "f0000000000000000000000000000002"},
			{Rule: "rls-not-forced", Code: "RLS002", Severity: lint.Error,
				Message: "row level security on public.invoices is enabled but not forced: add ALTER TABLE public.invoices FORCE ROW LEVEL SECURITY",
				Object:  "public.invoices", ObjectKind: "table", File: billing, Line: 11, Column: 1, EndLine: 11, EndColumn: 47,
				Source: "lint", Fingerprint: "f0000000000000000000000000000003"},
			{Rule: "tenant-column-nullable", Code: "COL002", Severity: lint.Warning,
				Message: "tenant column public.attachments.org_id allows NULL: 100% of rows, a,b: <none> & 'all'\nsecond line\x01",
				Object:  "public.attachments", ObjectKind: "table", File: billing, Line: 20, Column: 5, EndLine: 21, EndColumn: 9,
				Source: "lint", Fingerprint: "f0000000000000000000000000000004"},
			{Rule: "tenant-column-nullable", Code: "COL002", Severity: lint.Warning,
				Message: "tenant column public.attachments.account_id allows NULL",
				Object:  "public.attachments", ObjectKind: "table", File: billing, Line: 22, Column: 5, EndLine: 22, EndColumn: 25,
				Source: "lint", Fingerprint: "f0000000000000000000000000000005"},
			{Rule: "policy-no-tenant-predicate", Code: "POL002", Severity: lint.Error,
				Message: "policy invoices_read on public.invoices lets every row through: USING (true)",
				Object:  "public.invoices.invoices_read", ObjectKind: "policy", File: billing, Line: 14, Column: 1, EndLine: 15, EndColumn: 18,
				Source: "lint", Baseline: true, Fingerprint: "f0000000000000000000000000000006"},
			{Rule: "parse-error", Code: "SQL001", Severity: lint.Error, Message: `syntax error at or near "TABEL"`,
				Object: broken, ObjectKind: "file", File: broken, Line: 3, Column: 8, EndLine: 3, EndColumn: 8,
				Source: "lint", Fingerprint: "f0000000000000000000000000000007"},
			{Rule: "probe-read-leak", Code: "PRB001", Severity: lint.Error,
				Message: "acting as tenant A, 3 rows of tenant B were visible in public.invoices",
				Object:  "public.invoices", ObjectKind: "table", Source: "probe",
				Detail:      "tenants: A=11111111-1111-1111-1111-111111111111 B=22222222-2222-2222-2222-222222222222\nSET ROLE app_user;\nSELECT count(*) FROM public.invoices WHERE org_id <> current_setting('app.current_tenant')::uuid;",
				Fingerprint: "f0000000000000000000000000000008"},
			{Rule: "role-bypasses-rls", Code: "ROLE001", Severity: lint.Error, Message: "login role app_admin has BYPASSRLS",
				Object: "app_admin", ObjectKind: "role", Source: "inspect", Fingerprint: "f0000000000000000000000000000009"},
		},
		Checks: []lint.Check{
			{Rule: "rls-disabled", Object: "public.audit_log", ObjectKind: "table", File: billing, Line: 1},
			{Rule: "rls-disabled", Object: "public.invoices", ObjectKind: "table", File: billing, Line: 5},
			{Rule: "rls-not-forced", Object: "public.invoices", ObjectKind: "table", File: billing, Line: 5},
			{Rule: "rls-not-forced", Object: "public.projects", ObjectKind: "table", File: tenancy, Line: 40},
			{Rule: "policy-no-tenant-predicate", Object: "public.invoices.invoices_read", ObjectKind: "policy", File: billing, Line: 14},
			{Rule: "tenant-column-nullable", Object: "public.attachments", ObjectKind: "table", File: billing, Line: 18},
			{Rule: "tenant-column-nullable", Object: "public.invoices", ObjectKind: "table", File: billing, Line: 5},
			{Rule: "table-unclassified", Object: "public.plans", ObjectKind: "table", File: tenancy, Line: 30},
			{Rule: "table-unclassified", Object: "public.orgs", ObjectKind: "table", File: tenancy, Line: 1},
			{Rule: "role-bypasses-rls", Object: "app_user", ObjectKind: "role"},
			{Rule: "parse-error", Object: tenancy, ObjectKind: "file", File: tenancy},
			{Rule: "parse-error", Object: billing, ObjectKind: "file", File: billing},
			{Rule: "parse-error", Object: broken, ObjectKind: "file", File: broken},
			{Rule: "probe-read-leak", Object: "public.invoices", ObjectKind: "table"},
			{Rule: "probe-read-leak", Object: "public.projects", ObjectKind: "table"},
		},
		Problems: []Problem{{Path: "db/migrations/0005_blob.sql", Message: "not UTF-8 text (binary file?)"}},
		Notes:    []string{"db/migrations/0002_ext.sql:1:1: ALTER of auth.users: not created by the files read; ignored"},
		Files:    4,
		FailOn:   lint.Threshold(lint.Error),
		Start:    time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC),
		Duration: 1500 * time.Millisecond,
		RuleTime: map[string]time.Duration{
			"rls-disabled": 2 * time.Millisecond, "rls-not-forced": time.Millisecond, "probe-read-leak": 900 * time.Millisecond,
		},
		Anchor:       "tenantguard.yaml",
		BaselineUsed: true,
	}
	lint.SortFindings(r.Findings) // as lint.Run leaves them
	return r
}

// render writes r in a format.
func render(t *testing.T, format string, opts Options, r *Report) string {
	t.Helper()
	w, err := NewWriter(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := w.Write(&b, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./report -update` to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run `go test ./report -update` and review the diff)\n--- got\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	cases := []struct {
		file, format string
		opts         Options
	}{
		{"fixture.txt", "text", Options{}},
		{"fixture-verbose.txt", "text", Options{Verbose: true}},
		{"fixture-color.txt", "text", Options{Color: true}},
		{"fixture.json", "json", Options{}},
		{"fixture.sarif", "sarif", Options{}},
		{"fixture.junit.xml", "junit", Options{}},
		{"fixture.github.txt", "github", Options{}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			golden(t, c.file, render(t, c.format, c.opts, fixture()))
		})
	}
}

// An empty run is still a valid report in every format.
func TestGoldenEmpty(t *testing.T) {
	r := &Report{Tool: Tool{Name: "tenantguard", Version: "0.1.0-dev"}, Kind: "lint", FailOn: lint.Threshold(lint.Error)}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			golden(t, "empty."+format, render(t, format, Options{}, r))
		})
	}
}

func TestNewWriterUnknownFormat(t *testing.T) {
	_, err := NewWriter("yaml", Options{})
	if err == nil || !strings.Contains(err.Error(), "text, json, sarif, junit, github") {
		t.Fatalf("err = %v, want the list of formats", err)
	}
}
