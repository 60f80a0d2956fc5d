package ephemeral

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// Presets create what a platform provides before the migrations run.
const (
	PresetNone     = "none"
	PresetSupabase = "supabase"
)

// Presets lists the preset names.
var Presets = []string{PresetNone, PresetSupabase}

//go:embed supabase.sql
var supabaseSQL []byte

// PresetFor chooses the preset: an explicit name wins; "auto" or ""
// picks supabase for migrations in the Supabase layout (or under a
// supabase/migrations folder) or when the config's probe preset says
// supabase.
func PresetFor(name string, migs []discover.Migration, configPreset string) (string, error) {
	switch strings.ToLower(name) {
	case PresetNone, PresetSupabase:
		return strings.ToLower(name), nil
	case "", "auto":
	default:
		return "", fmt.Errorf("unknown preset %q (want auto, %s)", name, strings.Join(Presets, ", "))
	}
	if strings.EqualFold(configPreset, PresetSupabase) {
		return PresetSupabase, nil
	}
	for _, m := range migs {
		// A project root given as PATH is walked as a plain folder: its
		// files still live under supabase/migrations.
		if m.Layout == discover.LayoutSupabase || strings.Contains("/"+m.File.Path, "/supabase/migrations/") {
			return PresetSupabase, nil
		}
	}
	return PresetNone, nil
}

// ApplyPreset creates the preset's objects in conn's database.
func ApplyPreset(ctx context.Context, conn *pgx.Conn, preset string) error {
	switch preset {
	case PresetNone, "":
		return nil
	case PresetSupabase:
		f := source.NewFile("<supabase preset>", supabaseSQL)
		if _, err := ApplyFile(ctx, conn, f, ApplyOptions{}); err != nil {
			return fmt.Errorf("preset supabase: %w", err)
		}
		return nil
	}
	return fmt.Errorf("unknown preset %q", preset)
}

// Options describe the throwaway database.
type Options struct {
	// Preset is applied before the migrations (PresetNone, PresetSupabase).
	Preset     string
	Migrations []discover.Migration
	// Log receives the server's log (nil: kept in the cluster's
	// directory, and its tail reported if the server does not start).
	Log io.Writer
	// Roles are created (NOLOGIN) before the migrations when missing:
	// roles the migrations use but never create, which the environment
	// provides (see ImplicitRoles).
	Roles []string
	// Apply relaxes how migrations apply (tests).
	Apply ApplyOptions
	// Notes receives remarks made while applying (skipped extensions,
	// roles created).
	Notes func(string)
}

// Database is the database fn receives.
type Database struct {
	// URL connects as the server's superuser. It holds no password for a
	// local cluster; do not print it all the same.
	URL string
	// Server describes the server for messages (password masked).
	Server string
}

// Run starts a throwaway PostgreSQL (internal/pgtest: local binaries,
// else Docker), applies the preset and the migrations to its postgres
// database, calls fn, and tears the server down however fn ends
// (including SIGINT/SIGTERM, which cancel ctx).
func Run(ctx context.Context, opts Options, fn func(ctx context.Context, db Database) error) error {
	return pgtest.Run(ctx, pgtest.Options{Log: opts.Log}, func(ctx context.Context, c *pgtest.Cluster) error {
		db := Database{URL: c.URL("postgres"), Server: c.String()}
		if err := Prepare(ctx, db.URL, opts); err != nil {
			return err
		}
		return fn(ctx, db)
	})
}

// Prepare applies the preset and the migrations to the database at url.
func Prepare(ctx context.Context, url string, opts Options) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("ephemeral database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := ApplyPreset(ctx, conn, opts.Preset); err != nil {
		return err
	}
	created, err := createRoles(ctx, conn, opts.Roles)
	if err != nil {
		return err
	}
	if len(created) > 0 && opts.Notes != nil {
		opts.Notes("roles the migrations use but do not create were created first (NOLOGIN): " + strings.Join(created, ", "))
	}
	// The preset may set database defaults (search_path) that only new
	// sessions see: the migrations get a session of their own.
	mconn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("ephemeral database: %w", err)
	}
	defer mconn.Close(context.WithoutCancel(ctx))
	notes, err := Apply(ctx, mconn, opts.Migrations, opts.Apply)
	if opts.Notes != nil {
		for _, n := range notes {
			opts.Notes(n)
		}
	}
	return err
}

// ImplicitRoles returns the roles a catalog replayed from migrations uses
// without creating them: owners, grantees, policy roles, parents of
// memberships (the environment provides them: the platform, or an
// administrator by hand).
func ImplicitRoles(cat *model.Catalog) []string {
	used := map[string]bool{}
	use := func(names ...string) {
		for _, n := range names {
			used[n] = true
		}
	}
	for _, s := range cat.Schemas {
		use(s.Owner)
	}
	for _, t := range cat.Tables() {
		use(t.Owner)
		for _, p := range t.Policies {
			use(p.Roles...)
		}
		for _, g := range t.Grants {
			use(g.Grantee)
		}
	}
	for _, v := range cat.Views() {
		use(v.Owner)
		for _, g := range v.Grants {
			use(g.Grantee)
		}
	}
	for _, f := range cat.Functions() {
		use(f.Owner)
	}
	for name, r := range cat.Roles {
		use(name)
		use(r.MemberOf...)
	}
	var out []string
	for name := range used {
		switch strings.ToUpper(name) {
		case "", "PUBLIC", "CURRENT_USER", "SESSION_USER", "CURRENT_ROLE":
			continue
		}
		if r := cat.Roles[name]; r != nil && !r.Implicit {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// createRoles creates the roles that do not exist yet, as NOLOGIN roles,
// and returns those it created.
func createRoles(ctx context.Context, conn *pgx.Conn, roles []string) ([]string, error) {
	var created []string
	for _, r := range roles {
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", r).Scan(&exists); err != nil {
			return created, fmt.Errorf("ephemeral database: %w", err)
		}
		if exists {
			continue
		}
		if _, err := conn.Exec(ctx, "CREATE ROLE "+pgx.Identifier{r}.Sanitize()+" NOLOGIN"); err != nil {
			return created, fmt.Errorf("ephemeral database: create role %s: %w", r, err)
		}
		created = append(created, r)
	}
	return created, nil
}
