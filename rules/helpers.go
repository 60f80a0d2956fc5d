package rules

import (
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
		pass.Reportf(d.Span, obj, "%s", d.Message)
	}
}
