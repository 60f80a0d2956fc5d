package ddl

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
)

func (r *replayer) alterTable(s *pg_query.AlterTableStmt) {
	if s.Relation == nil {
		return
	}
	q, found := r.lookupRV(s.Relation)
	if s.Objtype == pg_query.ObjectType_OBJECT_INDEX || s.Objtype == pg_query.ObjectType_OBJECT_SEQUENCE {
		return
	}
	t, v := r.cat.Relation(q)
	if v != nil {
		r.alterView(v, s.Cmds)
		return
	}
	if !found || t == nil {
		r.unknownRelation(q, s.MissingOk)
		return
	}
	for _, n := range s.Cmds {
		if cmd := n.GetAlterTableCmd(); cmd != nil {
			r.alterTableCmd(t, cmd, s.Relation.Inh)
		}
	}
}

// unknownRelation notes an ALTER of a relation the files never created
// (an extension's or the platform's): tolerated, shown with --verbose.
// IF EXISTS says the author expected that.
func (r *replayer) unknownRelation(q model.QName, missingOk bool) {
	if !missingOk {
		r.note(q.String(), "ALTER of "+q.String()+": not created by the files read (extension or platform object?); ignored")
	}
}

func (r *replayer) alterTableCmd(t *model.Table, cmd *pg_query.AlterTableCmd, recurse bool) {
	switch cmd.Subtype {
	case pg_query.AlterTableType_AT_EnableRowSecurity:
		t.RLS.Enabled, t.RLS.EnabledAt = true, r.stmt
		r.rlsChange(t, model.EnableRLS)
	case pg_query.AlterTableType_AT_DisableRowSecurity:
		t.RLS.Enabled, t.RLS.EnabledAt = false, r.stmt
		r.rlsChange(t, model.DisableRLS)
	case pg_query.AlterTableType_AT_ForceRowSecurity:
		t.RLS.Forced, t.RLS.ForcedAt = true, r.stmt
		r.rlsChange(t, model.ForceRLS)
	case pg_query.AlterTableType_AT_NoForceRowSecurity:
		t.RLS.Forced, t.RLS.ForcedAt = false, r.stmt
		r.rlsChange(t, model.NoForceRLS)
	case pg_query.AlterTableType_AT_AddColumn:
		if cd := cmd.Def.GetColumnDef(); cd != nil {
			for _, tt := range r.withChildren(t, recurse) {
				r.addColumn(tt, cd)
			}
		}
	case pg_query.AlterTableType_AT_DropColumn:
		for _, tt := range r.withChildren(t, recurse) {
			tt.RemoveColumn(cmd.Name)
			dropColumnDependents(tt, cmd.Name)
		}
	case pg_query.AlterTableType_AT_AlterColumnType:
		if cd := cmd.Def.GetColumnDef(); cd != nil {
			for _, tt := range r.withChildren(t, true) {
				if c := tt.Column(cmd.Name); c != nil {
					c.Type = typeName(cd.TypeName)
				}
			}
		}
	case pg_query.AlterTableType_AT_SetNotNull, pg_query.AlterTableType_AT_DropNotNull:
		on := cmd.Subtype == pg_query.AlterTableType_AT_SetNotNull
		for _, tt := range r.withChildren(t, recurse) {
			if c := tt.Column(cmd.Name); c != nil {
				c.NotNull, c.NotNullAt = on, r.stmt
			}
		}
	case pg_query.AlterTableType_AT_ColumnDefault:
		if c := t.Column(cmd.Name); c != nil {
			c.Default = ""
			if cmd.Def != nil {
				c.Default = r.expr(cmd.Def).String()
			}
		}
	case pg_query.AlterTableType_AT_AddIdentity:
		if c := t.Column(cmd.Name); c != nil {
			c.Generated = true
		}
	case pg_query.AlterTableType_AT_AddConstraint:
		if con := cmd.Def.GetConstraint(); con != nil {
			// Partitions get every key; inheritance children only CHECKs.
			propagate := recurse && (t.Kind == model.PartitionedTable || con.Contype == pg_query.ConstrType_CONSTR_CHECK)
			for _, tt := range r.withChildren(t, propagate) {
				r.addConstraint(tt, con)
			}
		}
	case pg_query.AlterTableType_AT_DropConstraint:
		for _, tt := range r.withChildren(t, recurse) {
			dropConstraint(tt, cmd.Name)
		}
	case pg_query.AlterTableType_AT_ChangeOwner:
		t.Owner, t.OwnerAt = roleName(cmd.Newowner), r.stmt
	case pg_query.AlterTableType_AT_AttachPartition:
		if pc := cmd.Def.GetPartitionCmd(); pc != nil && pc.Name != nil {
			if part := r.table(pc.Name); part != nil {
				q := t.QName()
				part.PartitionOf = &q
				r.attachPartition(part, t)
				r.noteChild(part)
			}
		}
	case pg_query.AlterTableType_AT_DetachPartition:
		if pc := cmd.Def.GetPartitionCmd(); pc != nil && pc.Name != nil {
			if part := r.table(pc.Name); part != nil {
				part.PartitionOf = nil
			}
		}
	case pg_query.AlterTableType_AT_AddInherit:
		if rv := cmd.Def.GetRangeVar(); rv != nil {
			q, _ := r.lookupRV(rv)
			t.Inherits = append(t.Inherits, q)
			r.noteChild(t)
		}
	case pg_query.AlterTableType_AT_DropInherit:
		if rv := cmd.Def.GetRangeVar(); rv != nil {
			q, _ := r.lookupRV(rv)
			out := t.Inherits[:0]
			for _, p := range t.Inherits {
				if p != q {
					out = append(out, p)
				}
			}
			t.Inherits = out
		}
	}
}

