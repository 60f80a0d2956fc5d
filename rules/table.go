package rules

import (
	"fmt"
	"strings"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// MarkdownTable renders the rules as the README's table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| Rule | Code | Severity | Finds |\n|---|---|---|---|\n")
	for _, r := range All() {
		fmt.Fprintf(&b, "| [`%s`](docs/rules/%s.md) | %s | %s | %s%s |\n",
			r.Name, r.Name, r.Code, r.Severity, kindLabel(r), strings.ReplaceAll(r.Summary, "|", `\|`))
	}
	return b.String()
}

func kindLabel(r *lint.Rule) string {
	switch {
	case r.Probe:
		return "probe: "
	case len(r.Origins) == 1 && r.Origins[0] == model.FromDatabase:
		return "live only: "
	}
	return ""
}
