package report

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/fatih/color"

	"github.com/tenantguard/tenantguard/lint"
)

// textWriter writes findings grouped by file, one per line:
// file:line:col: severity rule: message.
type textWriter struct {
	opts Options
}

type palette struct {
	err, warn, info, path, rule, dim *color.Color
}

func newPalette(on bool) palette {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return palette{
		err:  mk(color.FgRed, color.Bold),
		warn: mk(color.FgYellow, color.Bold),
		info: mk(color.FgCyan),
		path: mk(color.Bold),
		rule: mk(color.Faint),
		dim:  mk(color.Faint),
	}
}

func (p palette) severity(s lint.Severity) *color.Color {
	switch s {
	case lint.Error:
		return p.err
	case lint.Warning:
		return p.warn
	}
	return p.info
}

func (t *textWriter) Write(w io.Writer, r *Report) error {
	pal := newPalette(t.opts.Color)
	var b strings.Builder
	shown := make([]lint.Finding, 0, len(r.Findings))
	suppressed, baseline := 0, 0
	for _, f := range r.Findings {
		switch {
		case f.Suppressed:
			suppressed++
		case f.Baseline:
			baseline++
		}
		if f.Active() || t.opts.Verbose {
			shown = append(shown, f)
		}
	}
	files, groups := byFile(shown)
	for i, file := range files {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, f := range groups[file] {
			t.finding(&b, pal, &f)
		}
	}
	for _, p := range r.Problems {
		if len(files) > 0 || b.Len() > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s: %s %s\n", pal.path.Sprint(printable(p.Path)), pal.err.Sprint("could not read:"), printable(p.Message))
	}
	if t.opts.Verbose {
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "%s %s\n", pal.dim.Sprint("note:"), printable(n))
		}
	}
	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(summary(r, pal, suppressed, baseline, !t.opts.Verbose))
	_, err := io.WriteString(w, b.String())
	return err
}

func (t *textWriter) finding(b *strings.Builder, pal palette, f *lint.Finding) {
	loc := printable(f.Object)
	if f.File != "" {
		loc = fmt.Sprintf("%s:%d:%d", printable(f.File), f.Line, f.Column)
	}
	sev := pal.severity(f.Severity).Sprint(f.Severity.String())
	// A message of several lines keeps one finding per unindented line.
	msg := strings.ReplaceAll(printable(strings.TrimRight(f.Message, "\n")), "\n", "\n    ")
	fmt.Fprintf(b, "%s: %s %s %s\n", pal.path.Sprint(loc), sev, pal.rule.Sprint(f.Rule+":"), msg)
	if !t.opts.Verbose {
		return
	}
	switch {
	case f.Suppressed:
		fmt.Fprintf(b, "    %s %s\n", pal.dim.Sprint("suppressed:"), printable(f.Justification))
	case f.Baseline:
		fmt.Fprintf(b, "    %s\n", pal.dim.Sprint("in baseline"))
	}
	if f.Detail != "" {
		for _, line := range strings.Split(strings.TrimRight(f.Detail, "\n"), "\n") {
			fmt.Fprintf(b, "    %s\n", printable(line))
		}
	}
}

// summary is the last line: counts, files, and what is hidden (with a
// hint to --verbose when hint is set).
func summary(r *Report, pal palette, suppressed, baseline int, hint bool) string {
	errs, warns, infos := r.Counts()
	total := errs + warns + infos
	var s string
	if total == 0 {
		s = "no problems found"
	} else {
		s = fmt.Sprintf("%s (%s, %s, %s)", plural(total, "problem"),
			pal.err.Sprint(plural(errs, "error")), pal.warn.Sprint(plural(warns, "warning")), pal.info.Sprintf("%d info", infos))
	}
	if r.Files > 0 {
		s += fmt.Sprintf(" in %d %s", r.Files, plural1(r.Files, "file"))
	}
	if n := len(r.Problems); n > 0 {
		s += fmt.Sprintf("; %d %s could not be read", n, plural1(n, "file"))
	}
	var extra []string
	if suppressed > 0 {
		extra = append(extra, fmt.Sprintf("%d suppressed", suppressed))
	}
	if baseline > 0 {
		extra = append(extra, fmt.Sprintf("%d in baseline", baseline))
	}
	if len(extra) > 0 {
		s += "; " + strings.Join(extra, ", ")
		if hint {
			s += " (shown with --verbose)"
		}
	}
	return s + "\n"
}

// plural returns "n word" or "n words".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func plural1(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// printable escapes control characters other than newline and tab: names
// and comments come from the files linted, and a terminal must not act on
// escape sequences hidden in them.
func printable(s string) string {
	if strings.IndexFunc(s, isHidden) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isHidden(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isHidden(r rune) bool { return r != '\n' && r != '\t' && unicode.IsControl(r) }
