package probe

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// actor is who a check acts as: a role and the session settings that
// carry the tenant, the way the application sets them for a request.
type actor struct {
	role     string
	settings []setting
	// before are statements run as the connecting role before becoming
	// the actor (the forged metadata written to auth.users).
	before []string
	// who describes the actor for findings; when says, for actors with
	// no tenant, how the tenant is missing.
	who  string
	when string
}

type setting struct{ name, value string }

// statements returns the SQL that becomes the actor inside a transaction.
func (a actor) statements() []string {
	out := append([]string(nil), a.before...)
	out = append(out, "SET LOCAL ROLE "+quoteIdent(a.role))
	for _, s := range a.settings {
		out = append(out, fmt.Sprintf("SELECT set_config(%s, %s, true)", quoteLiteral(s.name), quoteLiteral(s.value)))
	}
	return out
}

// tenancy is how the application tells the database who is asking: a
// session setting, or Supabase's JWT claims.
type tenancy interface {
	// asTenant acts as a user of tenant t (user is the member found or
	// seeded for Supabase; empty for a session setting).
	asTenant(t tenantRef, user string) actor
	// unset acts with no tenant at all, on a connection that never set
	// one: actors for each way the application can do that.
	unset() []actor
	// empty acts with an empty tenant.
	empty(table string) actor
	// asOwner is asTenant as another role (the table owner).
	asOwner(owner string, t tenantRef, user string) actor
	// describe names the tenancy for notes.
	describe() string
}

// tenantRef is a tenant id as text and the SQL type of the tenant column.
type tenantRef struct {
	id  string
	typ string
}

func (t tenantRef) literal() string { return lit(t.id, t.typ).String() }

// sessionTenancy sets a custom setting (app.current_tenant) with
// set_config(name, value, true), as SET LOCAL does.
type sessionTenancy struct {
	role    string
	setting string
}

func (s *sessionTenancy) asTenant(t tenantRef, _ string) actor {
	return actor{role: s.role, settings: []setting{{s.setting, t.id}},
		who: fmt.Sprintf("%s with %s = %s", s.role, s.setting, quoteLiteral(t.id))}
}

func (s *sessionTenancy) asOwner(owner string, t tenantRef, _ string) actor {
	return actor{role: owner, settings: []setting{{s.setting, t.id}},
		who: fmt.Sprintf("the owner %s with %s = %s", owner, s.setting, quoteLiteral(t.id))}
}

func (s *sessionTenancy) unset() []actor {
	return []actor{{role: s.role, who: fmt.Sprintf("%s on a connection that never set %s", s.role, s.setting),
		when: fmt.Sprintf("with %s never set", s.setting)}}
}

func (s *sessionTenancy) empty(string) actor {
	return actor{role: s.role, settings: []setting{{s.setting, ""}},
		who: fmt.Sprintf("%s with %s set to the empty string", s.role, s.setting), when: fmt.Sprintf("with %s set to the empty string", s.setting)}
}

func (s *sessionTenancy) describe() string {
	return fmt.Sprintf("role %s, tenant in setting %s", s.role, s.setting)
}

// supabaseTenancy acts the way PostgREST does for a request with a JWT:
// role authenticated, the claims in request.jwt.claims (and the older
// request.jwt.claim.* settings). The tenant goes into app_metadata and
// top-level claims under every key the policies read from there (app_
// metadata is only writable by the service role: it is trusted); a
// member of the tenant is the subject.
type supabaseTenancy struct {
	role string
	// anon is the role of requests without a JWT ("" when the database
	// has none).
	anon string
	// tenantKeys are the claim keys that carry the tenant (tenant column
	// names and keys the policies read).
	tenantKeys []string
	// usersIdent is auth.users when it exists (quoted), and hasMetadata
	// whether it has raw_user_meta_data.
	usersIdent  string
	hasMetadata bool
	// extra are the other claims the policies read, with the values a
	// legitimate signed-in user has (aal: aal2): a restrictive MFA policy
	// must pass for the probe to see what the other policies let through.
	extra map[string]any
}

// legitimateClaims are the values of standard Supabase claims for a
// legitimate, fully signed-in user.
var legitimateClaims = map[string]any{
	"aal":          "aal2",
	"amr":          []map[string]any{{"method": "password", "timestamp": 1700000000}, {"method": "totp", "timestamp": 1700000000}},
	"is_anonymous": false,
	"email":        "member@example.com",
	"phone":        "",
	"iss":          "supabase",
	"iat":          1700000000,
	"exp":          4102444800,
	"session_id":   stableUUID("probe session"),
}

