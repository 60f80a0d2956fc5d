package lint

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tenantguard/tenantguard/lint/source"
)

// BadIgnoreRule is the name of the rule that reports ignore comments that
// are malformed or silence nothing. Its findings cannot be suppressed.
const BadIgnoreRule = "bad-ignore"

// directiveRE matches an ignore comment. The reason runs to the end of
// the line or to a following "--" comment.
var directiveRE = regexp.MustCompile(`--\s*tenantguard:(ignore-file|ignore)\b[ \t]*([A-Za-z][^ \t\r\n]*)?[ \t]*((?:[^\r\n-]|-[^\r\n-])*)`)

// directive is one tenantguard:ignore comment.
type directive struct {
	file     *source.File
	line     int
	span     source.Span
	fileWide bool
	rules    []string
	reason   string
	used     map[string]bool
}

// parseDirectives finds the ignore comments of a file.
func parseDirectives(f *source.File) []*directive {
	if !bytes.Contains(f.Content, []byte("tenantguard:ignore")) {
		return nil
	}
	// A file that is not text (binary, or not UTF-8) is reported as such
	// and not read any further: its comments are not honoured either, and
	// their bytes must not reach messages.
	if bytes.IndexByte(f.Content, 0) >= 0 || !utf8.Valid(f.Content) {
		return nil
	}
	var out []*directive
	for _, m := range directiveRE.FindAllSubmatchIndex(f.Content, -1) {
		d := &directive{
			file:     f,
			span:     source.Span{File: f, Start: m[0], End: m[1]},
			fileWide: string(f.Content[m[2]:m[3]]) == "ignore-file",
			reason:   strings.TrimSpace(string(f.Content[m[6]:m[7]])),
			used:     map[string]bool{},
		}
		d.line = f.Position(m[0]).Line
		var names string
		if m[4] >= 0 {
			names = string(f.Content[m[4]:m[5]])
		}
		for _, r := range strings.Split(names, ",") {
			if r = strings.TrimSpace(r); r != "" {
				d.rules = append(d.rules, r)
			}
		}
		out = append(out, d)
	}
	return out
}

func (d *directive) names(rule string) bool {
	for _, r := range d.rules {
		if r == rule {
			return true
		}
	}
	return false
}

// valid reports whether the directive is well formed: it names rules and
// gives a reason.
func (d *directive) valid() bool { return len(d.rules) > 0 && d.reason != "" }

// covers reports whether a line directive applies to a finding whose
// statement spans lines [first, last]: the directive sits on one of
// those lines or in the block of comment lines directly above.
func (d *directive) covers(f *source.File, first, last int) bool {
	if d.line >= first && d.line <= last {
		return true
	}
	for l := first - 1; l >= 1 && l >= d.line; l-- {
		if !strings.HasPrefix(strings.TrimSpace(f.Line(l)), "--") {
			return false
		}
		if l == d.line {
			return true
		}
	}
	return false
}

// Suppress marks findings made outside Run (active probes, placed at the
// statement of their object) that the ignore comments of files silence.
// It reports no bad-ignore: Run judges the comments themselves.
func Suppress(files []*source.File, findings []Finding) {
	applySuppressions(files, findings, nil, nil, &Config{})
}

// applySuppressions marks findings silenced by ignore comments and
// returns bad-ignore findings for comments that are malformed or matched
// nothing.
func applySuppressions(files []*source.File, findings []Finding, rules, ran []*Rule, cfg *Config) []Finding {
	byFile := map[*source.File][]*directive{}
	for _, f := range files {
		if ds := parseDirectives(f); len(ds) > 0 {
			byFile[f] = ds
		}
	}
	if len(byFile) == 0 {
		return nil
	}
	for i := range findings {
		fd := &findings[i]
		if fd.Rule == BadIgnoreRule || !fd.Span.IsValid() {
			continue
		}
		file := fd.Span.File
		stmt := fd.Statement
		if !stmt.IsValid() {
			stmt = fd.Span
		}
		first := stmt.StartPos().Line
		last := stmt.File.Position(max(stmt.Start, stmt.End-1)).Line
		for _, d := range byFile[file] {
			if !d.valid() || !d.names(fd.Rule) {
				continue
			}
			if d.fileWide || d.covers(file, first, last) {
				fd.Suppressed = true
				fd.Justification = d.reason
				d.used[fd.Rule] = true
				break
			}
		}
	}
	return badIgnores(byFile, rules, ran, cfg)
}

func badIgnores(byFile map[*source.File][]*directive, rules, ran []*Rule, cfg *Config) []Finding {
	var bad *Rule
	known := map[string]*Rule{}
	for _, r := range rules {
		known[r.Name] = r
		if r.Name == BadIgnoreRule {
			bad = r
		}
	}
	if bad == nil {
		return nil
	}
	didRun := map[string]bool{}
	for _, r := range ran {
		didRun[r.Name] = true
	}
	sev, on := cfg.SeverityOf(bad)
	if !on {
		return nil
	}
	var out []Finding
	report := func(d *directive, format string, args ...any) {
		f := Finding{
			Rule: bad.Name, Code: bad.Code, Severity: sev, Source: "lint",
			Message:    fmt.Sprintf(format, args...),
			Object:     d.file.Path,
			ObjectKind: "file",
			Span:       d.span,
			Statement:  d.span,
		}
		locate(&f)
		out = append(out, f)
	}
	files := make([]*source.File, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	for _, f := range files {
		for _, d := range byFile[f] {
			kind := "tenantguard:ignore"
			if d.fileWide {
				kind = "tenantguard:ignore-file"
			}
			switch {
			case len(d.rules) == 0:
				report(d, "%s names no rule: write %s RULE[,RULE] reason", kind, kind)
				continue
			case d.reason == "":
				report(d, "%s %s has no reason: say why the finding does not apply (the comment is not honoured without one)", kind, strings.Join(d.rules, ","))
				continue
			}
			for _, name := range d.rules {
				switch _, ok := known[name]; {
				case !ok:
					report(d, "%s names unknown rule %q (see `tenantguard rules`)", kind, name)
				case name == BadIgnoreRule:
					report(d, "%s cannot silence %s", kind, BadIgnoreRule)
				case !d.used[name]:
					if didRun[name] {
						report(d, "%s %s matched no finding: remove it", kind, name)
					}
				}
			}
		}
	}
	return out
}
