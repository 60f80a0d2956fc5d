package ddl

import (
	"strings"
	"testing"
)

func TestShortMessage(t *testing.T) {
	long := "'hunter3' LOGIN;\n" + strings.Repeat("CREATE TABLE t (id int);\n", 10000)
	for in, want := range map[string]string{
		`syntax error at or near "TABEL"`:                            `syntax error at or near "TABEL"`,
		`unterminated quoted string at or near "` + long + `"`:       `unterminated quoted string at or near "'hunter3' LOGIN;…"`,
		`syntax error at or near "` + strings.Repeat("x", 100) + `"`: `syntax error at or near "` + strings.Repeat("x", 40) + `…"`,
		"two\nlines": "two …",
	} {
		if got := shortMessage(in); got != want {
			t.Errorf("shortMessage(%.60q) = %q, want %q", in, got, want)
		}
	}
}
