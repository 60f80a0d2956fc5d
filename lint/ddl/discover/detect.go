package discover

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// File name patterns of the tools. The .sql extension matches in any
// case: tenantguard takes every *.sql file.
var (
	golangMigrateName = regexp.MustCompile(`^([0-9]+)_(.*)\.(up|down)\.(?i:sql)$`)
	numberedName      = regexp.MustCompile(`^([0-9]+)_(.*)\.(?i:sql)$`) // goose, supabase
	dbmateName        = regexp.MustCompile(`^([0-9]+)(.*)\.(?i:sql)$`)
)

// folder discovers the migrations of one PATH folder (see the package
// documentation for the detection rules).
func (d *discoverer) folder(r root) error {
	if plan, deployDir, ok := sqitchProject(r.abs); ok {
		d.sqitch(r, plan, deployDir)
		return nil
	}
	entries, err := os.ReadDir(r.abs)
	if err != nil {
		return fmt.Errorf("lint: %w", &fs.PathError{Op: "open", Path: r.display, Err: pathCause(err)})
	}
	top := topSQL(r.abs, entries)
	switch {
	case isPrismaFolder(r.abs, entries, top):
		d.prisma(r, entries)
	case isSupabaseFolder(r.abs):
		d.supabase(r, top)
	case anyName(top, golangMigrateName):
		d.golangMigrate(r, top)
	default:
		tree := d.walkSQL(r)
		if anyFlyway(tree) {
			d.flyway(r, tree)
			return nil
		}
		if l := d.sectionFolder(top); l != "" {
			d.sectioned(r, top, l)
			return nil
		}
		d.plain(r, tree)
	}
	return nil
}

func anyName(files []sqlFile, re *regexp.Regexp) bool {
	for _, f := range files {
		if re.MatchString(f.base) {
			return true
		}
	}
	return false
}

// sectionFolder returns the section tool most of the folder's files are
// written for, or "".
func (d *discoverer) sectionFolder(files []sqlFile) Layout {
	counts := map[Layout]int{}
	for _, f := range files {
		if l := sectionLayout(d.peek(f.abs)); l != "" {
			counts[l]++
		}
	}
	var best Layout
	for _, s := range sectionSyntaxes {
		if counts[s.layout] > counts[best] {
			best = s.layout
		}
	}
	return best
}

// isSupabaseFolder reports whether dir is <...>/supabase/migrations.
func isSupabaseFolder(dir string) bool {
	return filepath.Base(dir) == "migrations" && filepath.Base(filepath.Dir(dir)) == "supabase"
}

// isPrismaFolder reports whether dir is a Prisma migrations folder.
func isPrismaFolder(dir string, entries []fs.DirEntry, top []sqlFile) bool {
	for _, e := range entries {
		if e.Name() == "migration_lock.toml" && !e.IsDir() {
			return true
		}
	}
	if len(top) > 0 {
		return false
	}
	for _, e := range entries {
		if e.IsDir() && !isHidden(e.Name()) && isFile(filepath.Join(dir, e.Name(), "migration.sql")) {
			return true
		}
	}
	return false
}

// sqitchProject finds sqitch.plan for a folder that is a sqitch project
// (plan inside) or its deploy folder (plan in the parent).
func sqitchProject(dir string) (plan, deployDir string, ok bool) {
	if p := filepath.Join(dir, "sqitch.plan"); isFile(p) {
		return p, filepath.Join(dir, "deploy"), true
	}
	if filepath.Base(dir) == "deploy" {
		if p := filepath.Join(filepath.Dir(dir), "sqitch.plan"); isFile(p) {
			return p, dir, true
		}
	}
	return "", "", false
}

// single handles a PATH that is a file: linted whatever its name, with the
// conventions of the layout its name and place belong to.
func (d *discoverer) single(r root) {
	base := filepath.Base(r.abs)
	parent := filepath.Dir(r.abs)
	c := candidate{abs: r.abs, display: d.display(r, r.abs), layout: LayoutFile, name: stem(base)}
	switch {
	case isSQL(base) && filepath.Base(parent) == "deploy" && isFile(filepath.Join(filepath.Dir(parent), "sqitch.plan")):
		change, _, _ := strings.Cut(stem(base), "@") // users@v1.0.sql: users as of tag v1.0
		c.layout, c.version, c.name = LayoutSqitch, stem(base), change
	case base == "migration.sql" && isFile(filepath.Join(filepath.Dir(parent), "migration_lock.toml")):
		c.layout = LayoutPrisma
		c.version, c.name = prismaVersion(filepath.Base(parent))
	case isSupabaseFolder(parent) && numberedName.MatchString(base):
		m := numberedName.FindStringSubmatch(base)
		c.layout, c.version, c.name = LayoutSupabase, m[1], m[2]
	default:
		if m := golangMigrateName.FindStringSubmatch(base); m != nil && m[3] == "up" {
			c.layout, c.version, c.name = LayoutGolangMigrate, m[1], m[2]
		} else if f, ok := parseFlyway(base); ok && f.kind != 'U' {
			c.layout, c.version, c.name = LayoutFlyway, f.version(), f.desc
		}
	}
	d.add(c)
}
