package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
)

func TestWorkflowCommandEscaping(t *testing.T) {
	cases := []struct {
		props map[string]string
		msg   string
		want  string
	}{
		{map[string]string{"file": "a.sql", "line": "3", "title": "rls-disabled (RLS001)"}, "plain",
			"::error file=a.sql,line=3,title=rls-disabled (RLS001)::plain\n"},
		// Data: %, CR and LF; colons and commas stay.
		{nil, "100% sure\r\nnext: a,b", "::error::100%25 sure%0D%0Anext: a,b\n"},
		// Properties: also : and ,.
		{map[string]string{"file": "dir,1/a:b%.sql", "title": "x: y, z"}, "m",
			"::error file=dir%2C1/a%3Ab%25.sql,title=x%3A y%2C z::m\n"},
		// The message may contain "::" without ending the command.
		{map[string]string{"title": "t"}, "a::b", "::error title=t::a::b\n"},
	}
	for _, c := range cases {
		if got := workflowCommand("error", c.props, c.msg); got != c.want {
			t.Errorf("workflowCommand(%v, %q)\n got %q\nwant %q", c.props, c.msg, got, c.want)
		}
	}
}

// unescape reverses GitHub's escaping, as the runner does.
func unescape(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

// Every active finding becomes one annotation at the right level and
// place; suppressed and baselined ones do not; errors come first.
func TestGitHubAnnotations(t *testing.T) {
	r := fixture()
	r.RepoPrefix = "services/api"
	out := render(t, "github", Options{}, r)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	var annotations []string
	for _, l := range lines {
		if strings.HasPrefix(l, "::") {
			annotations = append(annotations, l)
		}
	}
	active := 0
	for _, f := range r.Findings {
		if f.Active() {
			active++
		}
	}
	if want := active + len(r.Problems); len(annotations) != want {
		t.Fatalf("%d annotations, want %d:\n%s", len(annotations), want, out)
	}
	rank := map[string]int{"error": 3, "warning": 2, "notice": 1}
	last := 4
	for _, a := range annotations {
		level := a[2 : strings.IndexAny(a[2:], " :")+2]
		if rank[level] == 0 {
			t.Fatalf("unknown level in %q", a)
		}
		if rank[level] > last {
			t.Errorf("%s annotation after a lower level: %q", level, a)
		}
		last = rank[level]
		if strings.ContainsAny(a, "\r") {
			t.Errorf("raw CR in %q", a)
		}
	}
	for _, f := range r.Findings {
		want := fmt.Sprintf("title=%s (%s)::", f.Rule, f.Code)
		n := strings.Count(out, want)
		var hits []string
		for _, a := range annotations {
			if strings.Contains(a, want) && strings.Contains(unescape(a), strings.SplitN(f.Message, "\n", 2)[0]) {
				hits = append(hits, a)
			}
		}
		if !f.Active() {
			if len(hits) != 0 {
				t.Errorf("%s on %s is not active but annotated: %v", f.Rule, f.Object, hits)
			}
			continue
		}
		if n == 0 || len(hits) != 1 {
			t.Errorf("%s on %s: %d annotations: %v", f.Rule, f.Object, len(hits), hits)
			continue
		}
		a := hits[0]
		if f.File != "" {
			if !strings.Contains(a, "file=services/api/"+f.File+",line="+fmt.Sprint(f.Line)) {
				t.Errorf("annotation not at the repository path and line: %q", a)
			}
			if f.EndLine == f.Line && !strings.Contains(a, ",col="+fmt.Sprint(f.Column)) {
				t.Errorf("one-line annotation without its column: %q", a)
			}
			if f.EndLine != f.Line && strings.Contains(a, ",col=") {
				t.Errorf("multi-line annotation with a column: %q", a)
			}
		} else if strings.Contains(a, "file=") || !strings.Contains(a, "::"+f.Object+": ") {
			t.Errorf("a live finding has no file and names its object: %q", a)
		}
		if got := unescape(a[strings.Index(a, "::"+f.Object+": ")+2:]); f.File == "" && got != f.Object+": "+f.Message {
			t.Errorf("message does not round-trip: %q", got)
		}
	}
	if !strings.HasSuffix(out, "\n") || !strings.Contains(lines[len(lines)-1], "problems") {
		t.Errorf("no summary line at the end:\n%s", out)
	}
}

// GitHub shows 10 annotations of a level per step; the rest are counted
// in a notice.
func TestGitHubOverflowNotice(t *testing.T) {
	r := &Report{Tool: Tool{Name: "tenantguard", Version: "1"}, FailOn: lint.Threshold(lint.Error)}
	for i := 0; i < 13; i++ {
		r.Findings = append(r.Findings, lint.Finding{Rule: "rls-disabled", Code: "RLS001", Severity: lint.Error, Message: fmt.Sprint("m", i), File: "a.sql", Line: i + 1, Column: 1})
	}
	out := render(t, "github", Options{}, r)
	if !strings.Contains(out, "::notice title=tenantguard::GitHub shows 10 annotations of each level per step: 3 errors more") {
		t.Errorf("no overflow notice:\n%s", out)
	}
	r.Findings = r.Findings[:10]
	if out := render(t, "github", Options{}, r); strings.Contains(out, "::notice") {
		t.Errorf("overflow notice without overflow:\n%s", out)
	}
}
