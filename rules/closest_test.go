package rules

import "testing"

func TestClosest(t *testing.T) {
	for in, want := range map[string]string{
		"rls-not-force":     "rls-not-forced",
		"RLS-DISABLED":      "rls-disabled",
		"policy-user-meta":  "policy-user-metadata",
		"tenant-column-nul": "tenant-column-nullable",
		"frobnicate":        "",
		"rls-disabld":       "rls-disabled",
	} {
		if got := Closest(in); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}
