package lint_test

import (
	"testing"

	"github.com/tenantguard/tenantguard/lint"
)

// fingerprints lints one file and returns the fingerprint of each
// tenant-table finding by object.
func fingerprints(t *testing.T, path, sql string) map[string]string {
	t.Helper()
	res := run(onlyTables(), fileSrc{path, sql})
	out := map[string]string{}
	for _, f := range res.Findings {
		if f.Rule != "tenant-table" {
			continue
		}
		if len(f.Fingerprint) != 32 {
			t.Errorf("fingerprint %q is not 32 hex digits", f.Fingerprint)
		}
		out[f.Object] = f.Fingerprint
	}
	return out
}

func TestFingerprintStability(t *testing.T) {
	base := fingerprints(t, "m/1.sql", "CREATE TABLE a (org_id uuid);\nCREATE TABLE b (org_id uuid);\n")
	if base["public.a"] == "" || base["public.a"] == base["public.b"] {
		t.Fatalf("fingerprints = %v", base)
	}
	same := map[string]string{
		"lines added above":        "-- a new comment\n\nCREATE INDEX x ON c (id);\nCREATE TABLE a (org_id uuid);\nCREATE TABLE b (org_id uuid);\n",
		"statements reordered":     "CREATE TABLE b (org_id uuid);\nCREATE TABLE a (org_id uuid);\n",
		"whitespace and case only": "create   table\n  a (org_id\tUUID);\nCREATE TABLE b (org_id uuid);\n",
	}
	for name, sql := range same {
		got := fingerprints(t, "m/1.sql", sql)
		if got["public.a"] != base["public.a"] || got["public.b"] != base["public.b"] {
			t.Errorf("%s: fingerprints changed: %v, want %v", name, got, base)
		}
	}
	changed := map[string]struct{ path, sql string }{
		"statement changed": {"m/1.sql", "CREATE TABLE a (org_id uuid, note text);\nCREATE TABLE b (org_id uuid);\n"},
		"file renamed":      {"m/2.sql", "CREATE TABLE a (org_id uuid);\nCREATE TABLE b (org_id uuid);\n"},
	}
	for name, c := range changed {
		got := fingerprints(t, c.path, c.sql)
		if got["public.a"] == base["public.a"] {
			t.Errorf("%s: fingerprint of public.a did not change", name)
		}
	}
}

func TestFingerprintWithoutStatement(t *testing.T) {
	// Live findings have no statement: the object identifies them, and the
	// message only when there is no object.
	a := lint.Finding{Rule: "r", Object: "public.t", Message: "one"}
	b := lint.Finding{Rule: "r", Object: "public.t", Message: "two"}
	if lint.Fingerprint(&a) != lint.Fingerprint(&b) {
		t.Error("live finding: message changed the fingerprint of an object")
	}
	c := lint.Finding{Rule: "r", Message: "one"}
	d := lint.Finding{Rule: "r", Message: "two"}
	if lint.Fingerprint(&c) == lint.Fingerprint(&d) {
		t.Error("findings with neither object nor statement share a fingerprint")
	}
	e := lint.Finding{Rule: "other", Object: "public.t", Message: "one"}
	if lint.Fingerprint(&a) == lint.Fingerprint(&e) {
		t.Error("rule not part of the fingerprint")
	}
}
