package report

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
)

// Structures of the JUnit schema as CI servers read it, independent of
// the writer's own types.
type xTestsuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    string       `xml:"tests,attr"`
	Failures string       `xml:"failures,attr"`
	Errors   string       `xml:"errors,attr"`
	Skipped  string       `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []xTestsuite `xml:"testsuite"`
}

type xTestsuite struct {
	Name     string      `xml:"name,attr"`
	Tests    string      `xml:"tests,attr"`
	Failures string      `xml:"failures,attr"`
	Errors   string      `xml:"errors,attr"`
	Skipped  string      `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []xTestcase `xml:"testcase"`
}

type xTestcase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	Failure   []struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",chardata"`
	} `xml:"failure"`
	Error   []struct{} `xml:"error"`
	Skipped []struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	SystemOut string `xml:"system-out"`
}

// parseJUnit decodes with a strict XML decoder, rejecting anything that
// is not well-formed.
func parseJUnit(t *testing.T, doc string) xTestsuites {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	var out xTestsuites
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, doc)
	}
	// Nothing may follow the root element but white space.
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after the root: %v", err)
		}
		if cd, ok := tok.(xml.CharData); !ok || strings.TrimSpace(string(cd)) != "" {
			t.Fatalf("content after the root element: %#v", tok)
		}
	}
	return out
}

func atoi(t *testing.T, what, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s = %q: %v", what, s, err)
	}
	return n
}

// Counts match the findings for every --fail-on: failures are exactly the
// active findings at or above it, skipped the suppressed and baselined
// ones, errors the unreadable files, tests the checks plus the findings
// that do not fit one check; and the attributes add up.
func TestJUnitCounts(t *testing.T) {
	for _, failOn := range []string{"error", "warning", "info", "none"} {
		t.Run(failOn, func(t *testing.T) {
			threshold, err := lint.ParseThreshold(failOn)
			if err != nil {
				t.Fatal(err)
			}
			r := fixture()
			r.FailOn = threshold
			checkJUnitCounts(t, r)
		})
	}
	t.Run("example", func(t *testing.T) { checkJUnitCounts(t, lintExample(t)) })
}

func checkJUnitCounts(t *testing.T, r *Report) {
	t.Helper()
	doc := parseJUnit(t, render(t, "junit", Options{}, r))
	var wantFailures, wantSkipped int
	for _, f := range r.Findings {
		switch {
		case !f.Active():
			wantSkipped++
		case r.FailOn.Fails(f.Severity):
			wantFailures++
		}
	}
	var tests, failures, errors, skipped, failureElems int
	for _, s := range doc.Suites {
		var st, sf, se, ss int
		for _, c := range s.Cases {
			st++
			if len(c.Failure)+len(c.Error)+len(c.Skipped) > 1 {
				t.Errorf("%s / %s: more than one of failure, error, skipped", s.Name, c.Name)
			}
			if len(c.Failure) == 1 {
				sf++
				failureElems++
				if c.Failure[0].Type != c.Classname || c.Failure[0].Message == "" || !strings.Contains(c.Failure[0].Body, "docs: ") {
					t.Errorf("%s / %s: failure %+v", s.Name, c.Name, c.Failure[0])
				}
			}
			se += len(c.Error)
			ss += len(c.Skipped)
		}
		if atoi(t, "tests", s.Tests) != st || atoi(t, "failures", s.Failures) != sf || atoi(t, "errors", s.Errors) != se || atoi(t, "skipped", s.Skipped) != ss {
			t.Errorf("suite %s: attributes tests=%s failures=%s errors=%s skipped=%s, counted %d %d %d %d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, st, sf, se, ss)
		}
		if _, err := strconv.ParseFloat(s.Time, 64); err != nil {
			t.Errorf("suite %s: time %q", s.Name, s.Time)
		}
		tests, failures, errors, skipped = tests+st, failures+sf, errors+se, skipped+ss
	}
	if atoi(t, "tests", doc.Tests) != tests || atoi(t, "failures", doc.Failures) != failures ||
		atoi(t, "errors", doc.Errors) != errors || atoi(t, "skipped", doc.Skipped) != skipped {
		t.Errorf("testsuites attributes %s/%s/%s/%s, counted %d/%d/%d/%d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, tests, failures, errors, skipped)
	}
	if failures != wantFailures || failureElems != wantFailures {
		t.Errorf("failures = %d, want %d (active findings at or above --fail-on %s)", failures, wantFailures, r.FailOn)
	}
	if skipped != wantSkipped {
		t.Errorf("skipped = %d, want %d (suppressed and baselined)", skipped, wantSkipped)
	}
	if errors != len(r.Problems) {
		t.Errorf("errors = %d, want %d (unreadable files)", errors, len(r.Problems))
	}
	// Every check is a testcase: at least as many tests as checks.
	if tests < len(r.Checks) {
		t.Errorf("tests = %d < %d checks", tests, len(r.Checks))
	}
	if (failures > 0) != r.Failed() {
		t.Errorf("JUnit failures (%d) disagree with the exit status (failed=%v)", failures, r.Failed())
	}
}

// Passing checks are listed, so the report shows what was verified; a
// finding below --fail-on passes with the finding in system-out.
func TestJUnitCases(t *testing.T) {
	doc := parseJUnit(t, render(t, "junit", Options{}, fixture()))
	cases := map[string]xTestcase{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases[s.Name+" "+c.Name] = c
		}
	}
	pass := cases["rls-not-forced public.projects"]
	if pass.Name == "" || len(pass.Failure)+len(pass.Skipped)+len(pass.Error) != 0 {
		t.Errorf("passing check missing or not passing: %+v", pass)
	}
	warn := cases["tenant-column-nullable public.attachments (db/migrations/0003_billing.sql:20:5)"]
	if len(warn.Failure) != 0 || !strings.Contains(warn.SystemOut, "below --fail-on error") {
		t.Errorf("a warning under --fail-on error should pass with a note: %+v", warn)
	}
	if !strings.Contains(warn.SystemOut, "<none> & 'all'") {
		t.Errorf("escaped text does not round-trip: %q", warn.SystemOut)
	}
	sup := cases["rls-disabled public.audit_log"]
	if len(sup.Skipped) != 1 || !strings.Contains(sup.Skipped[0].Message, "written only by a trigger") {
		t.Errorf("suppressed finding should be skipped with its reason: %+v", sup)
	}
	leak := cases["probe-read-leak public.invoices"]
	if len(leak.Failure) != 1 || !strings.Contains(leak.Failure[0].Body, "SET ROLE app_user;") {
		t.Errorf("a probe failure should carry its reproduction: %+v", leak)
	}
	if _, ok := cases["tenantguard read db/migrations/0005_blob.sql"]; !ok {
		t.Errorf("unreadable file not reported as an error testcase")
	}
}
