package introspect_test

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tenantguard/tenantguard/lint/model"
)

// dump prints a catalog deterministically, to compare two reads.
func dump(cat *model.Catalog) string {
	var b strings.Builder
	var schemas []string
	for name, s := range cat.Schemas {
		schemas = append(schemas, name+" owner "+s.Owner)
	}
	sort.Strings(schemas)
	fmt.Fprintf(&b, "schemas %s\n", strings.Join(schemas, ", "))
	for _, t := range cat.Tables() {
		fmt.Fprintf(&b, "table %s %s owner %s rls %v/%v partition-of %v inherits %v\n",
			t.QName(), t.Kind, t.Owner, t.RLS.Enabled, t.RLS.Forced, t.PartitionOf, t.Inherits)
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "  column %s %s notnull=%v generated=%v default=%q\n", c.Name, c.Type, c.NotNull, c.Generated, c.Default)
		}
		for _, ix := range t.Indexes {
			fmt.Fprintf(&b, "  index %s %q unique=%v primary=%v partial=%v constraint=%s\n", ix.Name, ix.Columns, ix.Unique, ix.Primary, ix.Partial, ix.Constraint)
		}
		for _, c := range t.Constraints {
			fmt.Fprintf(&b, "  constraint %s %s %q -> %s %q\n", c.Name, c.Kind, c.Columns, c.RefTable, c.RefColumns)
		}
		for _, p := range t.Policies {
			fmt.Fprintf(&b, "  policy %s permissive=%v %s to %v using %s check %s\n", p.Name, p.Permissive, p.Command, p.Roles, p.Using, p.WithCheck)
		}
		for _, g := range t.Grants {
			fmt.Fprintf(&b, "  grant %s %v %v\n", g.Grantee, g.Privileges, g.Columns)
		}
	}
	for _, v := range cat.Views() {
		fmt.Fprintf(&b, "view %s materialized=%v owner %s options %v reads %v\n", v.QName(), v.Materialized, v.Owner, v.Options, v.Reads)
	}
	for _, f := range cat.Functions() {
		fmt.Fprintf(&b, "function %s %s secdef=%v config=%v names=%q returns %s owner %s queries %d dynamic=%v\n",
			f, f.Language, f.SecurityDefiner, f.Config, f.ArgNames, f.Returns, f.Owner, len(f.Queries), f.Dynamic)
	}
	for _, r := range cat.SortedRoles() {
		fmt.Fprintf(&b, "role %s login=%v super=%v bypass=%v member-of %v\n", r.Name, r.Login, r.Superuser, r.BypassRLS, r.MemberOf)
	}
	return b.String()
}
