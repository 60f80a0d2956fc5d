package rules

import (
	"github.com/tenantguard/tenantguard/lint"
)

// RLSNoPolicy reports tenant tables with RLS on and no permissive policy.
var RLSNoPolicy = register(&lint.Rule{
	Name:     "rls-no-policy",
	Code:     "RLS003",
	Severity: lint.Warning,
	Summary:  "RLS on, no policy: every non-owner query sees nothing",
	Scope:    lint.ScopeTenantTables,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			if !t.RLS.Enabled {
				continue
			}
			permissive, restrictive := 0, 0
			for _, p := range t.Policies {
				if p.Permissive {
					permissive++
				} else {
					restrictive++
				}
			}
			if permissive > 0 {
				continue
			}
			at := t.RLS.EnabledAt
			if !at.IsValid() {
				at = t.Span
			}
			if restrictive > 0 {
				pass.Reportf(at, lint.TableObject(t),
					"%s has row level security on and only restrictive policies: restrictive policies narrow what permissive ones allow, so with no permissive policy no rows are visible to anyone but the owner; add a permissive tenant policy",
					t.QName())
				continue
			}
			pass.Reportf(at, lint.TableObject(t),
				"%s has row level security on but no policy: queries by any role except the owner return no rows and writes fail; add a tenant policy (CREATE POLICY ... USING (%s = ...))",
				t.QName(), tenantColumnOrPlaceholder(pass, t))
		}
	},
})
