package lint

import (
	"strings"

	"github.com/tenantguard/tenantguard/lint/model"
)

// Config is what a project declares about its tenancy (tenantguard.yaml).
type Config struct {
	// TenantColumns mark a tenant-scoped table.
	TenantColumns []string
	// TeamColumns mark a finer scope inside a tenant.
	TeamColumns []string
	// Schemas limits the checked schemas (empty: all but system and
	// platform schemas).
	Schemas []string
	// GlobalTables are shared by all tenants on purpose.
	GlobalTables []string
	// AdminRoles may bypass RLS.
	AdminRoles []string
	// TenantFunctions are helper functions trusted to scope rows to the
	// current tenant when they receive the tenant column.
	TenantFunctions []string
	// Rules overrides severities or turns rules off.
	Rules map[string]RuleConfig
	Probe ProbeConfig
}

// RuleConfig is one entry of the rules map.
type RuleConfig struct {
	Off      bool
	Severity Severity // zero: the rule's default
}

// ProbeConfig drives active probes.
type ProbeConfig struct {
	// Role is the role the application connects as.
	Role string
	// TenantSetting is the session setting that carries the tenant
	// (app.current_tenant).
	TenantSetting string
	// Preset "supabase" acts through JWT claims instead of a setting.
	Preset string
	// Tenants are two tenant ids to probe with; empty means discover.
	Tenants []string
}

// DefaultConfig returns the configuration used without a file.
func DefaultConfig() Config {
	return Config{
		TenantColumns: []string{"tenant_id", "org_id", "organization_id", "account_id", "workspace_id"},
		TeamColumns:   []string{"team_id"},
		AdminRoles:    []string{"postgres", "supabase_admin", "service_role"},
		Rules:         map[string]RuleConfig{},
	}
}

// SystemSchemas are never checked.
var SystemSchemas = []string{"pg_catalog", "information_schema", "pg_toast"}

// PlatformSchemas belong to a hosting platform (Supabase) rather than the
// application; they are checked only when listed in Schemas.
var PlatformSchemas = []string{
	"auth", "storage", "extensions", "realtime", "_realtime", "graphql", "graphql_public",
	"supabase_functions", "supabase_migrations", "vault", "pgsodium", "pgsodium_masks",
	"net", "cron", "pgbouncer", "_analytics", "pgtle", "topology",
}

// ChecksSchema reports whether objects in schema are checked.
func (c *Config) ChecksSchema(schema string) bool {
	if contains(SystemSchemas, schema) || strings.HasPrefix(schema, "pg_temp") || strings.HasPrefix(schema, "pg_toast") {
		return false
	}
	if len(c.Schemas) > 0 {
		return contains(c.Schemas, schema)
	}
	return !contains(PlatformSchemas, schema)
}

// IsGlobal reports whether the table is declared shared by all tenants.
// Entries may be qualified (public.plans) or bare (plans, any schema).
func (c *Config) IsGlobal(q model.QName) bool {
	for _, g := range c.GlobalTables {
		if g == q.String() || g == q.Name {
			return true
		}
	}
	return false
}

// LooksLikeTenantColumn reports whether name is one of the tenant columns
// spelt in another case style: organizationId or ORG_ID for
// organization_id and org_id (Prisma writes camelCase).
func (c *Config) LooksLikeTenantColumn(name string) bool {
	squash := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }
	for _, col := range c.TenantColumns {
		if squash(col) == squash(name) {
			return true
		}
	}
	return false
}

// IsAdminRole reports whether the role is allowed to bypass RLS.
func (c *Config) IsAdminRole(name string) bool { return contains(c.AdminRoles, name) }

// SeverityOf returns the effective severity of a rule and whether it is on.
func (c *Config) SeverityOf(r *Rule) (Severity, bool) {
	rc, ok := c.Rules[r.Name]
	if !ok {
		return r.Severity, true
	}
	if rc.Off {
		return 0, false
	}
	if rc.Severity != 0 {
		return rc.Severity, true
	}
	return r.Severity, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
