package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// ParseError reports statements PostgreSQL's parser rejects.
var ParseError = register(&lint.Rule{
	Name:     "parse-error",
	Code:     "SQL001",
	Severity: lint.Error,
	Summary:  "a file that does not parse; position of the error",
	Scope:    lint.ScopeFiles,
	Origins:  []model.Origin{model.FromMigrations},
	Run: func(pass *lint.Pass) {
		reportDiagnostics(pass, model.ParseError)
	},
})
