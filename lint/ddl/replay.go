package ddl

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// defaultSearchPath is PostgreSQL's default: "$user", public.
var defaultSearchPath = []string{"$user", "public"}

// replayer applies statements to the catalog in order.
type replayer struct {
	cat        *model.Catalog
	searchPath []string
	// indexes maps an index name to its table, for DROP/ALTER INDEX.
	indexes map[model.QName]*model.Table
	// role is the role set by SET ROLE: new objects belong to it.
	role string

	// idx finds references to relations and child tables (refs.go).
	idx *replayIndex

	// the statement being replayed
	stmt source.Span
	base int
	// body is the function body the parse workers parsed for the node
	// being replayed, if any (consumed by analyseBody).
	body *functionBody
}

func newReplayer(cat *model.Catalog) *replayer {
	return &replayer{cat: cat, searchPath: defaultSearchPath, indexes: map[model.QName]*model.Table{}, idx: newReplayIndex()}
}

// startFile resets per-session state: each migration file runs in a
// session of its own, so a search_path set in one file does not leak into
// the next.
func (r *replayer) startFile() {
	r.searchPath = defaultSearchPath
	r.role = ""
}

// at returns the span of a node location inside the current statement;
// locations < 0 (unknown) give the statement's start.
func (r *replayer) at(loc int32) source.Span {
	if !r.stmt.IsValid() {
		return source.Span{}
	}
	if loc < 0 {
		return source.Span{File: r.stmt.File, Start: r.stmt.Start, End: r.stmt.Start}
	}
	off := r.base + int(loc)
	return source.Span{File: r.stmt.File, Start: off, End: off}
}

func (r *replayer) diag(kind model.DiagnosticKind, at source.Span, msg string) {
	r.cat.Diagnostics = append(r.cat.Diagnostics, model.Diagnostic{Kind: kind, Span: at, Message: msg})
}

func (r *replayer) note(object, msg string) {
	r.cat.Notes = append(r.cat.Notes, model.Note{Span: r.stmt, Object: object, Message: msg})
}

// pathSchemas returns the schemas of the search path that can hold
// objects ("$user" and pg_temp never do here).
func (r *replayer) pathSchemas() []string {
	out := make([]string, 0, len(r.searchPath))
	for _, s := range r.searchPath {
		if s == "$user" || s == "" || strings.HasPrefix(s, "pg_temp") {
			continue
		}
		out = append(out, s)
	}
	return out
}

// creationSchema is where an unqualified CREATE puts an object: the first
// schema of the search path that exists, as in PostgreSQL. A schema the
// files never created may still exist (made by the platform), so with no
// known schema on the path the first one listed is used, and public when
// the path is empty (PostgreSQL would refuse the statement).
func (r *replayer) creationSchema() string {
	first := ""
	for _, s := range r.pathSchemas() {
		if s == "pg_catalog" {
			continue
		}
		if _, ok := r.cat.Schemas[s]; ok {
			return s
		}
		if first == "" {
			first = s
		}
	}
	if first == "" {
		return "public"
	}
	return first
}

// createName qualifies a name for an object being created.
func (r *replayer) createName(rv *pg_query.RangeVar) model.QName {
	if rv.Schemaname != "" {
		return model.QName{Schema: rv.Schemaname, Name: rv.Relname}
	}
	if rv.Relpersistence == "t" {
		return model.QName{Schema: "pg_temp", Name: rv.Relname}
	}
	return model.QName{Schema: r.creationSchema(), Name: rv.Relname}
}

// lookup resolves a relation name through the search path. found reports
// whether the catalog knows it; otherwise the name is qualified with the
// creation schema.
func (r *replayer) lookup(schema, name string) (q model.QName, found bool) {
	if schema != "" {
		q = model.QName{Schema: schema, Name: name}
		t, v := r.cat.Relation(q)
		return q, t != nil || v != nil
	}
	for _, s := range r.pathSchemas() {
		q = model.QName{Schema: s, Name: name}
		if t, v := r.cat.Relation(q); t != nil || v != nil {
			return q, true
		}
	}
	return model.QName{Schema: r.creationSchema(), Name: name}, false
}

func (r *replayer) lookupRV(rv *pg_query.RangeVar) (model.QName, bool) {
	return r.lookup(rv.Schemaname, rv.Relname)
}

