package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/linttest"
	"github.com/tenantguard/tenantguard/rules"
)

// fixture returns the fixture of a rule: testdata/NAME.sql or testdata/NAME/.
func fixture(t *testing.T, name string) string {
	t.Helper()
	for _, p := range []string{filepath.Join("testdata", name+".sql"), filepath.Join("testdata", name)} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("rule %s has no fixture in testdata/", name)
	return ""
}

func TestRLSDisabled(t *testing.T) {
	linttest.Run(t, fixture(t, "rls-disabled"), nil, rules.RLSDisabled)
}

func TestRLSNotForced(t *testing.T) {
	linttest.Run(t, fixture(t, "rls-not-forced"), nil, rules.RLSNotForced)
}

func TestRLSNoPolicy(t *testing.T) {
	linttest.Run(t, fixture(t, "rls-no-policy"), nil, rules.RLSNoPolicy)
}

func TestRLSDisabledByMigration(t *testing.T) {
	linttest.Run(t, fixture(t, "rls-disabled-by-migration"), nil, rules.RLSDisabledByMigration)
}

func TestTenantColumnUnindexed(t *testing.T) {
	linttest.Run(t, fixture(t, "tenant-column-unindexed"), nil, rules.TenantColumnUnindexed)
}

func TestTenantColumnNullable(t *testing.T) {
	linttest.Run(t, fixture(t, "tenant-column-nullable"), nil, rules.TenantColumnNullable)
}

func TestTableUnclassified(t *testing.T) {
	cfg := lint.DefaultConfig()
	cfg.GlobalTables = []string{"public.plans"}
	linttest.Run(t, fixture(t, "table-unclassified"), &cfg, rules.TableUnclassified)
}

func TestParseError(t *testing.T) {
	linttest.Run(t, fixture(t, "parse-error"), nil, rules.ParseError)
}

func TestDynamicSQL(t *testing.T) {
	linttest.Run(t, fixture(t, "dynamic-sql"), nil, rules.DynamicSQL)
}

func TestBadIgnore(t *testing.T) {
	linttest.Run(t, fixture(t, "bad-ignore"), nil, rules.BadIgnore, rules.RLSDisabled)
}

func TestIgnoreFile(t *testing.T) {
	linttest.Run(t, fixture(t, "ignore-file"), nil, rules.BadIgnore, rules.RLSDisabled)
}

func TestPolicyNoTenantPredicate(t *testing.T) {
	linttest.Run(t, fixture(t, "policy-no-tenant-predicate"), nil, rules.PolicyNoTenantPredicate)
}

func TestPolicyWriteUnchecked(t *testing.T) {
	linttest.Run(t, fixture(t, "policy-write-unchecked"), nil, rules.PolicyWriteUnchecked)
}

func TestPolicyUserMetadata(t *testing.T) {
	linttest.Run(t, fixture(t, "policy-user-metadata"), nil, rules.PolicyUserMetadata)
}

func TestPolicyTenantFallback(t *testing.T) {
	linttest.Run(t, fixture(t, "policy-tenant-fallback"), nil, rules.PolicyTenantFallback)
}

func TestTeamScopeUnenforced(t *testing.T) {
	linttest.Run(t, fixture(t, "team-scope-unenforced"), nil, rules.TeamScopeUnenforced)
}

func TestViewBypassesRLS(t *testing.T) {
	linttest.Run(t, fixture(t, "view-bypasses-rls"), nil, rules.ViewBypassesRLS)
}

func TestMatviewExposesTenantData(t *testing.T) {
	linttest.Run(t, fixture(t, "matview-exposes-tenant-data"), nil, rules.MatviewExposesTenantData)
}

func TestFKCrossesTenants(t *testing.T) {
	linttest.Run(t, fixture(t, "fk-crosses-tenants"), nil, rules.FKCrossesTenants)
}

func TestSecurityDefinerUnsafe(t *testing.T) {
	linttest.Run(t, fixture(t, "security-definer-unsafe"), nil, rules.SecurityDefinerUnsafe)
}

func TestGrantPublicTenantTable(t *testing.T) {
	linttest.Run(t, fixture(t, "grant-public-tenant-table"), nil, rules.GrantPublicTenantTable)
}

// Policy shapes collected from Supabase projects: the correct ones stay
// silent, the broken ones are reported (testdata/shapes-supabase/).
func TestShapesSupabase(t *testing.T) {
	linttest.Run(t, fixture(t, "shapes-supabase"), nil, rules.PolicyNoTenantPredicate, rules.PolicyWriteUnchecked,
		rules.PolicyTenantFallback, rules.PolicyUserMetadata, rules.TeamScopeUnenforced, rules.SecurityDefinerUnsafe)
}

// Session-variable tenancy (SET app.current_tenant): casts, CASE,
// COALESCE, IS [NOT] DISTINCT FROM and the fallbacks that leak
// (testdata/shapes-session/).
func TestShapesSession(t *testing.T) {
	linttest.Run(t, fixture(t, "shapes-session"), nil, rules.PolicyNoTenantPredicate, rules.PolicyWriteUnchecked,
		rules.PolicyTenantFallback)
}

// Views and SECURITY DEFINER functions in the forms migrations spell
// them (testdata/shapes-views-functions.sql).
func TestShapesViewsFunctions(t *testing.T) {
	linttest.Run(t, fixture(t, "shapes-views-functions"), nil, rules.ViewBypassesRLS, rules.SecurityDefinerUnsafe)
}