// otherClaims decides the claims the policies read that do not carry the
// tenant: a standard claim gets a legitimate user's value, another the
// string constant the policies compare it with; keys with neither are
// left out. notes say what was set, for --verbose.
func otherClaims(read, tenantKeys map[string]bool, consts map[string][]string) (map[string]any, []string) {
	extra := map[string]any{}
	var notes []string
	for _, k := range sortedKeys(read) {
		switch k {
		case "sub", "role", "aud", "app_metadata", "user_metadata", "provider", "providers":
			continue // always sent, or inside the metadata
		}
		if tenantKeys[k] {
			continue
		}
		if v, ok := legitimateClaims[k]; ok {
			extra[k] = v
			js, _ := json.Marshal(v)
			notes = append(notes, fmt.Sprintf("claim %s = %s (a legitimate signed-in user's)", k, js))
			continue
		}
		if cs := consts[k]; len(cs) > 0 {
			extra[k] = cs[0]
			notes = append(notes, fmt.Sprintf("claim %s = %q (the value the policies compare it with)", k, cs[0]))
			continue
		}
		notes = append(notes, fmt.Sprintf("claim %s not set (the policies read it but compare it with neither a tenant column nor a constant)", k))
	}
	return extra, notes
}

func (s *supabaseTenancy) claims(role, user string, appMeta, userMeta map[string]string) string {
	c := map[string]any{}
	for k, v := range s.extra {
		c[k] = v
	}
	c["sub"], c["role"], c["aud"] = user, role, "authenticated"
	c["app_metadata"], c["user_metadata"] = appMeta, userMeta
	for k, v := range appMeta {
		if k != "provider" && k != "providers" {
			c[k] = v
		}
	}
	if user == "" {
		delete(c, "sub")
	}
	b, _ := json.Marshal(c) // strings, numbers, booleans: always marshal
	return string(b)
}

func (s *supabaseTenancy) tenantMeta(t tenantRef) map[string]string {
	m := map[string]string{"provider": "email"}
	for _, k := range s.tenantKeys {
		m[k] = t.id
	}
	return m
}

func (s *supabaseTenancy) actorFor(role string, user string, t *tenantRef, userMeta map[string]string) actor {
	app := map[string]string{"provider": "email"}
	if t != nil {
		app = s.tenantMeta(*t)
	}
	if userMeta == nil {
		userMeta = map[string]string{}
	}
	a := actor{role: role, settings: []setting{
		{"request.jwt.claims", s.claims(role, user, app, userMeta)},
		{"request.jwt.claim.sub", user},
		{"request.jwt.claim.role", role},
	}}
	return a
}

func (s *supabaseTenancy) asTenant(t tenantRef, user string) actor {
	a := s.actorFor(s.role, user, &t, nil)
	a.who = fmt.Sprintf("%s with the JWT of user %s, a member of the tenant", s.role, user)
	return a
}

// forged is asTenant with tenant b written into user_metadata, in the
// claims and in auth.users.raw_user_meta_data.
func (s *supabaseTenancy) forged(t tenantRef, user string, b tenantRef) actor {
	meta := map[string]string{}
	for _, k := range s.tenantKeys {
		meta[k] = b.id
	}
	a := s.actorFor(s.role, user, &t, meta)
	if s.usersIdent != "" && s.hasMetadata {
		js, _ := json.Marshal(meta)
		a.before = append(a.before, fmt.Sprintf("UPDATE %s SET raw_user_meta_data = coalesce(raw_user_meta_data, '{}'::jsonb) || %s::jsonb WHERE id = %s::uuid",
			s.usersIdent, quoteLiteral(string(js)), quoteLiteral(user)))
	}
	a.who = fmt.Sprintf("%s with the JWT of user %s, a member of the tenant, whose user_metadata names the other tenant", s.role, user)
	return a
}

func (s *supabaseTenancy) asOwner(owner string, t tenantRef, user string) actor {
	a := s.actorFor(owner, user, &t, nil)
	a.who = fmt.Sprintf("the owner %s with the JWT of user %s, a member of the tenant", owner, user)
	return a
}

func (s *supabaseTenancy) unset() []actor {
	out := []actor{{role: s.role, who: s.role + " with no JWT claims", when: "as " + s.role + " with no JWT claims"}}
	if s.anon != "" {
		out = append(out, actor{role: s.anon, who: s.anon + " (a request without a JWT)", when: "as " + s.anon + " (no JWT)"})
	}
	return out
}

func (s *supabaseTenancy) empty(table string) actor {
	user := stableUUID("no-tenant user", table)
	a := s.actorFor(s.role, user, nil, nil)
	a.who = fmt.Sprintf("%s with the JWT of user %s, who belongs to no tenant", s.role, user)
	a.when = "as a signed-in user of no tenant"
	return a
}

func (s *supabaseTenancy) describe() string {
	return fmt.Sprintf("Supabase preset: role %s with JWT claims (tenant keys %s)", s.role, strings.Join(s.tenantKeys, ", "))
}

// sortedKeys returns the keys of a set, sorted.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
