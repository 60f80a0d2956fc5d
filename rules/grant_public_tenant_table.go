package rules

import (
	"strings"

	"github.com/tenantguard/tenantguard/lint"
)

// GrantPublicTenantTable reports tenant tables granted to PUBLIC or anon.
var GrantPublicTenantTable = register(&lint.Rule{
	Name:     "grant-public-tenant-table",
	Code:     "GRANT001",
	Severity: lint.Warning,
	Summary:  "a tenant table granted to PUBLIC or anon",
	Scope:    lint.ScopeTenantTables,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			for _, g := range t.Grants {
				if g.Grantee != "PUBLIC" && g.Grantee != "anon" {
					continue
				}
				who := "every role (PUBLIC)"
				if g.Grantee == "anon" {
					who = "anon, the role of requests without a login"
				}
				at := g.Span
				if !at.IsValid() {
					at = t.Span
				}
				pass.Reportf(at, lint.TableObject(t),
					"tenant table %s grants %s to %s: tenant isolation then rests on the policies alone, and one permissive policy or a disabled RLS exposes every tenant's rows to them; grant to the application's logged-in role instead (REVOKE %s ON %s FROM %s)",
					t.QName(), strings.Join(g.Privileges, ", "), who, strings.Join(g.Privileges, ", "), t.QName().SQL(), g.Grantee)
			}
		}
	},
})
