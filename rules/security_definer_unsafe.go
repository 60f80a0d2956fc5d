package rules

import (
	"strings"

	"github.com/tenantguard/tenantguard/lint"
)

// SecurityDefinerUnsafe reports SECURITY DEFINER functions that read
// tenant tables without a pinned search_path or a tenant predicate.
var SecurityDefinerUnsafe = register(&lint.Rule{
	Name:     "security-definer-unsafe",
	Code:     "FUNC001",
	Severity: lint.Warning,
	Summary:  "a SECURITY DEFINER function that reads tenant tables without a pinned search_path or tenant predicate",
	Scope:    lint.ScopeFunctions,
	Run: func(pass *lint.Pass) {
		for _, f := range pass.Catalog.Functions() {
			if !f.SecurityDefiner || f.Analysis == nil || len(f.Analysis.TenantReads) == 0 || !pass.Config.ChecksSchema(f.Schema) {
				continue
			}
			reads := qnamesText(f.Analysis.TenantReads)
			if _, pinned := f.Config["search_path"]; !pinned {
				pass.Reportf(f.Span, lint.FunctionObject(f),
					"SECURITY DEFINER function %s reads tenant table %s with its owner's rights but does not pin search_path: a caller who can create objects in a schema on the search path can substitute a table or operator and run code as the owner; add SET search_path = '' (and qualify names) or SET search_path = pg_catalog, public",
					f, reads)
			}
			for _, u := range f.Analysis.UnscopedReads {
				at := f.Span
				if u.Query != nil && u.Query.Pos.IsValid() {
					at = u.Query.Pos
				}
				pass.Reportf(at, lint.FunctionObject(f),
					"SECURITY DEFINER function %s reads %s with its owner's rights, which bypass row level security, and %s: any caller gets other tenants' rows; filter on the current tenant or check the caller's membership first",
					f, u.Table, strings.TrimSuffix(u.Why, "."))
			}
		}
	},
})
