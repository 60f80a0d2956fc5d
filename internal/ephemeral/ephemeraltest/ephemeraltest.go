// Package ephemeraltest applies SQL fixtures to test databases from
// internal/pgtest and cleans up what outlives a database: roles, which
// belong to the whole server.
package ephemeraltest

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/ephemeral"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/source"
)

// File reads a fixture file.
func File(t testing.TB, path string) *source.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return source.NewFile(filepath.ToSlash(path), b)
}

// Apply runs the preset, creates opts.Roles, and applies the migrations
// to the database at url, as `check --ephemeral` does, and fails the test
// if they do not apply. The roles the migrations create, and those of
// opts.Roles that did not exist, are dropped when the test ends (with what
// they own in this database), and dropped first if a previous run left
// them behind.
func Apply(t testing.TB, url string, opts ephemeral.Options) {
	t.Helper()
	files := make([]*source.File, len(opts.Migrations))
	for i, m := range opts.Migrations {
		files[i] = m.File
	}
	DropRolesAtEnd(t, url, CreatedRoles(files))
	DropRolesAtEnd(t, url, missingRoles(t, url, opts.Roles))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := ephemeral.Prepare(ctx, url, opts); err != nil {
		t.Fatal(err)
	}
}

// ApplyFiles applies files in order, with no preset.
func ApplyFiles(t testing.TB, url string, files ...*source.File) {
	t.Helper()
	migs := make([]discover.Migration, len(files))
	for i, f := range files {
		migs[i] = discover.Migration{File: f, Layout: discover.LayoutFile}
	}
	Apply(t, url, ephemeral.Options{Preset: ephemeral.PresetNone, Migrations: migs})
}

// missingRoles returns the roles that do not exist on the server.
func missingRoles(t testing.TB, url string, roles []string) []string {
	t.Helper()
	if len(roles) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var out []string
	for _, r := range roles {
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", r).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if !exists {
			out = append(out, r)
		}
	}
	return out
}

// CreatedRoles returns the roles the files create (CREATE ROLE/USER).
func CreatedRoles(files []*source.File) []string {
	cat := ddl.Load(files)
	var out []string
	for name, r := range cat.Roles {
		if !r.Implicit {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// DropRolesAtEnd drops roles now (left over from an earlier run) and when
// the test ends, first dropping what they own in the database at url.
func DropRolesAtEnd(t testing.TB, url string, roles []string) {
	t.Helper()
	if len(roles) == 0 {
		return
	}
	dropRoles(url, roles)
	t.Cleanup(func() {
		if err := dropRoles(url, roles); err != nil {
			t.Errorf("drop roles %s: %v", strings.Join(roles, ", "), err)
		}
	})
}

func dropRoles(url string, roles []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var first error
	for _, r := range roles {
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", r).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			continue
		}
		id := pgx.Identifier{r}.Sanitize()
		if _, err := conn.Exec(ctx, "DROP OWNED BY "+id+" CASCADE"); err != nil && first == nil {
			first = err
		}
		if _, err := conn.Exec(ctx, "DROP ROLE "+id); err != nil && first == nil {
			first = err
		}
	}
	return first
}
