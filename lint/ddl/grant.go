package ddl

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
)

// allTablePrivileges is what GRANT ALL means on a table.
var allTablePrivileges = []string{"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}

func (r *replayer) grant(s *pg_query.GrantStmt) {
	switch s.Objtype {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW,
		pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
	default:
		return
	}
	privs, cols := privileges(s.Privileges)
	grantees := roleNames(s.Grantees)
	for _, g := range grantees {
		if g != "PUBLIC" {
			r.cat.Role(g)
		}
	}
	apply := func(grants *[]*model.Grant) {
		for _, g := range grantees {
			if s.IsGrant {
				*grants = append(*grants, &model.Grant{Grantee: g, Privileges: privs, Columns: cols, Span: r.stmt})
			} else {
				*grants = revoke(*grants, g, privs)
			}
		}
	}
	switch s.Targtype {
	case pg_query.GrantTargetType_ACL_TARGET_OBJECT:
		for _, o := range s.Objects {
			rv := o.GetRangeVar()
			if rv == nil {
				continue
			}
			q, _ := r.lookupRV(rv)
			if t, v := r.cat.Relation(q); t != nil {
				apply(&t.Grants)
			} else if v != nil {
				apply(&v.Grants)
			}
		}
	case pg_query.GrantTargetType_ACL_TARGET_ALL_IN_SCHEMA:
		for _, o := range s.Objects {
			schema := strVal(o)
			for _, t := range r.cat.Tables() {
				if t.Schema == schema {
					apply(&t.Grants)
				}
			}
			for _, v := range r.cat.Views() {
				if v.Schema == schema {
					apply(&v.Grants)
				}
			}
		}
	}
}

// privileges returns the privilege names of a GRANT (all of them for ALL)
// and the columns of a column-level grant.
func privileges(nodes []*pg_query.Node) (privs, cols []string) {
	if len(nodes) == 0 {
		return append([]string(nil), allTablePrivileges...), nil
	}
	for _, n := range nodes {
		if ap := n.GetAccessPriv(); ap != nil {
			privs = append(privs, strings.ToUpper(ap.PrivName))
			cols = append(cols, strs(ap.Cols)...)
		}
	}
	return privs, cols
}

// revoke removes privileges of grantee from grants.
func revoke(grants []*model.Grant, grantee string, privs []string) []*model.Grant {
	drop := map[string]bool{}
	for _, p := range privs {
		drop[p] = true
	}
	var out []*model.Grant
	for _, g := range grants {
		if g.Grantee != grantee {
			out = append(out, g)
			continue
		}
		var keep []string
		for _, p := range g.Privileges {
			if !drop[p] {
				keep = append(keep, p)
			}
		}
		if len(keep) > 0 {
			gg := *g
			gg.Privileges = keep
			out = append(out, &gg)
		}
	}
	return out
}
