package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tenantguard/tenantguard/lint"
)

// githubWriter writes GitHub Actions workflow commands: one annotation
// per active finding (::error, ::warning, ::notice), shown on the
// pull request's diff and the run's summary, then a plain summary line.
//
// GitHub shows at most 10 error and 10 warning annotations per step, in
// the order they are printed: errors come first, so the ones shown are
// the ones that matter, and a notice says how many were not shown.
type githubWriter struct{}

// githubShown is how many annotations of one level GitHub shows per step.
const githubShown = 10

func (githubWriter) Write(w io.Writer, r *Report) error {
	var b strings.Builder
	active := make([]*lint.Finding, 0, len(r.Findings))
	suppressed, baseline := 0, 0
	for i := range r.Findings {
		f := &r.Findings[i]
		switch {
		case f.Suppressed:
			suppressed++
		case f.Baseline:
			baseline++
		default:
			active = append(active, f)
		}
	}
	sort.SliceStable(active, func(i, j int) bool { return active[i].Severity > active[j].Severity })
	count := map[lint.Severity]int{}
	for _, f := range active {
		count[f.Severity]++
	}
	for _, p := range r.Problems {
		b.WriteString(workflowCommand("error", map[string]string{
			"file":  RepoPath(r.RepoPrefix, p.Path),
			"title": "tenantguard: could not read file",
		}, "could not read "+p.Path+": "+p.Message))
	}
	noted := false
	for _, f := range active {
		if f.Severity == lint.Info && !noted {
			b.WriteString(overflowNotice(count))
			noted = true
		}
		b.WriteString(annotation(r, f))
	}
	if !noted {
		b.WriteString(overflowNotice(count))
	}
	b.WriteString(summary(r, newPalette(false), suppressed, baseline, false))
	_, err := io.WriteString(w, b.String())
	return err
}

// overflowNotice says how many errors and warnings GitHub will not show
// as annotations; "" when all are shown.
func overflowNotice(count map[lint.Severity]int) string {
	var parts []string
	for _, s := range []lint.Severity{lint.Error, lint.Warning} {
		if n := count[s]; n > githubShown {
			parts = append(parts, fmt.Sprintf("%d %ss", n-githubShown, s))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return workflowCommand("notice", map[string]string{"title": "tenantguard"},
		fmt.Sprintf("GitHub shows %d annotations of each level per step: %s more are in the log above and in the SARIF report", githubShown, strings.Join(parts, " and ")))
}

// annotation is the workflow command of one finding.
func annotation(r *Report, f *lint.Finding) string {
	props := map[string]string{"title": fmt.Sprintf("%s (%s)", f.Rule, f.Code)}
	if f.Code == "" {
		props["title"] = f.Rule
	}
	msg := f.Message
	if f.File != "" {
		props["file"] = RepoPath(r.RepoPrefix, f.File)
		if f.Line > 0 {
			props["line"] = fmt.Sprint(f.Line)
			end := f.EndLine
			if end < f.Line {
				end = f.Line
			}
			props["endLine"] = fmt.Sprint(end)
			// Columns only mean something on a one-line annotation.
			if end == f.Line && f.Column > 0 {
				props["col"] = fmt.Sprint(f.Column)
				if f.EndColumn > f.Column {
					props["endColumn"] = fmt.Sprint(f.EndColumn)
				}
			}
		}
	} else if f.Object != "" {
		msg = f.Object + ": " + msg
	}
	return workflowCommand(githubLevel(f.Severity), props, msg)
}

func githubLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "notice"
}

// githubPropOrder is the order properties are written in.
var githubPropOrder = []string{"file", "line", "endLine", "col", "endColumn", "title"}

// workflowCommand formats ::command key=value,...::message with GitHub's
// escaping: %, CR and LF in the message; also : and , in property values.
func workflowCommand(command string, props map[string]string, message string) string {
	var b strings.Builder
	b.WriteString("::" + command)
	sep := " "
	for _, k := range githubPropOrder {
		v, ok := props[k]
		if !ok || v == "" {
			continue
		}
		b.WriteString(sep + k + "=" + escapeProperty(v))
		sep = ","
	}
	b.WriteString("::" + escapeData(message) + "\n")
	return b.String()
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
