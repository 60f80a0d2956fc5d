package rules_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/ephemeral/ephemeraltest"
	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/lint/linttest"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/rules"
)

// role-bypasses-rls is live only: its fixture is applied to a real
// PostgreSQL, inspected, and each finding mapped back to the statement
// that created its object before it is checked against the fixture's want
// comments.
func TestRoleBypassesRLS(t *testing.T) {
	files := linttest.Load(t, fixture(t, "role-bypasses-rls"))
	url := pgtest.NewDB(t)
	ephemeraltest.ApplyFiles(t, url, files...)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	live, err := introspect.Read(ctx, conn, introspect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	static := ddl.Load(files)
	introspect.Locate(live, static)

	cfg := lint.DefaultConfig()
	cfg.AdminRoles = []string{"postgres", "tg_rbr_admin"}
	cfg.Probe.Role = "tg_rbr_app"
	res := lint.Run(live, &cfg, []*lint.Rule{rules.RoleBypassesRLS})

	// Roles belong to the whole server: other tests' roles (and the
	// superuser of a server named by TENANTGUARD_TEST_DATABASE_URL) are
	// not the fixture's business.
	var mine []lint.Finding
	for _, f := range res.Findings {
		if f.ObjectKind == "role" {
			if r := static.Roles[f.Object]; r == nil || r.Implicit {
				continue
			}
		}
		mine = append(mine, f)
	}
	linttest.Check(t, files, mine)
	if len(mine) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range mine {
		if f.Source != string(model.FromDatabase) || f.Code != "ROLE001" {
			t.Errorf("finding %s %s: source %q code %q", f.Rule, f.Object, f.Source, f.Code)
		}
	}
}

// On a catalog replayed from migrations the rule does not run: roles and
// owners there are too partial to judge.
func TestRoleBypassesRLSIsLiveOnly(t *testing.T) {
	files := linttest.Load(t, fixture(t, "role-bypasses-rls"))
	cfg := lint.DefaultConfig()
	cfg.Probe.Role = "tg_rbr_app"
	res := lint.Run(ddl.Load(files), &cfg, []*lint.Rule{rules.RoleBypassesRLS})
	if len(res.Findings) != 0 || len(res.Rules) != 0 {
		t.Errorf("ran on migrations: %d findings, rules %v", len(res.Findings), res.Rules)
	}
}