func (r *replayer) rlsChange(t *model.Table, a model.RLSAction) {
	t.RLS.History = append(t.RLS.History, model.RLSChange{Action: a, At: r.stmt})
}

// withChildren returns t and, when recurse is set, its partitions and
// inheritance children (transitively): the tables an ALTER TABLE without
// ONLY reaches.
func (r *replayer) withChildren(t *model.Table, recurse bool) []*model.Table {
	out := []*model.Table{t}
	if !recurse {
		return out
	}
	seen := map[*model.Table]bool{t: true}
	for i := 0; i < len(out); i++ {
		for _, c := range r.children(out[i].QName(), false) {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func dropConstraint(t *model.Table, name string) {
	cons := t.Constraints[:0]
	for _, c := range t.Constraints {
		if c.Name != name {
			cons = append(cons, c)
		}
	}
	t.Constraints = cons
	idx := t.Indexes[:0]
	for _, ix := range t.Indexes {
		if ix.Constraint != name {
			idx = append(idx, ix)
		}
	}
	t.Indexes = idx
}

// dropColumnDependents removes indexes and constraints that used a
// dropped column (PostgreSQL drops them with it).
func dropColumnDependents(t *model.Table, col string) {
	uses := func(cols []string) bool {
		for _, c := range cols {
			if c == col {
				return true
			}
		}
		return false
	}
	idx := t.Indexes[:0]
	for _, ix := range t.Indexes {
		if !uses(ix.Columns) {
			idx = append(idx, ix)
		}
	}
	t.Indexes = idx
	cons := t.Constraints[:0]
	for _, c := range t.Constraints {
		if !uses(c.Columns) {
			cons = append(cons, c)
		}
	}
	t.Constraints = cons
}

func (r *replayer) rename(s *pg_query.RenameStmt) {
	switch s.RenameType {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW,
		pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
		if s.Relation == nil {
			return
		}
		q, found := r.lookupRV(s.Relation)
		if !found {
			r.unknownRelation(q, s.MissingOk)
			return
		}
		r.moveRelation(q, model.QName{Schema: q.Schema, Name: s.Newname})
	case pg_query.ObjectType_OBJECT_COLUMN:
		t := r.table(s.Relation)
		if t == nil {
			if s.Relation != nil {
				q, _ := r.lookupRV(s.Relation)
				r.unknownRelation(q, s.MissingOk)
			}
			return
		}
		for _, tt := range r.withChildren(t, true) {
			renameColumn(tt, s.Subname, s.Newname)
		}
	case pg_query.ObjectType_OBJECT_TABCONSTRAINT:
		if t := r.table(s.Relation); t != nil {
			for _, c := range t.Constraints {
				if c.Name == s.Subname {
					c.Name = s.Newname
				}
			}
			for _, ix := range t.Indexes {
				if ix.Constraint == s.Subname {
					ix.Constraint, ix.Name = s.Newname, s.Newname
				}
			}
		}
	case pg_query.ObjectType_OBJECT_POLICY:
		if t := r.table(s.Relation); t != nil {
			if p := t.Policy(s.Subname); p != nil {
				p.Name, p.AlteredAt = s.Newname, r.stmt
			}
		}
	case pg_query.ObjectType_OBJECT_INDEX:
		if s.Relation == nil {
			return
		}
		r.renameIndex(s.Relation, s.Newname)
	case pg_query.ObjectType_OBJECT_SCHEMA:
		r.renameSchema(s.Subname, s.Newname)
	case pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_ROUTINE:
		if owa := s.Object.GetObjectWithArgs(); owa != nil {
			for _, f := range r.functionsFor(owa) {
				r.cat.RemoveFunction(f.QName(), f.ArgTypes)
				f.Name = s.Newname
				r.cat.AddFunction(f)
			}
		}
	case pg_query.ObjectType_OBJECT_ROLE:
		if role, ok := r.cat.Roles[s.Subname]; ok {
			delete(r.cat.Roles, s.Subname)
			role.Name = s.Newname
			r.cat.Roles[s.Newname] = role
		}
	}
}

func (r *replayer) renameIndex(rv *pg_query.RangeVar, newName string) {
	schemas := r.pathSchemas()
	if rv.Schemaname != "" {
		schemas = []string{rv.Schemaname}
	}
	for _, sc := range schemas {
		q := model.QName{Schema: sc, Name: rv.Relname}
		if t := r.indexes[q]; t != nil {
			if ix := r.findIndex(t, rv.Relname); ix != nil {
				ix.Name = newName
				delete(r.indexes, q)
				r.indexes[model.QName{Schema: sc, Name: newName}] = t
			}
			return
		}
	}
}

// renameColumn renames a column and the references to it in the table's
// keys, indexes and policies (PostgreSQL binds those by column number).
func renameColumn(t *model.Table, from, to string) {
	if c := t.Column(from); c != nil {
		c.Name = to
	}
	ren := func(cols []string) {
		for i, c := range cols {
			if c == from {
				cols[i] = to
			}
		}
	}
	for _, ix := range t.Indexes {
		ren(ix.Columns)
	}
	for _, c := range t.Constraints {
		ren(c.Columns)
	}
	fix := func(e *model.Expr) bool {
		if e.Kind == model.ColumnRef && len(e.Names) > 0 && e.Names[len(e.Names)-1] == from {
			if len(e.Names) == 1 || e.Names[len(e.Names)-2] == t.Name {
				e.Names[len(e.Names)-1] = to
			}
		}
		// Columns of the policy's table inside sub-selects are outer
		// references only when qualified with the table name.
		return e.Kind != model.SubLink
	}
	for _, p := range t.Policies {
		model.Walk(p.Using, fix)
		model.Walk(p.WithCheck, fix)
	}
}

// moveRelation renames a table or view and every reference to it.
func (r *replayer) moveRelation(from, to model.QName) {
	t, v := r.cat.Relation(from)
	switch {
	case t != nil:
		r.cat.RenameTable(t, to)
		for _, p := range t.Policies {
			p.Table = to
		}
		if from.Schema != to.Schema {
			for key, tt := range r.indexes {
				if tt == t && key.Schema == from.Schema {
					delete(r.indexes, key)
					r.indexes[model.QName{Schema: to.Schema, Name: key.Name}] = t
				}
			}
		}
		for _, ix := range t.Indexes {
			ix.Schema = to.Schema
		}
	case v != nil:
		r.cat.RenameView(v, to)
	default:
		return
	}
	r.retarget(from, to)
}

func fixQueryRefs(q *model.Query, fix func(*model.QName)) {
	if q == nil {
		return
	}
	var from func(f *model.FromItem)
	from = func(f *model.FromItem) {
		if f == nil {
			return
		}
		fix(f.Relation)
		fixQueryRefs(f.Query, fix)
		from(f.Left)
		from(f.Right)
	}
	for _, f := range q.From {
		from(f)
	}
	from(q.Target)
	for _, w := range q.With {
		fixQueryRefs(w, fix)
	}
	for _, s := range q.SetOps {
		fixQueryRefs(s, fix)
	}
	model.WalkQuery(q, func(e *model.Expr) bool {
		if e.Kind == model.SubLink && e.Query != nil {
			fixQueryRefs(e.Query, fix)
			return false
		}
		return true
	})
}

func (r *replayer) renameSchema(from, to string) {
	if sc, ok := r.cat.Schemas[from]; ok {
		delete(r.cat.Schemas, from)
		sc.Name = to
		r.cat.Schemas[to] = sc
	}
	for _, t := range r.cat.Tables() {
		if t.Schema == from {
			r.moveRelation(t.QName(), model.QName{Schema: to, Name: t.Name})
		}
	}
	for _, v := range r.cat.Views() {
		if v.Schema == from {
			r.moveRelation(v.QName(), model.QName{Schema: to, Name: v.Name})
		}
	}
	for _, f := range r.cat.Functions() {
		if f.Schema == from {
			r.cat.RemoveFunction(f.QName(), f.ArgTypes)
			f.Schema = to
			r.cat.AddFunction(f)
		}
	}
}

func (r *replayer) setSchema(s *pg_query.AlterObjectSchemaStmt) {
	switch s.ObjectType {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW,
		pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
		if s.Relation == nil {
			return
		}
		q, found := r.lookupRV(s.Relation)
		if !found {
			r.unknownRelation(q, s.MissingOk)
			return
		}
		r.moveRelation(q, model.QName{Schema: s.Newschema, Name: q.Name})
	case pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_ROUTINE:
		if owa := s.Object.GetObjectWithArgs(); owa != nil {
			for _, f := range r.functionsFor(owa) {
				r.cat.RemoveFunction(f.QName(), f.ArgTypes)
				f.Schema = s.Newschema
				r.cat.AddFunction(f)
			}
		}
	}
}

func (r *replayer) drop(s *pg_query.DropStmt) {
	for _, obj := range s.Objects {
		switch s.RemoveType {
		case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
			q, _ := r.qnameOf(listItems(obj))
			r.dropTable(q)
		case pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW:
			q, _ := r.qnameOf(listItems(obj))
			r.cat.RemoveView(q)
		case pg_query.ObjectType_OBJECT_INDEX:
			names := strs(listItems(obj))
			r.dropIndex(names)
		case pg_query.ObjectType_OBJECT_POLICY:
			names := strs(listItems(obj))
			if len(names) < 2 {
				continue
			}
			tq, _ := r.qnameOf(listItems(obj)[:len(names)-1])
			if t := r.cat.Table(tq); t != nil {
				t.RemovePolicy(names[len(names)-1])
			}
		case pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_ROUTINE:
			if owa := obj.GetObjectWithArgs(); owa != nil {
				for _, f := range r.functionsFor(owa) {
					r.cat.RemoveFunction(f.QName(), f.ArgTypes)
				}
			}
		case pg_query.ObjectType_OBJECT_SCHEMA:
			r.dropSchema(strVal(obj))
		}
	}
}

func listItems(n *pg_query.Node) []*pg_query.Node {
	if l := n.GetList(); l != nil {
		return l.Items
	}
	return []*pg_query.Node{n}
}

// dropTable removes a table and its partitions (dropped with it).
func (r *replayer) dropTable(q model.QName) {
	t := r.cat.Table(q)
	if t == nil {
		return
	}
	for _, p := range r.children(q, true) {
		r.dropTable(p.QName())
	}
	// The table's own indexes, not a scan of every index of the schema.
	for _, ix := range t.Indexes {
		key := model.QName{Schema: t.Schema, Name: ix.Name}
		if r.indexes[key] == t {
			delete(r.indexes, key)
		}
	}
	r.cat.RemoveTable(q)
}

func (r *replayer) dropIndex(names []string) {
	if len(names) == 0 {
		return
	}
	name := names[len(names)-1]
	schemas := r.pathSchemas()
	if len(names) > 1 {
		schemas = []string{names[len(names)-2]}
	}
	for _, sc := range schemas {
		q := model.QName{Schema: sc, Name: name}
		if t := r.indexes[q]; t != nil {
			idx := t.Indexes[:0]
			for _, ix := range t.Indexes {
				if ix.Name != name {
					idx = append(idx, ix)
				}
			}
			t.Indexes = idx
			delete(r.indexes, q)
			return
		}
	}
}

func (r *replayer) dropSchema(name string) {
	delete(r.cat.Schemas, name)
	for _, t := range r.cat.Tables() {
		if t.Schema == name {
			r.dropTable(t.QName())
		}
	}
	for _, v := range r.cat.Views() {
		if v.Schema == name {
			r.cat.RemoveView(v.QName())
		}
	}
	for _, f := range r.cat.Functions() {
		if f.Schema == name {
			r.cat.RemoveFunction(f.QName(), nil)
		}
	}
}

// variableSet follows SET search_path and SET ROLE.
func (r *replayer) variableSet(s *pg_query.VariableSetStmt) {
	switch strings.ToLower(s.Name) {
	case "search_path":
		switch s.Kind {
		case pg_query.VariableSetKind_VAR_SET_VALUE:
			var path []string
			for _, a := range s.Args {
				path = append(path, strVal(a))
			}
			r.searchPath = path
		case pg_query.VariableSetKind_VAR_SET_DEFAULT, pg_query.VariableSetKind_VAR_RESET:
			r.searchPath = defaultSearchPath
		}
	case "role":
		if s.Kind == pg_query.VariableSetKind_VAR_SET_VALUE && len(s.Args) == 1 {
			r.role = strVal(s.Args[0])
			if r.role == "none" {
				r.role = ""
			}
		} else {
			r.role = ""
		}
	}
	if s.Kind == pg_query.VariableSetKind_VAR_RESET_ALL {
		r.searchPath = defaultSearchPath
		r.role = ""
	}
}

// selectSetConfig follows SELECT set_config('search_path', '...', ...)
// as pg_dump writes it.
func (r *replayer) selectSetConfig(s *pg_query.SelectStmt) {
	for _, t := range s.TargetList {
		rt := t.GetResTarget()
		if rt == nil {
			continue
		}
		fc := rt.Val.GetFuncCall()
		if fc == nil || len(fc.Args) < 2 {
			continue
		}
		names := strs(fc.Funcname)
		if names[len(names)-1] != "set_config" {
			continue
		}
		setting, ok1 := constString(fc.Args[0])
		value, ok2 := constString(fc.Args[1])
		if ok1 && ok2 && strings.EqualFold(setting, "search_path") {
			r.searchPath = parseSearchPath(value)
		}
	}
}

func constString(n *pg_query.Node) (string, bool) {
	if c := n.GetAConst(); c != nil && !c.Isnull {
		return constText(c), true
	}
	if tc := n.GetTypeCast(); tc != nil {
		return constString(tc.Arg)
	}
	return "", false
}

// parseSearchPath splits a search_path value: comma separated names,
// optionally double quoted.
func parseSearchPath(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if len(part) >= 2 && part[0] == '"' && part[len(part)-1] == '"' {
			part = strings.ReplaceAll(part[1:len(part)-1], `""`, `"`)
		} else {
			part = strings.ToLower(part)
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}
