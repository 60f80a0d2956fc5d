package lint

import (
	"github.com/tenantguard/tenantguard/lint/model"
)

// Scope says which objects a rule examines. The engine lists one check
// per rule and object in scope, so reports can show what passed as well
// as what failed.
type Scope string

// Scopes.
const (
	ScopeTenantTables Scope = "tenant tables"
	ScopeTables       Scope = "tables"
	ScopePolicies     Scope = "policies on tenant tables"
	ScopeViews        Scope = "views"
	ScopeFunctions    Scope = "functions"
	ScopeRoles        Scope = "roles"
	ScopeFiles        Scope = "files"
	// Probe rules: what `tenantguard probe` tries on a live database.
	ScopeProbeTables Scope = "tenant tables (live probe)"
	ScopeProbeViews  Scope = "views over tenant tables (live probe)"
)

// Rule is one check. Rules are values; the Pass is their only contact
// with the world.
type Rule struct {
	// Name is the stable identifier used in config, suppressions, JSON
	// and SARIF.
	Name string
	// Code is the human-facing family code (RLS001); never reused.
	Code string
	// Severity is the default severity; config may change it.
	Severity Severity
	// Summary is one line: what the rule finds.
	Summary string
	// Doc is the rule's markdown documentation (title, what goes wrong
	// for a customer, bad and good SQL).
	Doc string
	// Tags classify the rule (all carry "security").
	Tags []string
	// Scope is what the rule examines.
	Scope Scope
	// Origins restricts the rule to catalogs of these origins (empty:
	// all). Live-only rules list model.FromDatabase.
	Origins []model.Origin
	// Probe rules are reported by active probes, not run on a catalog.
	Probe bool
	// Run examines the catalog. Nil for rules the engine reports itself
	// (bad-ignore) and for probe rules.
	Run func(*Pass)
}

// AppliesTo reports whether the rule runs on catalogs of that origin.
func (r *Rule) AppliesTo(o model.Origin) bool {
	if r.Probe {
		return false
	}
	if len(r.Origins) == 0 {
		return true
	}
	for _, x := range r.Origins {
		if x == o {
			return true
		}
	}
	return false
}
