package rules

import (
	"strings"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// tenantColumnOrPlaceholder names the tenant column of t for messages.
func tenantColumnOrPlaceholder(pass *lint.Pass, t *model.Table) string {
	if c, ok := pass.TenantColumn(t); ok {
		return model.QuoteIdent(c)
	}
	return "tenant_id"
}

// reportDiagnostics turns the model builder's diagnostics of one kind
// into findings.
func reportDiagnostics(pass *lint.Pass, kind model.DiagnosticKind) {
	for _, d := range pass.Catalog.Diagnostics {
		if d.Kind != kind {
			continue
		}
		obj := lint.Object{Kind: "file", Name: d.Span.Path()}
		if obj.Name == "" {
			obj.Name = d.Path
		}
		pass.Reportf(d.Span, obj, "%s", shortMessage(d.Message))
	}
}

// shortMessage keeps a parser message to one readable line: PostgreSQL
// quotes the rest of the input after "at or near", which after an
// unterminated string or comment is the rest of the file (megabytes, and
// whatever secrets it holds).
func shortMessage(msg string) string {
	const near = `at or near "`
	if i := strings.Index(msg, near); i >= 0 {
		text := strings.TrimSuffix(msg[i+len(near):], `"`)
		cut := false
		if j := strings.IndexAny(text, "\r\n"); j >= 0 {
			text, cut = text[:j], true
		}
		if r := []rune(text); len(r) > 40 {
			text, cut = string(r[:40]), true
		}
		if cut {
			text += "…"
		}
		msg = msg[:i+len(near)] + text + `"`
	}
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		msg = msg[:i] + " …"
	}
	return msg
}
