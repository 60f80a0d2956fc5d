package report

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
)

// No finding, however odd, makes a writer fail or panic; SARIF stays
// JSON, JUnit stays well-formed XML, and a GitHub annotation stays on one
// line.
func FuzzWriters(f *testing.F) {
	f.Add("rls-disabled", "public.t", "table", "a.sql", "message", "detail", 3, 1, 3, 9, 2, false, false)
	f.Add("", "", "", "", "", "", 0, 0, 0, 0, 0, true, true)
	f.Add("x", "public.f(uuid, text)", "function", "../dir with space/50%.sql", "a\r\nb::c,d%0A", "<&>'\"\x00\x1f", -1, -5, -2, -9, 9, false, true)
	f.Add("p", "s.t.p", "policy", "/abs/x.sql", "\uFFFF\U0010FFFF", "]]>", 1<<30, 1<<30, 1, 0, 1, true, false)
	f.Fuzz(func(t *testing.T, rule, object, kind, file, msg, detail string, line, col, endLine, endCol, sev int, suppressed, baseline bool) {
		fd := lint.Finding{
			Rule: rule, Code: "X001", Severity: lint.Severity(sev), Message: msg, Object: object, ObjectKind: kind,
			File: file, Line: line, Column: col, EndLine: endLine, EndColumn: endCol, Detail: detail,
			Suppressed: suppressed, Baseline: baseline, Justification: msg,
		}
		r := &Report{
			Tool: Tool{Name: "tenantguard", Version: "1"}, Kind: kind, Findings: []lint.Finding{fd, fd},
			Checks:   []lint.Check{{Rule: rule, Object: object, File: file, Line: line}},
			Problems: []Problem{{Path: file, Message: msg}}, FailOn: lint.Threshold(lint.Warning), BaselineUsed: baseline,
			RepoPrefix: object, Anchor: file,
		}
		for _, format := range Formats {
			w, err := NewWriter(format, Options{Verbose: true})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := w.Write(&b, r); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := b.String()
			switch format {
			case "sarif", "json":
				if !json.Valid([]byte(out)) {
					t.Fatalf("%s: invalid JSON", format)
				}
			case "junit":
				dec := xml.NewDecoder(strings.NewReader(out))
				dec.Strict = true
				var v xTestsuites
				if err := dec.Decode(&v); err != nil {
					t.Fatalf("junit: %v\n%s", err, out)
				}
			case "github":
				for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
					if strings.ContainsRune(l, '\r') {
						t.Fatalf("github: CR in %q", l)
					}
				}
			}
		}
	})
}
