package ddl

import (
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
)

// LIKE ... INCLUDING option bits (PostgreSQL's CREATE_TABLE_LIKE_*).
const (
	likeConstraints = 1 << 2
	likeDefaults    = 1 << 3
	likeIdentity    = 1 << 5
	likeIndexes     = 1 << 6
)

func (r *replayer) createTable(s *pg_query.CreateStmt) {
	if s.Relation == nil {
		return
	}
	q := r.createName(s.Relation)
	if old := r.cat.Table(q); old != nil && s.IfNotExists {
		return
	}
	t := &model.Table{Schema: q.Schema, Name: q.Name, Kind: model.OrdinaryTable, Span: r.stmt,
		Temporary: s.Relation.Relpersistence == "t", Owner: r.role}
	if s.Partspec != nil {
		t.Kind = model.PartitionedTable
	}
	if s.Partbound != nil && len(s.InhRelations) == 1 {
		parentRV := s.InhRelations[0].GetRangeVar()
		if parentRV != nil {
			pq, _ := r.lookupRV(parentRV)
			t.PartitionOf = &pq
			if parent := r.cat.Table(pq); parent != nil {
				r.inheritPartition(t, parent)
			}
		}
	} else {
		for _, n := range s.InhRelations {
			rv := n.GetRangeVar()
			if rv == nil {
				continue
			}
			pq, _ := r.lookupRV(rv)
			t.Inherits = append(t.Inherits, pq)
			if parent := r.cat.Table(pq); parent != nil {
				for _, c := range parent.Columns {
					if t.Column(c.Name) == nil {
						t.Columns = append(t.Columns, r.copyColumn(c))
					}
				}
			}
		}
	}
	for _, e := range s.TableElts {
		switch el := e.Node.(type) {
		case *pg_query.Node_ColumnDef:
			r.addColumn(t, el.ColumnDef)
		case *pg_query.Node_Constraint:
			r.addConstraint(t, el.Constraint)
		case *pg_query.Node_TableLikeClause:
			r.likeTable(t, el.TableLikeClause)
		}
	}
	for _, c := range s.Constraints {
		if con := c.GetConstraint(); con != nil {
			r.addConstraint(t, con)
		}
	}
	r.cat.AddTable(t)
	if t.PartitionOf != nil || len(t.Inherits) > 0 {
		r.noteChild(t)
	}
	if _, ok := r.cat.Schemas[q.Schema]; !ok && q.Schema != "pg_temp" {
		r.cat.Schemas[q.Schema] = &model.Schema{Name: q.Schema}
	}
}

// inheritPartition gives a partition its parent's columns, keys and
// indexes. Row level security and policies are not inherited: a query on
// the partition itself checks only the partition's own.
func (r *replayer) inheritPartition(t, parent *model.Table) {
	for _, c := range parent.Columns {
		t.Columns = append(t.Columns, r.copyColumn(c))
	}
	r.attachPartition(t, parent)
}

// attachPartition gives a partition what PostgreSQL gives it from its
// parent (PARTITION OF, ATTACH PARTITION): an index for each of the
// parent's partitioned indexes and the parent's keys, where the table has
// none with the same columns already.
func (r *replayer) attachPartition(t, parent *model.Table) {
	// Match against what the table had before: each of the parent's
	// indexes and keys is one of the partition's, even when two share
	// their columns.
	ownIndexes, ownKeys := slices.Clone(t.Indexes), slices.Clone(t.Constraints)
	for _, ix := range parent.Indexes {
		if slices.ContainsFunc(ownIndexes, func(own *model.Index) bool {
			return own.Partial == ix.Partial && slices.Equal(own.Columns, ix.Columns)
		}) {
			continue
		}
		ii := *ix
		ii.Span = r.stmt
		ii.Schema = t.Schema
		ii.Name = t.Name + "_" + strings.Join(ix.Columns, "_") + "_idx"
		t.Indexes = append(t.Indexes, &ii)
	}
	for _, c := range parent.Constraints {
		if c.Kind != model.PrimaryKey && c.Kind != model.Unique && c.Kind != model.ForeignKey {
			continue
		}
		if slices.ContainsFunc(ownKeys, func(own *model.Constraint) bool {
			return own.Kind == c.Kind && slices.Equal(own.Columns, c.Columns)
		}) {
			continue
		}
		cc := *c
		cc.Span = r.stmt
		t.Constraints = append(t.Constraints, &cc)
		r.ref(&cc.RefTable)
	}
}