// table returns the table a RangeVar names, or nil (tolerated: the table
// may come from an extension or the platform).
func (r *replayer) table(rv *pg_query.RangeVar) *model.Table {
	if rv == nil {
		return nil
	}
	q, _ := r.lookupRV(rv)
	return r.cat.Table(q)
}

// qnameOf turns a list of String nodes (schema.name or name) into a
// qualified name through the search path.
func (r *replayer) qnameOf(nodes []*pg_query.Node) (model.QName, bool) {
	names := strs(nodes)
	switch len(names) {
	case 0:
		return model.QName{}, false
	case 1:
		return r.lookup("", names[0])
	default:
		return r.lookup(names[len(names)-2], names[len(names)-1])
	}
}

// funcName resolves a function name for CREATE/ALTER/DROP.
func (r *replayer) funcName(nodes []*pg_query.Node, creating bool) model.QName {
	names := strs(nodes)
	if len(names) == 0 {
		return model.QName{}
	}
	name := names[len(names)-1]
	if len(names) > 1 {
		return model.QName{Schema: names[len(names)-2], Name: name}
	}
	if !creating {
		for _, s := range r.pathSchemas() {
			q := model.QName{Schema: s, Name: name}
			if len(r.cat.FunctionsNamed(q)) > 0 {
				return q
			}
		}
	}
	return model.QName{Schema: r.creationSchema(), Name: name}
}

// replay applies one parsed statement.
func (r *replayer) replay(n *pg_query.Node) {
	switch s := n.Node.(type) {
	case *pg_query.Node_CreateStmt:
		r.createTable(s.CreateStmt)
	case *pg_query.Node_AlterTableStmt:
		r.alterTable(s.AlterTableStmt)
	case *pg_query.Node_RenameStmt:
		r.rename(s.RenameStmt)
	case *pg_query.Node_AlterObjectSchemaStmt:
		r.setSchema(s.AlterObjectSchemaStmt)
	case *pg_query.Node_DropStmt:
		r.drop(s.DropStmt)
	case *pg_query.Node_CreateSchemaStmt:
		r.createSchema(s.CreateSchemaStmt)
	case *pg_query.Node_VariableSetStmt:
		r.variableSet(s.VariableSetStmt)
	case *pg_query.Node_SelectStmt:
		if into := s.SelectStmt.IntoClause; into != nil && into.Rel != nil {
			r.selectInto(s.SelectStmt)
			return
		}
		r.selectSetConfig(s.SelectStmt)
	case *pg_query.Node_CreatePolicyStmt:
		r.createPolicy(s.CreatePolicyStmt)
	case *pg_query.Node_AlterPolicyStmt:
		r.alterPolicy(s.AlterPolicyStmt)
	case *pg_query.Node_IndexStmt:
		r.createIndex(s.IndexStmt)
	case *pg_query.Node_ViewStmt:
		r.createView(s.ViewStmt)
	case *pg_query.Node_CreateTableAsStmt:
		r.createTableAs(s.CreateTableAsStmt)
	case *pg_query.Node_CreateFunctionStmt:
		r.createFunction(s.CreateFunctionStmt)
	case *pg_query.Node_AlterFunctionStmt:
		r.alterFunction(s.AlterFunctionStmt)
	case *pg_query.Node_GrantStmt:
		r.grant(s.GrantStmt)
	case *pg_query.Node_GrantRoleStmt:
		r.grantRole(s.GrantRoleStmt)
	case *pg_query.Node_CreateRoleStmt:
		r.createRole(s.CreateRoleStmt)
	case *pg_query.Node_AlterRoleStmt:
		r.alterRole(s.AlterRoleStmt)
	case *pg_query.Node_DropRoleStmt:
		r.dropRole(s.DropRoleStmt)
	case *pg_query.Node_AlterOwnerStmt:
		r.alterOwner(s.AlterOwnerStmt)
	case *pg_query.Node_DoStmt:
		r.doBlock(s.DoStmt)
	case *pg_query.Node_ExecuteStmt:
		r.diag(model.DynamicSQL, r.at(-1), "EXECUTE of prepared statement "+s.ExecuteStmt.Name+": tenantguard cannot see what it changes")
	case *pg_query.Node_CreateExtensionStmt:
		r.note("extension "+s.CreateExtensionStmt.Extname, "objects created by extension "+s.CreateExtensionStmt.Extname+" are not modelled")
	}
}
