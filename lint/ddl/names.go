package ddl

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// strs returns the string values of a list of String nodes.
func strs(nodes []*pg_query.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, strVal(n))
	}
	return out
}

// strVal returns the text of a String, Integer, Float or Boolean node, or
// of a TypeName (for DefElem arguments).
func strVal(n *pg_query.Node) string {
	if n == nil {
		return ""
	}
	switch v := n.Node.(type) {
	case *pg_query.Node_String_:
		return v.String_.Sval
	case *pg_query.Node_Integer:
		return strconv.Itoa(int(v.Integer.Ival))
	case *pg_query.Node_Float:
		return v.Float.Fval
	case *pg_query.Node_Boolean:
		return strconv.FormatBool(v.Boolean.Boolval)
	case *pg_query.Node_TypeName:
		return typeName(v.TypeName)
	case *pg_query.Node_AConst:
		return constText(v.AConst)
	case *pg_query.Node_AStar:
		return "*"
	case *pg_query.Node_List:
		return strings.Join(strs(v.List.Items), ".")
	}
	return ""
}

func constText(c *pg_query.A_Const) string {
	if c.Isnull {
		return ""
	}
	switch v := c.Val.(type) {
	case *pg_query.A_Const_Sval:
		return v.Sval.Sval
	case *pg_query.A_Const_Ival:
		return strconv.Itoa(int(v.Ival.Ival))
	case *pg_query.A_Const_Fval:
		return v.Fval.Fval
	case *pg_query.A_Const_Boolval:
		return strconv.FormatBool(v.Boolval.Boolval)
	case *pg_query.A_Const_Bsval:
		return v.Bsval.Bsval
	}
	return ""
}

// internalTypes maps PostgreSQL's internal type names to the names
// format_type prints, so signatures read from migrations and from a live
// catalog compare equal.
var internalTypes = map[string]string{
	"int2": "smallint", "int4": "integer", "int8": "bigint", "int": "integer",
	"float4": "real", "float8": "double precision", "bool": "boolean",
	"varchar": "character varying", "bpchar": "character", "decimal": "numeric",
	"timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone",
	"timetz": "time with time zone", "time": "time without time zone",
	"varbit": "bit varying", "serial": "integer", "serial4": "integer",
	"bigserial": "bigint", "serial8": "bigint", "smallserial": "smallint", "serial2": "smallint",
}

// typeName renders a type as format_type would, without type modifiers.
func typeName(t *pg_query.TypeName) string {
	if t == nil {
		return ""
	}
	names := strs(t.Names)
	if len(names) == 2 && names[0] == "pg_catalog" {
		names = names[1:]
	}
	name := strings.Join(names, ".")
	if m, ok := internalTypes[name]; ok {
		name = m
	}
	if t.PctType {
		name += "%TYPE"
	}
	if t.Setof {
		name = "SETOF " + name
	}
	for range t.ArrayBounds {
		name += "[]"
	}
	return name
}

// isSerial reports whether a column type is one of the serial shorthands.
func isSerial(t *pg_query.TypeName) bool {
	if t == nil || len(t.Names) == 0 {
		return false
	}
	switch strVal(t.Names[len(t.Names)-1]) {
	case "serial", "serial4", "bigserial", "serial8", "smallserial", "serial2":
		return true
	}
	return false
}

// defArg returns a DefElem's argument as text.
func defArg(d *pg_query.DefElem) string {
	if d.Arg == nil {
		return ""
	}
	if l, ok := d.Arg.Node.(*pg_query.Node_List); ok {
		return strings.Join(strs(l.List.Items), ", ")
	}
	return strVal(d.Arg)
}

// roleName renders a RoleSpec as the name PostgreSQL shows.
func roleName(r *pg_query.RoleSpec) string {
	if r == nil {
		return ""
	}
	switch r.Roletype {
	case pg_query.RoleSpecType_ROLESPEC_PUBLIC:
		return "PUBLIC"
	case pg_query.RoleSpecType_ROLESPEC_CURRENT_USER, pg_query.RoleSpecType_ROLESPEC_CURRENT_ROLE:
		return "CURRENT_USER"
	case pg_query.RoleSpecType_ROLESPEC_SESSION_USER:
		return "SESSION_USER"
	}
	return r.Rolename
}

func roleNames(nodes []*pg_query.Node) []string {
	var out []string
	for _, n := range nodes {
		if rs := n.GetRoleSpec(); rs != nil {
			out = append(out, roleName(rs))
		}
	}
	return out
}
