package rules

import (
	"strings"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
)

// RoleBypassesRLS reports roles that skip row level security: login roles
// that are superusers, have BYPASSRLS or can SET ROLE to a role that does,
// when they are not configured admin roles; and the application's role
// owning (or acting as the owner of) a tenant table. Live only: migrations
// rarely show every role and owner.
var RoleBypassesRLS = register(&lint.Rule{
	Name:     "role-bypasses-rls",
	Code:     "ROLE001",
	Severity: lint.Error,
	Summary:  "a login role other than the configured admin roles has BYPASSRLS or SUPERUSER, or the application role owns tenant tables",
	Scope:    lint.ScopeRoles,
	Origins:  []model.Origin{model.FromDatabase},
	Run: func(pass *lint.Pass) {
		cat, cfg := pass.Catalog, pass.Config
		for _, r := range cat.SortedRoles() {
			if !r.Login || cfg.IsAdminRole(r.Name) {
				continue
			}
			switch {
			case r.Superuser:
				pass.Reportf(r.Span, lint.RoleObject(r),
					"login role %s is a superuser: every query it runs skips row level security on every table, FORCE or not; if it is an administrator add it to admin_roles in tenantguard.yaml, otherwise ALTER ROLE %s NOSUPERUSER",
					r.Name, r.Name)
			case r.BypassRLS:
				pass.Reportf(r.Span, lint.RoleObject(r),
					"login role %s has BYPASSRLS: every query it runs skips row level security on every table, FORCE or not; if it is an administrator add it to admin_roles in tenantguard.yaml, otherwise ALTER ROLE %s NOBYPASSRLS",
					r.Name, r.Name)
			default:
				if via, target := reachBypass(cat, cfg, r); target != nil {
					pass.Reportf(r.Span, lint.RoleObject(r),
						"login role %s can SET ROLE to %s, which %s: a session of %s can skip row level security on every table; REVOKE %s FROM %s, or add %s to admin_roles if it is an administrator",
						r.Name, chain(via), bypassWhat(target), r.Name, via[0], r.Name, r.Name)
				}
			}
		}
		apps := appRoles(cfg)
		if len(apps) == 0 {
			return
		}
		for _, t := range pass.TenantTables(cat) {
			at := t.OwnerAt
			if !at.IsValid() {
				at = t.Span
			}
			for _, app := range apps {
				if t.Owner == app {
					pass.Reportf(at, lint.TableObject(t),
						"tenant table %s is owned by the application role %s: the owner bypasses its policies unless FORCE ROW LEVEL SECURITY is set, and can switch row level security off or drop the policies at any time; give the table to a migration role (ALTER TABLE %s OWNER TO ...) and GRANT %s only the privileges it needs",
						t.QName(), app, t.QName(), app)
					break
				}
				if via := memberPath(cat, app, t.Owner); via != nil {
					pass.Reportf(at, lint.TableObject(t),
						"the application role %s is a member of %s, which owns tenant table %s: members act as the owner, who bypasses the policies unless FORCE ROW LEVEL SECURITY is set and can switch row level security off; REVOKE %s FROM %s",
						app, chain(via), t.QName(), via[0], app)
					break
				}
			}
		}
	},
})

// appRoles are the roles the application connects as: probe.role, and
// Supabase's API roles under the supabase preset.
func appRoles(cfg *lint.Config) []string {
	var out []string
	if cfg.Probe.Role != "" {
		out = append(out, cfg.Probe.Role)
	}
	if strings.EqualFold(cfg.Probe.Preset, "supabase") {
		out = append(out, "anon", "authenticated")
	}
	return out
}

// reachBypass finds a role that r can SET ROLE to (through memberships)
// and that bypasses row level security without being an admin role. It
// returns the chain of memberships, r's direct parent first.
func reachBypass(cat *model.Catalog, cfg *lint.Config, r *model.Role) ([]string, *model.Role) {
	var found *model.Role
	path := walkMembers(cat, r.Name, func(name string) bool {
		x := cat.Roles[name]
		if x != nil && (x.Superuser || x.BypassRLS) && !cfg.IsAdminRole(name) {
			found = x
			return true
		}
		return false
	})
	return path, found
}

// memberPath returns the membership chain from role to target (role's
// direct parent first), or nil when role is not a member of target.
func memberPath(cat *model.Catalog, role, target string) []string {
	if target == "" || role == target {
		return nil
	}
	return walkMembers(cat, role, func(name string) bool { return name == target })
}

// walkMembers searches the roles that role is a member of, breadth first,
// for one that match accepts, and returns the chain to it.
func walkMembers(cat *model.Catalog, role string, match func(string) bool) []string {
	type step struct {
		name string
		path []string
	}
	seen := map[string]bool{role: true}
	queue := []step{{name: role}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		r := cat.Roles[s.name]
		if r == nil {
			continue
		}
		for _, parent := range r.MemberOf {
			if seen[parent] {
				continue
			}
			seen[parent] = true
			path := append(append([]string(nil), s.path...), parent)
			if match(parent) {
				return path
			}
			queue = append(queue, step{name: parent, path: path})
		}
	}
	return nil
}

// chain renders a membership chain: "a" or "b (through a)".
func chain(path []string) string {
	if len(path) == 1 {
		return path[0]
	}
	return path[len(path)-1] + " (through " + strings.Join(path[:len(path)-1], ", ") + ")"
}

func bypassWhat(r *model.Role) string {
	if r.Superuser {
		return "is a superuser"
	}
	return "has BYPASSRLS"
}
