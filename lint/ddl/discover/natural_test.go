package discover

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestNaturalCompare(t *testing.T) {
	less := [][2]string{
		{"V2", "V10"},
		{"2_x.sql", "10_x.sql"},
		{"V1.1", "V1.10"},
		{"V1.2", "V1.10"},
		{"1_a.sql", "1_b.sql"},
		{"a", "a1"},
		{"a1", "ab"},
		{"a!", "a1"},
		{"01", "1"}, // equal numbers: byte order decides, so the order stays total
		{"x9", "x00010"},
		{"99999999999999999999999", "100000000000000000000000"}, // no overflow
		{"schema/01_x.sql", "schema/sub/3_y.sql"},
		{"2_b.sql", "UPPER.SQL"},
		{"", "0"},
	}
	for _, p := range less {
		if c := naturalCompare(p[0], p[1]); c >= 0 {
			t.Errorf("naturalCompare(%q, %q) = %d, want < 0", p[0], p[1], c)
		}
		if c := naturalCompare(p[1], p[0]); c <= 0 {
			t.Errorf("naturalCompare(%q, %q) = %d, want > 0", p[1], p[0], c)
		}
	}
	if c := naturalCompare("10_x.sql", "10_x.sql"); c != 0 {
		t.Errorf("equal names compare %d", c)
	}
}

// TestNaturalCompareTotalOrder checks the properties sort relies on over
// names built from the characters that matter: digits (with leading
// zeros), letters, separators.
func TestNaturalCompareTotalOrder(t *testing.T) {
	const alphabet = "0019a_b.-/Z"
	r := rand.New(rand.NewPCG(1, 2))
	gen := func() string {
		b := make([]byte, r.IntN(7))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	names := make([]string, 300)
	for i := range names {
		names[i] = gen()
	}
	for _, a := range names {
		for _, b := range names {
			ab, ba := naturalCompare(a, b), naturalCompare(b, a)
			if sign(ab) != -sign(ba) {
				t.Fatalf("not antisymmetric: %q vs %q: %d, %d", a, b, ab, ba)
			}
			if (ab == 0) != (a == b) {
				t.Fatalf("naturalCompare(%q, %q) = 0 for different names", a, b)
			}
		}
	}
	for range 20000 {
		a, b, c := names[r.IntN(len(names))], names[r.IntN(len(names))], names[r.IntN(len(names))]
		if naturalCompare(a, b) < 0 && naturalCompare(b, c) < 0 && naturalCompare(a, c) >= 0 {
			t.Fatalf("not transitive: %q < %q < %q but not %q < %q", a, b, c, a, c)
		}
	}
	// Sorting twice from different starting orders gives the same result.
	s1 := slices.Clone(names)
	slices.SortFunc(s1, naturalCompare)
	s2 := slices.Clone(names)
	slices.Reverse(s2)
	slices.SortFunc(s2, naturalCompare)
	if !slices.Equal(s1, s2) {
		t.Error("sort result depends on the input order")
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestSplitNumbered(t *testing.T) {
	tests := []struct{ in, version, name string }{
		{"0003_add_users.sql", "0003", "add_users"},
		{"20240101120000-init.SQL", "20240101120000", "init"},
		{"schema.sql", "", "schema"},
		{"12.sql", "12", ""},
	}
	for _, tt := range tests {
		v, n := splitNumbered(tt.in)
		if v != tt.version || n != tt.name {
			t.Errorf("splitNumbered(%q) = %q, %q; want %q, %q", tt.in, v, n, tt.version, tt.name)
		}
	}
}
