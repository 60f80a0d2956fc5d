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
	r.newTableFromQuery(q, s.Into.Rel.Relpersistence == "t", strs(s.Into.ColNames), s.Query.GetSelectStmt(), query)
}

// selectInto handles SELECT ... INTO new_table, which creates a table
// like CREATE TABLE ... AS.
func (r *replayer) selectInto(s *pg_query.SelectStmt) {
	into := s.IntoClause
	q := r.createName(into.Rel)
	c := converter{r: r}
	query := c.query(&pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: s}}, &scope{})
	r.newTableFromQuery(q, into.Rel.Relpersistence == "t", strs(into.ColNames), s, query)
}

// newTableFromQuery adds the table CREATE TABLE ... AS SELECT or SELECT
// ... INTO creates. Its columns are the select list's (a * expands to the
// columns of the relations read, as far as the model knows them), renamed
// by an explicit column list; like PostgreSQL, it copies no constraints.
func (r *replayer) newTableFromQuery(q model.QName, temp bool, names []string, sel *pg_query.SelectStmt, query *model.Query) {
	t := &model.Table{Schema: q.Schema, Name: q.Name, Kind: model.OrdinaryTable, Span: r.stmt, Owner: r.role, Temporary: temp}
	var cols []*model.Column
	if sel != nil {
		cols = r.selectColumns(sel.TargetList, query)
	}
	for i, c := range cols {
		if i < len(names) && names[i] != "" {
			c.Name = names[i]
		}
	}
	for i := len(cols); i < len(names); i++ {
		cols = append(cols, &model.Column{Name: names[i]})
	}
	for _, c := range cols {
		if c.Name != "" && t.Column(c.Name) == nil {
			c.Span = r.stmt
			t.Columns = append(t.Columns, c)
		}
	}
	r.cat.AddTable(t)
}

// selectColumns returns the columns a select list produces: named
// targets, column references, and * or alias.* expanded from the
// relations of the FROM list the model knows.
func (r *replayer) selectColumns(targets []*pg_query.Node, query *model.Query) []*model.Column {
	var out []*model.Column
	for _, n := range targets {
		rt := n.GetResTarget()
		if rt == nil {
			continue
		}
		if rt.Name != "" {
			out = append(out, &model.Column{Name: rt.Name})
			continue
		}
		cr := rt.Val.GetColumnRef()
		if cr == nil || len(cr.Fields) == 0 {
			out = append(out, &model.Column{Name: exprColumnName(rt.Val)})
			continue
		}
		last := cr.Fields[len(cr.Fields)-1]
		if last.GetAStar() == nil {
			out = append(out, &model.Column{Name: strVal(last)})
			continue
		}
		qual := strs(cr.Fields[:len(cr.Fields)-1])
		if query == nil {
			continue
		}
		for _, f := range fromRelations(query.From) {
			if len(qual) > 0 && !fromMatches(f, qual) {
				continue
			}
			if f.Relation == nil {
				continue
			}
			if t := r.cat.Table(*f.Relation); t != nil {
				for _, c := range t.Columns {
					out = append(out, &model.Column{Name: c.Name, Type: c.Type})
				}
			}
		}
	}
	return out
}

// exprColumnName is the name PostgreSQL gives an unnamed select-list
// expression: a function's name, a cast's operand's name, else ?column?.
func exprColumnName(n *pg_query.Node) string {
	switch {
	case n.GetFuncCall() != nil:
		names := strs(n.GetFuncCall().Funcname)
		return names[len(names)-1]
	case n.GetTypeCast() != nil:
		arg := n.GetTypeCast().Arg
		if cr := arg.GetColumnRef(); cr != nil && len(cr.Fields) > 0 {
			return strVal(cr.Fields[len(cr.Fields)-1])
		}
		return exprColumnName(arg)
	}
	return "?column?"
}

// fromRelations flattens the joins of a FROM list, left to right.
func fromRelations(items []*model.FromItem) []*model.FromItem {
	var out []*model.FromItem
	for _, f := range items {
		if f == nil {
			continue
		}
		if f.Left != nil || f.Right != nil {
			out = append(out, fromRelations([]*model.FromItem{f.Left, f.Right})...)
			continue
		}
		out = append(out, f)
	}
	return out
}

// fromMatches reports whether alias.* (or schema.table.*) names f.
func fromMatches(f *model.FromItem, qual []string) bool {
	name := qual[len(qual)-1]
	if f.Alias != "" {
		return f.Alias == name
	}
	if f.Relation != nil {
		return f.Relation.Name == name && (len(qual) == 1 || f.Relation.Schema == qual[len(qual)-2])
	}
	return false
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
