package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// TeamScopeUnenforced reports tables with a team column whose policies
// never look at it.
var TeamScopeUnenforced = register(&lint.Rule{
	Name:     "team-scope-unenforced",
	Code:     "POL005",
	Severity: lint.Warning,
	Summary:  "a table with a team column (team_columns) whose policies never constrain it",
	Scope:    lint.ScopeTenantTables,
	Run: func(pass *lint.Pass) {
		for _, t := range pass.TenantTables(pass.Catalog) {
			team, ok := pass.TeamColumn(t)
			if !ok || len(t.Policies) == 0 {
				continue
			}
			used := false
			for _, p := range t.Policies {
				for _, e := range []*model.Expr{p.Using, p.WithCheck} {
					model.Walk(e, func(x *model.Expr) bool {
						if x.Kind == model.ColumnRef && x.Depth == 0 && x.Rel != nil && *x.Rel == t.QName() && x.Column() == team {
							used = true
						}
						return !used
					})
				}
			}
			if used {
				continue
			}
			p := t.Policies[0]
			pass.Reportf(p.At(), lint.TableObject(t),
				"%s has team column %s but none of its policies (%s) constrains it: every member of the tenant sees every team's rows; add a condition on %s (e.g. a team membership lookup) or remove %s from team_columns",
				t.QName(), team, policyNames(t), team, team)
		}
	},
})

func policyNames(t *model.Table) string {
	out := ""
	for i, p := range t.Policies {
		if i > 0 {
			out += ", "
		}
		out += p.Name
	}
	return out
}
