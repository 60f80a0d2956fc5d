package rules

import (
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// BadIgnore reports ignore comments that are malformed or silence
// nothing. The engine reports it while applying suppressions, so it has
// no Run of its own.
var BadIgnore = register(&lint.Rule{
	Name:     lint.BadIgnoreRule,
	Code:     "SQL003",
	Severity: lint.Warning,
	Summary:  "a tenantguard:ignore comment without a reason, naming an unknown rule, or silencing nothing",
	Scope:    lint.ScopeFiles,
	Origins:  []model.Origin{model.FromMigrations},
})
