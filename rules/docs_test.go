package rules_test

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/docs"
	"github.com/tenantguard/tenantguard/rules"
)

var update = flag.Bool("update", false, "rewrite the README's rules table")

// Every rule has a doc whose title and code line match the rule, with a
// bad and a good example; every doc belongs to a rule.
func TestRuleDocs(t *testing.T) {
	names := map[string]bool{}
	codes := map[string]string{}
	for _, r := range rules.All() {
		names[r.Name] = true
		if prev, ok := codes[r.Code]; ok {
			t.Errorf("code %s used by %s and %s", r.Code, prev, r.Name)
		}
		codes[r.Code] = r.Name
		if !regexp.MustCompile(`^(RLS|POL|COL|VIEW|FK|FUNC|GRANT|ROLE|SQL|PRB)\d{3}$`).MatchString(r.Code) {
			t.Errorf("%s: code %q is not family-prefixed", r.Name, r.Code)
		}
		doc := r.Doc
		if doc == "" {
			t.Errorf("%s: no docs/rules/%s.md", r.Name, r.Name)
			continue
		}
		if !strings.HasPrefix(doc, "# "+r.Name+"\n") {
			t.Errorf("%s: doc must start with %q", r.Name, "# "+r.Name)
		}
		codeLine := fmt.Sprintf("Code: `%s` · Default severity: **%s** · Checks: %s", r.Code, r.Severity, r.Scope)
		if !strings.Contains(doc, codeLine+"\n") {
			t.Errorf("%s: doc lacks the line %q", r.Name, codeLine)
		}
		for _, section := range []string{"## What goes wrong", "## Bad", "## Good"} {
			if !strings.Contains(doc, "\n"+section+"\n") {
				t.Errorf("%s: doc lacks section %q", r.Name, section)
			}
		}
		if r.Summary == "" {
			t.Errorf("%s: no summary", r.Name)
		}
	}
	for _, n := range docs.RuleNames() {
		if !names[n] {
			t.Errorf("docs/rules/%s.md documents no rule", n)
		}
	}
}

// Every rule that runs on a catalog has a fixture.
func TestEveryRuleHasAFixture(t *testing.T) {
	for _, r := range rules.All() {
		if r.Probe {
			continue
		}
		fixture(t, r.Name)
	}
}

// The README's rules table is generated from the rules.
func TestReadmeRulesTable(t *testing.T) {
	const begin, end = "<!-- BEGIN RULES TABLE (generated: go test ./rules -update) -->\n", "<!-- END RULES TABLE -->"
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q ... %q", begin, end)
	}
	want := rules.MarkdownTable()
	if got := s[i+len(begin) : j]; got != want {
		if *update {
			if err := os.WriteFile("../README.md", []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md's rules table is out of date: run `go test ./rules -update`")
	}
}
