package lint

import (
	"fmt"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// Pass is a rule's view of one run: the catalog, the configuration, the
// tenancy classification, and Report.
type Pass struct {
	Rule    *Rule
	Catalog *model.Catalog
	Config  *Config
	*Tenancy

	severity Severity
	report   func(Finding)
}

// Object identifies the database object a finding is about.
type Object struct {
	Kind string // table, view, materialized view, policy, function, role, file
	Name string
}

// TableObject names a table.
func TableObject(t *model.Table) Object { return Object{"table", t.QName().String()} }

// PolicyObject names a policy as schema.table.policy.
func PolicyObject(p *model.Policy) Object {
	return Object{"policy", p.Table.String() + "." + p.Name}
}

// ViewObject names a view or materialized view.
func ViewObject(v *model.View) Object {
	if v.Materialized {
		return Object{"materialized view", v.QName().String()}
	}
	return Object{"view", v.QName().String()}
}

// FunctionObject names a function with its argument types.
func FunctionObject(f *model.Function) Object { return Object{"function", f.String()} }

// RoleObject names a role.
func RoleObject(r *model.Role) Object { return Object{"role", r.Name} }

// Reportf reports a finding about obj at span (which may be zero for live
// objects). The message should name the object and the part at fault.
func (p *Pass) Reportf(at source.Span, obj Object, format string, args ...any) {
	p.ReportDetail(at, obj, "", format, args...)
}

// ReportDetail is Reportf with extra detail (shown with --verbose and in
// machine formats).
func (p *Pass) ReportDetail(at source.Span, obj Object, detail, format string, args ...any) {
	p.report(Finding{
		Rule:       p.Rule.Name,
		Code:       p.Rule.Code,
		Severity:   p.severity,
		Message:    fmt.Sprintf(format, args...),
		Object:     obj.Name,
		ObjectKind: obj.Kind,
		Detail:     detail,
		Span:       at,
		Source:     string(p.Catalog.Origin),
	})
}
