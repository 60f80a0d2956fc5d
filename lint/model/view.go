package model

import "github.com/tenantguard/tenantguard/lint/source"

// View is a view or materialized view.
type View struct {
	Schema       string
	Name         string
	Materialized bool
	// Options are the reloptions (security_invoker, security_barrier,
	// check_option), lower case, as set last.
	Options map[string]string
	// OptionsAt records where each option was last set or reset.
	OptionsAt map[string]source.Span
	// Reads lists the relations the view's query reads directly.
	Reads []QName
	// Query is the view's query, when it could be analysed.
	Query *Query
	Owner string
	Span  source.Span
	// Grants on the view.
	Grants []*Grant

	// Analysis is filled by lint/ddl.Analyze before rules run.
	Analysis *ViewAnalysis
}

// QName returns the view's qualified name.
func (v *View) QName() QName { return QName{v.Schema, v.Name} }

// SecurityInvoker reports whether the view runs with the caller's rights
// (PostgreSQL 15+ reloption security_invoker).
func (v *View) SecurityInvoker() bool {
	switch v.Options["security_invoker"] {
	case "true", "on", "yes", "1":
		return true
	}
	return false
}

// SetOption records a reloption; value "" resets it.
func (v *View) SetOption(name, value string, at source.Span) {
	if v.Options == nil {
		v.Options = map[string]string{}
		v.OptionsAt = map[string]source.Span{}
	}
	if value == "" {
		// Keep where it was reset: ALTER VIEW ... RESET (security_invoker)
		// is the line a finding should point at.
		delete(v.Options, name)
		v.OptionsAt[name] = at
		return
	}
	v.Options[name] = value
	v.OptionsAt[name] = at
}
