package discover

import "testing"

func TestParseFlyway(t *testing.T) {
	tests := []struct {
		base    string
		ok      bool
		kind    byte
		version string
		desc    string
	}{
		{"V1__init.sql", true, 'V', "1", "init"},
		{"V1.1__add_index.sql", true, 'V', "1.1", "add_index"},
		{"V1_1__add_index.sql", true, 'V', "1.1", "add_index"},
		{"V2024.01.02.1200__x.SQL", true, 'V', "2024.01.02.1200", "x"},
		{"R__views.sql", true, 'R', "R", "views"},
		{"U2__undo.sql", true, 'U', "2", "undo"},
		{"B5__baseline.sql", true, 'B', "5", "baseline"},
		{"V__missing_version.sql", false, 0, "", ""},
		{"V1_init.sql", false, 0, "", ""},
		{"R1__not_repeatable.sql", false, 0, "", ""},
		{"v1__lowercase.sql", false, 0, "", ""},
		{"V1__init.txt", false, 0, "", ""},
		{"V1a__x.sql", false, 0, "", ""},
	}
	for _, tt := range tests {
		n, ok := parseFlyway(tt.base)
		if ok != tt.ok {
			t.Errorf("parseFlyway(%q) ok = %v, want %v", tt.base, ok, tt.ok)
			continue
		}
		if ok && (n.kind != tt.kind || n.version() != tt.version || n.desc != tt.desc) {
			t.Errorf("parseFlyway(%q) = %c %q %q, want %c %q %q", tt.base, n.kind, n.version(), n.desc, tt.kind, tt.version, tt.desc)
		}
	}
}

func TestCompareFlywayVersions(t *testing.T) {
	v := func(s string) []string { n, _ := parseFlyway("V" + s + "__x.sql"); return n.parts }
	tests := []struct {
		a, b string
		want int
	}{
		{"2", "10", -1},
		{"1.1", "1.10", -1},
		{"1.2", "1.10", -1},
		{"1_10", "1.10", 0},
		{"1", "1.0", 0},
		{"1", "1.0.1", -1},
		{"01", "1", 0},
		{"2", "1.99", 1},
		{"20240101", "3", 1},
	}
	for _, tt := range tests {
		if got := compareFlywayVersions(v(tt.a), v(tt.b)); sign(got) != tt.want {
			t.Errorf("compare(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
