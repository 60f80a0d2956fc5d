package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// DynamicSQL reports DO blocks and EXECUTE that static analysis cannot
// follow.
var DynamicSQL = register(&lint.Rule{
	Name:     "dynamic-sql",
	Code:     "SQL002",
	Severity: lint.Info,
	Summary:  "DO blocks / EXECUTE that static analysis cannot follow",
	Scope:    lint.ScopeFiles,
	Origins:  []model.Origin{model.FromMigrations},
	Run: func(pass *lint.Pass) {
		reportDiagnostics(pass, model.DynamicSQL)
	},
})
