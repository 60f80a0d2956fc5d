package discover

import "testing"

// FuzzMaskSections checks, for any input, that masking keeps every byte
// offset: same length, line breaks in place, other bytes either kept or
// turned into spaces.
func FuzzMaskSections(f *testing.F) {
	f.Add([]byte("-- +goose Up\ncreate table t();\n-- +goose Down\ndrop table t;\n"))
	f.Add([]byte("-- migrate:down\r\ndrop table t;\r\n-- migrate:up\r\nselect 1;"))
	f.Add([]byte("\ufeff-- +migrate Up\n\xff\xfe\n-- +migrate Down\n\x00"))
	f.Add([]byte("--"))
	f.Fuzz(func(t *testing.T, content []byte) {
		for _, l := range []Layout{LayoutGoose, LayoutSQLMigrate, LayoutDbmate} {
			masked := maskSections(content, l)
			if len(masked) != len(content) {
				t.Fatalf("%s: length %d, want %d", l, len(masked), len(content))
			}
			for i, b := range content {
				m := masked[i]
				if b == '\n' || b == '\r' {
					if m != b {
						t.Fatalf("%s: line break at %d changed", l, i)
					}
				} else if m != b && m != ' ' {
					t.Fatalf("%s: byte %d became %q", l, i, m)
				}
			}
		}
		sectionLayout(content)
	})
}

// FuzzParsePlan checks that no plan makes the parser panic and that every
// change it returns has a name and a line.
func FuzzParsePlan(f *testing.F) {
	f.Add([]byte("%project=p\n\na 2024-01-01T00:00:00Z A <a@x>\n@t 2024-01-01T00:00:00Z A <a@x>\na 2024-01-01T00:00:00Z A <a@x>\n"))
	f.Add([]byte("@\n+\n-\n#\n[x]\n a@b [c] #"))
	f.Fuzz(func(t *testing.T, plan []byte) {
		changes, _ := parsePlan(plan)
		for _, c := range changes {
			if c.name == "" || c.line < 1 {
				t.Fatalf("bad change %+v", c)
			}
		}
	})
}
