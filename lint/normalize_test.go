package lint

import "testing"

func TestFingerprintIgnoresFormatting(t *testing.T) {
	same := []string{
		"CREATE TABLE t (org_id uuid)",
		"create table t(org_id uuid)",
		"CREATE  TABLE t (\n  org_id uuid -- the tenant\n)",
		"CREATE /* note */ TABLE t ( org_id  uuid )",
	}
	want := normalizeSQL(same[0])
	for _, s := range same[1:] {
		if got := normalizeSQL(s); got != want {
			t.Errorf("normalizeSQL(%q) = %q, want %q", s, got, want)
		}
	}
	if normalizeSQL("CREATE TABLE t (org_id uuid)") == normalizeSQL("CREATE TABLE t (orgid uuid)") {
		t.Error("different statements normalise equal")
	}
}
