package ddl

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
)

func (r *replayer) createRole(s *pg_query.CreateRoleStmt) {
	role := &model.Role{Name: s.Role, Span: r.stmt, Login: s.StmtType == pg_query.RoleStmtType_ROLESTMT_USER}
	if old, ok := r.cat.Roles[s.Role]; ok && !old.Implicit {
		return // PostgreSQL refuses a second CREATE ROLE
	}
	r.cat.Roles[s.Role] = role
	r.roleOptions(role, s.Options)
}

func (r *replayer) alterRole(s *pg_query.AlterRoleStmt) {
	name := roleName(s.Role)
	role := r.cat.Role(name)
	r.roleOptions(role, s.Options)
}

func (r *replayer) roleOptions(role *model.Role, opts []*pg_query.Node) {
	for _, o := range opts {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		on := d.Arg == nil || strVal(d.Arg) != "0" && strVal(d.Arg) != "false"
		switch d.Defname {
		case "superuser":
			role.Superuser = on
		case "bypassrls":
			role.BypassRLS = on
		case "canlogin":
			role.Login = on
		case "addroleto":
			// CREATE ROLE x IN ROLE y: x becomes a member of y.
			if l := d.Arg.GetList(); l != nil {
				role.MemberOf = append(role.MemberOf, roleNames(l.Items)...)
			}
		}
	}
}

func (r *replayer) dropRole(s *pg_query.DropRoleStmt) {
	for _, name := range roleNames(s.Roles) {
		delete(r.cat.Roles, name)
	}
}

// grantRole follows GRANT role TO member / REVOKE role FROM member.
func (r *replayer) grantRole(s *pg_query.GrantRoleStmt) {
	var granted []string
	for _, n := range s.GrantedRoles {
		if ap := n.GetAccessPriv(); ap != nil {
			granted = append(granted, ap.PrivName)
		}
	}
	for _, member := range roleNames(s.GranteeRoles) {
		m := r.cat.Role(member)
		for _, g := range granted {
			if s.IsGrant {
				m.MemberOf = appendUnique(m.MemberOf, g)
			} else {
				m.MemberOf = removeString(m.MemberOf, g)
			}
		}
	}
}

func (r *replayer) alterOwner(s *pg_query.AlterOwnerStmt) {
	owner := roleName(s.Newowner)
	switch s.ObjectType {
	case pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_ROUTINE:
		if owa := s.Object.GetObjectWithArgs(); owa != nil {
			for _, f := range r.functionsFor(owa) {
				f.Owner = owner
			}
		}
	case pg_query.ObjectType_OBJECT_SCHEMA:
		if sc, ok := r.cat.Schemas[strVal(s.Object)]; ok {
			sc.Owner = owner
		}
	}
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
