package ddl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// sp renders a span as path:line:col-line:col ("-" for none).
func dumpSpan(s source.Span) string {
	if !s.IsValid() {
		return "-"
	}
	a, b := s.StartPos(), s.EndPos()
	return fmt.Sprintf("%s:%d:%d-%d:%d", s.Path(), a.Line, a.Column, b.Line, b.Column)
}

func dumpExpr(e *model.Expr) string {
	if e == nil {
		return "-"
	}
	return e.String()
}

func dumpKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// dumpCatalog renders everything a rule can see of a catalog, positions
// included, one fact per line, in a deterministic order.
func dumpCatalog(cat *model.Catalog) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	for _, name := range dumpKeys(cat.Schemas) {
		s := cat.Schemas[name]
		p("schema %s owner=%s at=%s", s.Name, s.Owner, dumpSpan(s.Span))
	}
	for _, t := range cat.Tables() {
		p("table %s kind=%s owner=%s ownerAt=%s temp=%v at=%s", t.QName(), t.Kind, t.Owner, dumpSpan(t.OwnerAt), t.Temporary, dumpSpan(t.Span))
		if t.PartitionOf != nil {
			p("  partition of %s", t.PartitionOf)
		}
		for _, q := range t.Inherits {
			p("  inherits %s", q)
		}
		for _, c := range t.Columns {
			p("  column %s %s notnull=%v@%s default=%q generated=%v at=%s", c.Name, c.Type, c.NotNull, dumpSpan(c.NotNullAt), c.Default, c.Generated, dumpSpan(c.Span))
		}
		for _, ix := range t.Indexes {
			p("  index %s.%s %q unique=%v primary=%v partial=%v constraint=%s at=%s", ix.Schema, ix.Name, ix.Columns, ix.Unique, ix.Primary, ix.Partial, ix.Constraint, dumpSpan(ix.Span))
		}
		for _, c := range t.Constraints {
			p("  constraint %s %s %q ref=%s%q at=%s", c.Name, c.Kind, c.Columns, c.RefTable, c.RefColumns, dumpSpan(c.Span))
		}
		p("  rls enabled=%v@%s forced=%v@%s", t.RLS.Enabled, dumpSpan(t.RLS.EnabledAt), t.RLS.Forced, dumpSpan(t.RLS.ForcedAt))
		for _, h := range t.RLS.History {
			p("  rls change %s at=%s", h.Action, dumpSpan(h.At))
		}
		for _, pol := range t.Policies {
			kind := "PERMISSIVE"
			if !pol.Permissive {
				kind = "RESTRICTIVE"
			}
			p("  policy %s %s %s on=%s roles=%q using=%s check=%s at=%s altered=%s", pol.Name, kind, pol.Command, pol.Table, pol.Roles,
				dumpExpr(pol.Using), dumpExpr(pol.WithCheck), dumpSpan(pol.Span), dumpSpan(pol.AlteredAt))
		}
		for _, g := range t.Grants {
			p("  grant %s %q cols=%q at=%s", g.Grantee, g.Privileges, g.Columns, dumpSpan(g.Span))
		}
	}
	for _, v := range cat.Views() {
		p("view %s materialized=%v owner=%s reads=%v at=%s", v.QName(), v.Materialized, v.Owner, v.Reads, dumpSpan(v.Span))
		for _, k := range dumpKeys(v.Options) {
			p("  option %s=%s at=%s", k, v.Options[k], dumpSpan(v.OptionsAt[k]))
		}
		for _, g := range v.Grants {
			p("  grant %s %q at=%s", g.Grantee, g.Privileges, dumpSpan(g.Span))
		}
	}
	for _, f := range cat.Functions() {
		p("function %s returns=%s language=%s definer=%v owner=%s dynamic=%v parsed=%v at=%s body=%s", f, f.Returns, f.Language,
			f.SecurityDefiner, f.Owner, f.Dynamic, f.BodyParsed, dumpSpan(f.Span), dumpSpan(f.BodySpan))
		for _, k := range dumpKeys(f.Config) {
			p("  set %s=%s", k, f.Config[k])
		}
	}
	for _, r := range cat.SortedRoles() {
		p("role %s login=%v super=%v bypassrls=%v implicit=%v memberOf=%q at=%s", r.Name, r.Login, r.Superuser, r.BypassRLS, r.Implicit, r.MemberOf, dumpSpan(r.Span))
	}
	for _, d := range cat.Diagnostics {
		p("diag %s %s %s", d.Kind, dumpSpan(d.Span), d.Message)
	}
	for _, n := range cat.Notes {
		p("note %s %s %s", dumpSpan(n.Span), n.Object, n.Message)
	}
	return b.String()
}

func dumpTableNames(cat *model.Catalog) []string {
	var out []string
	for _, t := range cat.Tables() {
		out = append(out, t.QName().String())
	}
	return out
}
