package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tenantguard/tenantguard/lint"
)

// JUnit XML for CI test reports (GitLab artifacts:reports:junit, Jenkins,
// CircleCI, Azure Pipelines). One testsuite per rule that ran; one
// testcase per check the rule made (rule × object), so a report shows what
// was verified as well as what failed:
//
//   - a check with no finding passes;
//   - a finding at or above --fail-on is a failure (type = the rule);
//   - a finding below --fail-on passes, with the finding in system-out
//     (the failures are exactly what fails the run);
//   - a suppressed or baselined finding is skipped, with the reason;
//   - a file that could not be read is an error in the suite "tenantguard".
//
// When one check produced several findings, each finding is a testcase of
// its own. Times: the suite's time is the time the rule took, the
// testsuites' time the whole run's; checks are not timed one by one.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr,omitempty"`
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitSkipped `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitWriter struct{}

func (junitWriter) Write(w io.Writer, r *Report) error {
	out := junitSuites{Name: r.Tool.Name + " " + kindOf(r)}
	var ruleTime time.Duration
	for _, ru := range reportRules(r) {
		s := junitRuleSuite(r, ru)
		ruleTime += r.RuleTime[ru.Name]
		out.Suites = append(out.Suites, s)
	}
	if len(r.Problems) > 0 {
		out.Suites = append(out.Suites, junitProblemSuite(r))
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
	}
	total := r.Duration
	if total < ruleTime {
		total = ruleTime
	}
	out.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitRuleSuite is one rule's checks and findings.
func junitRuleSuite(r *Report, ru *lint.Rule) junitSuite {
	s := junitSuite{
		Name: ru.Name,
		Time: seconds(r.RuleTime[ru.Name]),
		Properties: &junitProperties{Property: []junitProperty{
			{Name: "code", Value: ru.Code},
			{Name: "severity", Value: ru.Severity.String()},
			{Name: "fail-on", Value: r.FailOn.String()},
			{Name: "docs", Value: RuleDocURL(ru.Name, r.Tool.Version)},
		}},
	}
	if !r.Start.IsZero() {
		s.Timestamp = r.Start.UTC().Format("2006-01-02T15:04:05")
	}
	// Findings of this rule, by the check (object) they belong to.
	byObject := map[string][]*lint.Finding{}
	var findings []*lint.Finding
	for i := range r.Findings {
		if f := &r.Findings[i]; f.Rule == ru.Name {
			findings = append(findings, f)
			byObject[checkKey(f.Object, f.File)] = append(byObject[checkKey(f.Object, f.File)], f)
		}
	}
	used := map[*lint.Finding]bool{}
	for _, c := range r.Checks {
		if c.Rule != ru.Name {
			continue
		}
		fs := byObject[checkKey(c.Object, c.File)]
		if len(fs) == 0 {
			fs = byObject[checkKey(c.Object, "")]
		}
		var pending []*lint.Finding
		for _, f := range fs {
			if !used[f] {
				pending = append(pending, f)
			}
		}
		if len(pending) == 0 {
			s.Cases = append(s.Cases, junitCase{Name: caseName(c.Object, c.File), Classname: ru.Name, File: repoFile(r, c.File), Line: c.Line})
			continue
		}
		for _, f := range pending {
			used[f] = true
			s.Cases = append(s.Cases, junitFindingCase(r, f, len(pending) > 1))
		}
	}
	// Findings about objects outside the rule's listed checks.
	for _, f := range findings {
		if !used[f] {
			s.Cases = append(s.Cases, junitFindingCase(r, f, true))
		}
	}
	for _, c := range s.Cases {
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
	}
	return s
}

// checkKey matches findings to checks: by object, and by file when the
// object is a file.
func checkKey(object, file string) string {
	if object == "" {
		return "\x00" + file
	}
	return object
}

func caseName(object, file string) string {
	if object != "" {
		return object
	}
	return file
}

// junitFindingCase is the testcase of one finding; withLine adds the
// position to the name, to tell apart several findings on one object.
func junitFindingCase(r *Report, f *lint.Finding, withLine bool) junitCase {
	c := junitCase{Name: caseName(f.Object, f.File), Classname: f.Rule, File: repoFile(r, f.File), Line: f.Line}
	if c.Name == "" {
		c.Name = f.Rule
	}
	if withLine && f.File != "" && f.Object != "" && f.Object != f.File {
		c.Name = fmt.Sprintf("%s (%s)", c.Name, location(f))
	}
	switch {
	case f.Suppressed:
		c.Skipped = &junitSkipped{Message: "suppressed: " + f.Justification}
	case f.Baseline:
		c.Skipped = &junitSkipped{Message: "in baseline: " + f.Message}
	case r.FailOn.Fails(f.Severity):
		c.Failure = &junitProblem{Message: f.Message, Type: f.Rule, Body: findingBody(r, f)}
	default:
		c.SystemOut = fmt.Sprintf("%s (below --fail-on %s): %s", f.Severity, r.FailOn, findingBody(r, f))
	}
	return c
}

// findingBody is the text of a failure: where, what, how to reproduce.
func findingBody(r *Report, f *lint.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s: %s\n", location(f), f.Severity, f.Rule, f.Message)
	if f.Object != "" {
		fmt.Fprintf(&b, "object: %s %s\n", f.ObjectKind, f.Object)
	}
	if f.Source != "" {
		fmt.Fprintf(&b, "source: %s\n", f.Source)
	}
	if d := strings.TrimRight(f.Detail, "\n"); d != "" {
		b.WriteString(d + "\n")
	}
	fmt.Fprintf(&b, "docs: %s\n", RuleDocURL(f.Rule, r.Tool.Version))
	return b.String()
}

// location is file:line:col, or the object for live findings.
func location(f *lint.Finding) string {
	if f.File == "" {
		if f.Object == "" {
			return "(database)"
		}
		return f.Object
	}
	if f.Line <= 0 {
		return f.File
	}
	if f.Column <= 0 {
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
}

// junitProblemSuite lists the files that could not be read, as errors.
func junitProblemSuite(r *Report) junitSuite {
	s := junitSuite{Name: r.Tool.Name, Time: seconds(0)}
	problems := append([]Problem(nil), r.Problems...)
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	for _, p := range problems {
		s.Cases = append(s.Cases, junitCase{
			Name: "read " + p.Path, Classname: r.Tool.Name, File: repoFile(r, p.Path),
			Error: &junitProblem{Message: "could not read " + p.Path + ": " + p.Message, Type: "unreadable", Body: p.Message + "\n"},
		})
		s.Tests++
		s.Errors++
	}
	return s
}

// repoFile is the testcase's file attribute: relative to the repository,
// so that CI servers (GitLab) can link it.
func repoFile(r *Report, file string) string {
	if file == "" {
		return ""
	}
	return RepoPath(r.RepoPrefix, file)
}

// seconds formats a duration as JUnit does: seconds with millisecond
// precision.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}
