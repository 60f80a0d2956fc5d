package ddl

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
)

func (r *replayer) createView(s *pg_query.ViewStmt) {
	if s.View == nil {
		return
	}
	q := r.createName(s.View)
	v := &model.View{Schema: q.Schema, Name: q.Name, Span: r.stmt, Owner: r.role}
	if old := r.cat.View(q); old != nil && s.Replace {
		// CREATE OR REPLACE VIEW keeps the owner and grants, and resets
		// options only when given (PostgreSQL replaces reloptions with
		// the ones in the statement).
		v.Owner, v.Grants = old.Owner, old.Grants
	}
	for _, o := range s.Options {
		if d := o.GetDefElem(); d != nil {
			v.SetOption(strings.ToLower(d.Defname), boolOption(d), r.stmt)
		}
	}
	if s.WithCheckOption != pg_query.ViewCheckOption_NO_CHECK_OPTION && s.WithCheckOption != pg_query.ViewCheckOption_VIEW_CHECK_OPTION_UNDEFINED {
		v.SetOption("check_option", strings.ToLower(strings.TrimSuffix(s.WithCheckOption.String(), "_CHECK_OPTION")), r.stmt)
	}
	c := converter{r: r}
	v.Query = c.query(s.Query, &scope{})
	if v.Query != nil {
		v.Reads = uniqueQNames(v.Query.Relations())
		r.refReads(v)
	}
	r.cat.AddView(v)
}

// boolOption returns a reloption's value; a bare option means true.
func boolOption(d *pg_query.DefElem) string {
	if d.Arg == nil {
		return "true"
	}
	return strings.ToLower(defArg(d))
}

func uniqueQNames(in []model.QName) []model.QName {
	seen := map[model.QName]bool{}
	var out []model.QName
	for _, q := range in {
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out
}

// createTableAs handles CREATE MATERIALIZED VIEW and CREATE TABLE AS.
func (r *replayer) createTableAs(s *pg_query.CreateTableAsStmt) {
	if s.Into == nil || s.Into.Rel == nil {
		return
	}
	q := r.createName(s.Into.Rel)
	c := converter{r: r}
	query := c.query(s.Query, &scope{})
	if s.Objtype == pg_query.ObjectType_OBJECT_MATVIEW {
		if r.cat.View(q) != nil && s.IfNotExists {
			return
		}
		v := &model.View{Schema: q.Schema, Name: q.Name, Materialized: true, Span: r.stmt, Owner: r.role, Query: query}
		if query != nil {
			v.Reads = uniqueQNames(query.Relations())
			r.refReads(v)
		}
		r.cat.AddView(v)
		return
	}
	if r.cat.Table(q) != nil && s.IfNotExists {
		return
	}
	t := &model.Table{Schema: q.Schema, Name: q.Name, Kind: model.OrdinaryTable, Span: r.stmt, Owner: r.role}
	names := strs(s.Into.ColNames)
	if len(names) == 0 {
		if sel := s.Query.GetSelectStmt(); sel != nil {
			names = targetNames(sel.TargetList)
		}
	}
	for _, n := range names {
		if n != "" {
			t.Columns = append(t.Columns, &model.Column{Name: n, Span: r.stmt})
		}
	}
	r.cat.AddTable(t)
}

// alterView applies ALTER VIEW/ALTER TABLE commands to a view: reloptions
// and owner.
func (r *replayer) alterView(v *model.View, cmds []*pg_query.Node) {
	for _, n := range cmds {
		cmd := n.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		switch cmd.Subtype {
		case pg_query.AlterTableType_AT_SetRelOptions, pg_query.AlterTableType_AT_ResetRelOptions:
			reset := cmd.Subtype == pg_query.AlterTableType_AT_ResetRelOptions
			if l := cmd.Def.GetList(); l != nil {
				for _, o := range l.Items {
					if d := o.GetDefElem(); d != nil {
						val := boolOption(d)
						if reset {
							val = ""
						}
						v.SetOption(strings.ToLower(d.Defname), val, r.stmt)
					}
				}
			}
		case pg_query.AlterTableType_AT_ChangeOwner:
			v.Owner = roleName(cmd.Newowner)
		}
	}
}
