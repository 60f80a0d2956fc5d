package introspect

import "testing"

func TestAppendStripped(t *testing.T) {
	in := `{OPEXPR :opno 2972 :args ({VAR :varno 1 :varattno 2 :location 31} {CONST :consttype 25 :location -1 :constvalue 4 [ 16 0 0 0 ]}) :location 38}`
	want := `{OPEXPR :opno 2972 :args ({VAR :varno 1 :varattno 2 } {CONST :consttype 25  :constvalue 4 [ 16 0 0 0 ]}) }`
	if got := string(appendStripped(nil, []byte(in))); got != want {
		t.Errorf("appendStripped:\n got %s\nwant %s", got, want)
	}
	if got := string(appendStripped([]byte("x"), []byte("{CONST :consttype 25}"))); got != "x{CONST :consttype 25}" {
		t.Errorf("no location: %q", got)
	}
}