// copyColumn copies a column a new table takes from another (LIKE,
// INHERITS, PARTITION OF). The copy is declared by the current statement:
// findings about the new table's column point there, not into the file
// of the table it came from.
func (r *replayer) copyColumn(c *model.Column) *model.Column {
	cc := *c
	cc.Span = r.stmt
	if cc.NotNullAt.IsValid() {
		cc.NotNullAt = r.stmt
	}
	return &cc
}

func (r *replayer) likeTable(t *model.Table, l *pg_query.TableLikeClause) {
	src := r.table(l.Relation)
	if src == nil {
		q, _ := r.lookupRV(l.Relation)
		r.note(t.QName().String(), "LIKE "+q.String()+": table unknown, its columns are missing from the model")
		return
	}
	for _, c := range src.Columns {
		if t.Column(c.Name) != nil {
			continue
		}
		cc := r.copyColumn(c)
		if l.Options&likeDefaults == 0 {
			cc.Default = ""
		}
		if l.Options&likeIdentity == 0 && cc.Generated && cc.Default == "" {
			cc.Generated = false
		}
		t.Columns = append(t.Columns, cc)
	}
	if l.Options&likeIndexes != 0 {
		for _, ix := range src.Indexes {
			ii := *ix
			ii.Schema = t.Schema
			ii.Name = t.Name + "_" + strings.Join(ix.Columns, "_") + "_idx"
			ii.Span = r.stmt
			t.Indexes = append(t.Indexes, &ii)
			if ix.Primary || ix.Unique {
				for _, c := range src.Constraints {
					if c.Name == ix.Constraint {
						cc := *c
						cc.Span = r.stmt
						t.Constraints = append(t.Constraints, &cc)
						r.ref(&cc.RefTable)
					}
				}
			}
		}
	}
	if l.Options&likeConstraints != 0 {
		for _, c := range src.Constraints {
			if c.Kind == model.Check {
				cc := *c
				cc.Span = r.stmt
				t.Constraints = append(t.Constraints, &cc)
				r.ref(&cc.RefTable)
			}
		}
	}
}

func (r *replayer) addColumn(t *model.Table, cd *pg_query.ColumnDef) {
	if t.Column(cd.Colname) != nil {
		// ADD COLUMN IF NOT EXISTS, or a column merged from a parent.
		return
	}
	c := &model.Column{Name: cd.Colname, Type: typeName(cd.TypeName), Span: r.at(cd.Location),
		Generated: isSerial(cd.TypeName) || cd.Identity != ""}
	if cd.IsNotNull || c.Generated {
		c.NotNull = true
		c.NotNullAt = c.Span
	}
	if cd.RawDefault != nil {
		c.Default = r.expr(cd.RawDefault).String()
	}
	t.Columns = append(t.Columns, c)
	for _, n := range cd.Constraints {
		con := n.GetConstraint()
		if con == nil {
			continue
		}
		switch con.Contype {
		case pg_query.ConstrType_CONSTR_NOTNULL:
			c.NotNull = true
			c.NotNullAt = r.at(con.Location)
		case pg_query.ConstrType_CONSTR_NULL:
			c.NotNull = false
		case pg_query.ConstrType_CONSTR_DEFAULT:
			if con.RawExpr != nil {
				c.Default = r.expr(con.RawExpr).String()
			}
		case pg_query.ConstrType_CONSTR_IDENTITY:
			c.Generated = true
			c.NotNull = true
			c.NotNullAt = r.at(con.Location)
		case pg_query.ConstrType_CONSTR_PRIMARY, pg_query.ConstrType_CONSTR_UNIQUE,
			pg_query.ConstrType_CONSTR_FOREIGN, pg_query.ConstrType_CONSTR_CHECK:
			r.addColumnConstraint(t, c.Name, con)
		}
	}
}

// addColumnConstraint adds a constraint written on a column definition.
func (r *replayer) addColumnConstraint(t *model.Table, col string, con *pg_query.Constraint) {
	switch con.Contype {
	case pg_query.ConstrType_CONSTR_PRIMARY, pg_query.ConstrType_CONSTR_UNIQUE:
		if len(con.Keys) == 0 {
			con.Keys = []*pg_query.Node{pg_query.MakeStrNode(col)}
		}
	case pg_query.ConstrType_CONSTR_FOREIGN:
		if len(con.FkAttrs) == 0 {
			con.FkAttrs = []*pg_query.Node{pg_query.MakeStrNode(col)}
		}
	case pg_query.ConstrType_CONSTR_CHECK:
		if con.Conname == "" {
			con.Conname = t.Name + "_" + col + "_check"
		}
	}
	r.addConstraint(t, con)
}

