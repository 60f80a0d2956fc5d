// Package linttest runs rules on SQL fixtures and checks their findings
// against expectations written in the fixtures, in the manner of
// go/analysis's analysistest:
//
//	CREATE TABLE invoices (org_id uuid); -- want "does not enable row level security"
//
// A `-- want "re" ["re"...]` comment expects, on its line, one finding per
// regular expression whose message matches it. Every finding must be
// expected and every expectation met. Suppressed findings are not
// expected (they are silenced); `-- want-suppressed "re"` expects one.
package linttest

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/source"
)

var wantRE = regexp.MustCompile(`--\s*(want|want-suppressed)\s+(.*)$`)

type expectation struct {
	file       string
	line       int
	re         *regexp.Regexp
	suppressed bool
	met        bool
}

// Load reads a fixture: a .sql file, or a folder whose .sql files are
// replayed in name order.
func Load(t testing.TB, path string) []*source.File {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("linttest: %v", err)
	}
	paths := []string{path}
	if info.IsDir() {
		paths, err = filepath.Glob(filepath.Join(path, "*.sql"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("linttest: no .sql files in %s", path)
		}
		sort.Strings(paths)
	}
	var files []*source.File
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("linttest: %v", err)
		}
		files = append(files, source.NewFile(filepath.ToSlash(p), b))
	}
	return files
}

// Run lints the fixture with the rules under cfg (nil: the defaults) and
// checks the findings against the fixture's want comments. It returns the
// result for further checks.
func Run(t testing.TB, path string, cfg *lint.Config, rules ...*lint.Rule) *lint.Result {
	t.Helper()
	if cfg == nil {
		c := lint.DefaultConfig()
		cfg = &c
	}
	files := Load(t, path)
	cat := ddl.Load(files)
	res := lint.Run(cat, cfg, rules)
	Check(t, files, res.Findings)
	return res
}

// Check compares findings with the want comments of files.
func Check(t testing.TB, files []*source.File, findings []lint.Finding) {
	t.Helper()
	var wants []*expectation
	for _, f := range files {
		wants = append(wants, expectations(t, f)...)
	}
	for _, fd := range findings {
		matched := false
		for _, w := range wants {
			if !w.met && w.file == fd.File && w.line == fd.Line && w.suppressed == fd.Suppressed && w.re.MatchString(fd.Message) {
				w.met, matched = true, true
				break
			}
		}
		if !matched && !fd.Suppressed {
			t.Errorf("%s:%d:%d: unexpected finding %s: %s", fd.File, fd.Line, fd.Column, fd.Rule, fd.Message)
		}
	}
	for _, w := range wants {
		if !w.met {
			kind := "finding"
			if w.suppressed {
				kind = "suppressed finding"
			}
			t.Errorf("%s:%d: no %s matching %q", w.file, w.line, kind, w.re)
		}
	}
}

func expectations(t testing.TB, f *source.File) []*expectation {
	t.Helper()
	var out []*expectation
	for i, line := range strings.Split(string(f.Content), "\n") {
		m := wantRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		pats, err := quoted(m[2])
		if err != nil || len(pats) == 0 {
			t.Fatalf("%s:%d: bad want comment %q: %v", f.Path, i+1, m[0], err)
		}
		for _, p := range pats {
			re, err := regexp.Compile(p)
			if err != nil {
				t.Fatalf("%s:%d: bad regexp %q: %v", f.Path, i+1, p, err)
			}
			out = append(out, &expectation{file: f.Path, line: i + 1, re: re, suppressed: m[1] == "want-suppressed"})
		}
	}
	return out
}

// quoted splits a sequence of Go string literals ("..." or `...`).
func quoted(s string) ([]string, error) {
	var out []string
	s = strings.TrimSpace(s)
	for s != "" {
		end := -1
		switch s[0] {
		case '`':
			end = strings.IndexByte(s[1:], '`') + 1
		case '"':
			for i := 1; i < len(s); i++ {
				if s[i] == '\\' {
					i++
					continue
				}
				if s[i] == '"' {
					end = i
					break
				}
			}
		}
		if end <= 0 {
			return nil, strconv.ErrSyntax
		}
		v, err := strconv.Unquote(s[:end+1])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		s = strings.TrimSpace(s[end+1:])
	}
	return out, nil
}
