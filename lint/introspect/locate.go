package introspect

import (
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// Locate maps a live catalog back to the migrations that built it: every
// live object that the static catalog (replayed from files) also has gets
// the static object's spans, so findings about it point at the statement
// that created it, and the live catalog gets the files (ignore comments
// then apply to live findings too). Facts are never copied, only where
// they were set, and only where both sides agree on the fact: a table
// whose RLS the live database has enabled but the migrations leave off
// keeps no EnabledAt (rules fall back to the CREATE TABLE). Statement
// histories are not copied: the live state is the truth.
func Locate(live, static *model.Catalog) {
	live.Files = static.Files
	for name, s := range live.Schemas {
		if st := static.Schemas[name]; st != nil {
			s.Span = st.Span
		}
	}
	for _, t := range live.Tables() {
		if st := static.Table(t.QName()); st != nil {
			locateTable(t, st)
		}
	}
	for _, v := range live.Views() {
		sv := static.View(v.QName())
		if sv == nil || sv.Materialized != v.Materialized {
			continue
		}
		v.Span = sv.Span
		for k, val := range v.Options {
			if sv.Options[k] == val {
				if v.OptionsAt == nil {
					v.OptionsAt = map[string]source.Span{}
				}
				v.OptionsAt[k] = sv.OptionsAt[k]
			}
		}
		locateGrants(v.Grants, sv.Grants)
	}
	for _, f := range live.Functions() {
		for _, sf := range static.FunctionsNamed(f.QName()) {
			if sf.Signature() != f.Signature() {
				continue
			}
			f.Span = sf.Span
			if sf.Body == f.Body {
				f.BodySpan = sf.BodySpan
			}
		}
	}
	for name, r := range live.Roles {
		if sr := static.Roles[name]; sr != nil && !sr.Implicit {
			r.Span = sr.Span
		}
	}
}

func locateTable(t, st *model.Table) {
	t.Span = st.Span
	if st.Owner == t.Owner {
		t.OwnerAt = st.OwnerAt
	}
	if st.RLS.Enabled == t.RLS.Enabled {
		t.RLS.EnabledAt = st.RLS.EnabledAt
	}
	if st.RLS.Forced == t.RLS.Forced {
		t.RLS.ForcedAt = st.RLS.ForcedAt
	}
	for _, c := range t.Columns {
		if sc := st.Column(c.Name); sc != nil {
			c.Span = sc.Span
			if sc.NotNull == c.NotNull {
				c.NotNullAt = sc.NotNullAt
			}
		}
	}
	for _, ix := range t.Indexes {
		for _, six := range st.Indexes {
			if six.Name == ix.Name {
				ix.Span = six.Span
			}
		}
	}
	for _, c := range t.Constraints {
		for _, sc := range st.Constraints {
			if sc.Name == c.Name && sc.Kind == c.Kind {
				c.Span = sc.Span
			}
		}
	}
	for _, p := range t.Policies {
		if sp := st.Policy(p.Name); sp != nil {
			p.Span, p.AlteredAt = sp.Span, sp.AlteredAt
		}
	}
	locateGrants(t.Grants, st.Grants)
}

// locateGrants points each live grant at the first GRANT of the files to
// the same grantee.
func locateGrants(live, static []*model.Grant) {
	for _, g := range live {
		for _, sg := range static {
			if sg.Grantee == g.Grantee {
				g.Span = sg.Span
				break
			}
		}
	}
}
