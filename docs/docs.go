// Package docs embeds the rule documentation in docs/rules/NAME.md: the
// one source for `tenantguard rules NAME`, SARIF help text and the
// README's rules table.
package docs

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed rules/*.md
var rules embed.FS

// Rule returns the markdown documentation of a rule, or "" if it has none.
func Rule(name string) string {
	b, err := fs.ReadFile(rules, "rules/"+name+".md")
	if err != nil {
		return ""
	}
	return string(b)
}

// RuleNames lists the rules that have a documentation file.
func RuleNames() []string {
	entries, _ := fs.ReadDir(rules, "rules")
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md") {
			out = append(out, strings.TrimSuffix(e.Name(), ".md"))
		}
	}
	return out
}