// addConstraint adds a table constraint; PRIMARY KEY and UNIQUE also get
// their index, and PRIMARY KEY makes its columns NOT NULL.
func (r *replayer) addConstraint(t *model.Table, con *pg_query.Constraint) {
	c := &model.Constraint{Name: con.Conname, Span: r.at(con.Location)}
	switch con.Contype {
	case pg_query.ConstrType_CONSTR_PRIMARY:
		c.Kind = model.PrimaryKey
		c.Columns = strs(con.Keys)
		if c.Name == "" {
			c.Name = t.Name + "_pkey"
		}
		for _, name := range c.Columns {
			if col := t.Column(name); col != nil && !col.NotNull {
				col.NotNull = true
				col.NotNullAt = c.Span
			}
		}
	case pg_query.ConstrType_CONSTR_UNIQUE:
		c.Kind = model.Unique
		c.Columns = strs(con.Keys)
		if c.Name == "" {
			c.Name = t.Name + "_" + strings.Join(c.Columns, "_") + "_key"
		}
	case pg_query.ConstrType_CONSTR_FOREIGN:
		c.Kind = model.ForeignKey
		c.Columns = strs(con.FkAttrs)
		c.RefColumns = strs(con.PkAttrs)
		if con.Pktable != nil {
			c.RefTable, _ = r.lookupRV(con.Pktable)
		}
		if c.Name == "" {
			c.Name = t.Name + "_" + strings.Join(c.Columns, "_") + "_fkey"
		}
	case pg_query.ConstrType_CONSTR_CHECK:
		c.Kind = model.Check
		if c.Name == "" {
			c.Name = t.Name + "_check"
		}
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		c.Kind = model.Exclusion
		for _, ex := range con.Exclusions {
			if l := ex.GetList(); l != nil && len(l.Items) > 0 {
				if ie := l.Items[0].GetIndexElem(); ie != nil {
					c.Columns = append(c.Columns, ie.Name)
				}
			}
		}
		if c.Name == "" {
			c.Name = t.Name + "_excl"
		}
	default:
		return
	}
	t.Constraints = append(t.Constraints, c)
	r.ref(&c.RefTable)
	if c.Kind == model.PrimaryKey || c.Kind == model.Unique || c.Kind == model.Exclusion {
		ix := &model.Index{Schema: t.Schema, Name: c.Name, Columns: c.Columns, Span: c.Span,
			Unique: c.Kind != model.Exclusion, Primary: c.Kind == model.PrimaryKey, Constraint: c.Name}
		if con.Indexname != "" {
			// ADD CONSTRAINT ... USING INDEX: the index exists already.
			if old := r.findIndex(t, con.Indexname); old != nil {
				old.Constraint, old.Primary, old.Unique = c.Name, c.Kind == model.PrimaryKey, true
				c.Columns = old.Columns
				return
			}
		}
		r.addIndex(t, ix)
	}
}

func (r *replayer) findIndex(t *model.Table, name string) *model.Index {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

// addIndex records an index on a table and, for a partitioned table, on
// its partitions (PostgreSQL cascades indexes to partitions).
func (r *replayer) addIndex(t *model.Table, ix *model.Index) {
	t.Indexes = append(t.Indexes, ix)
	r.indexes[model.QName{Schema: t.Schema, Name: ix.Name}] = t
	if t.Kind != model.PartitionedTable {
		return
	}
	for _, p := range r.children(t.QName(), true) {
		ii := *ix
		ii.Schema = p.Schema
		ii.Name = p.Name + "_" + strings.Join(ix.Columns, "_") + "_idx"
		r.addIndex(p, &ii)
	}
}

func (r *replayer) createSchema(s *pg_query.CreateSchemaStmt) {
	name := s.Schemaname
	if name == "" && s.Authrole != nil {
		name = roleName(s.Authrole)
	}
	if _, ok := r.cat.Schemas[name]; ok && s.IfNotExists {
		return
	}
	sc := &model.Schema{Name: name, Span: r.stmt}
	if s.Authrole != nil {
		sc.Owner = roleName(s.Authrole)
	}
	r.cat.Schemas[name] = sc
	// CREATE SCHEMA s CREATE TABLE ... creates objects inside it.
	saved := r.searchPath
	r.searchPath = []string{name}
	for _, el := range s.SchemaElts {
		r.replay(el)
	}
	r.searchPath = saved
}
