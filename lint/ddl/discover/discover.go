package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/tenantguard/tenantguard/lint/source"
)

// Layout names the migration tool whose conventions a file follows.
type Layout string

// Layouts Discover recognises.
const (
	LayoutSupabase      Layout = "supabase"
	LayoutGolangMigrate Layout = "golang-migrate"
	LayoutFlyway        Layout = "flyway"
	LayoutDbmate        Layout = "dbmate"
	LayoutGoose         Layout = "goose"
	LayoutSQLMigrate    Layout = "sql-migrate"
	LayoutPrisma        Layout = "prisma"
	LayoutSqitch        Layout = "sqitch"
	LayoutPlain         Layout = "plain"
	LayoutFile          Layout = "file"
)

// Migration is one file to replay, in apply order.
type Migration struct {
	// File.Path is the display path: relative to Options.Dir when the file
	// is inside it, forward slashes. File.Content is the SQL that is
	// applied, masked so that offsets still match the file on disk.
	File   *source.File
	Layout Layout
	// Version is the ordering key as the tool sees it ("20240101120000",
	// "1.1", "R", "000003", a sqitch change name, ...).
	Version string
	// Name is the description part of the name.
	Name string
}

// Problem is a file that was found but cannot be used (unreadable,
// vanished, a planned sqitch change without a script). The run goes on.
type Problem struct {
	Path string
	Err  error
}

// Options tune Discover.
type Options struct {
	// Dir is the working directory: it resolves relative PATHs and the
	// default folders, and display paths are relative to it. Empty means
	// the process's working directory.
	Dir string
}

// DefaultFolders are looked for, in this order, when no PATH is given.
var DefaultFolders = []string{"supabase/migrations", "migrations", "db/migrations", "prisma/migrations", "sql", "deploy"}

// readFile reads a migration file; tests replace it to simulate failures.
var readFile = os.ReadFile

// Discover returns the migrations under paths in apply order, and the files
// found but not usable. The error is for a run that cannot be done: a PATH
// that does not exist or cannot be read, or no PATH and no default folder.
func Discover(paths []string, opts Options) ([]Migration, []Problem, error) {
	dir := opts.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, nil, fmt.Errorf("lint: working directory: %w", err)
		}
		dir = wd
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("lint: working directory: %w", err)
	}
	d := &discoverer{dir: dir, seen: map[string]bool{}, cache: map[string]readResult{}}

	if len(paths) == 0 {
		p, err := defaultFolder(dir)
		if err != nil {
			return nil, nil, err
		}
		paths = []string{p}
	}

	roots := make([]root, 0, len(paths))
	for _, p := range paths {
		r, err := d.resolve(p)
		if err != nil {
			return nil, nil, err
		}
		roots = append(roots, r)
	}
	for _, r := range roots {
		if !r.isDir {
			d.single(r)
			continue
		}
		before := d.found + len(d.problems)
		if err := d.folder(r); err != nil {
			return nil, nil, err
		}
		if d.found+len(d.problems) == before {
			// A folder with nothing to replay is a wrong PATH far more
			// often than an intended one: a green run would hide it.
			return nil, nil, fmt.Errorf("lint: %s: no migration files found (no .sql file that a supported layout applies)", r.display)
		}
	}
	return d.migrations, d.problems, nil
}

// defaultFolder returns the first default folder that exists under dir.
func defaultFolder(dir string) (string, error) {
	for _, f := range DefaultFolders {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if !isDir(p) {
			continue
		}
		if f == "deploy" && !isFile(filepath.Join(dir, "sqitch.plan")) {
			continue
		}
		return f, nil
	}
	return "", fmt.Errorf("lint: no migrations folder found (looked for %s, deploy with sqitch.plan beside it); pass a PATH",
		strings.Join(DefaultFolders[:len(DefaultFolders)-1], ", "))
}

// root is one PATH as given and as found on disk.
type root struct {
	abs     string // absolute path
	display string // as the user wrote it, cleaned, forward slashes
	isDir   bool
}

type readResult struct {
	content []byte
	err     error
}

type discoverer struct {
	dir        string
	seen       map[string]bool       // files already returned, by real path
	cache      map[string]readResult // files read while detecting a layout
	migrations []Migration
	problems   []Problem
	found      int // candidates offered to add, repeats included
}

// resolve checks that a PATH exists.
func (d *discoverer) resolve(p string) (root, error) {
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(d.dir, p)
	}
	abs = filepath.Clean(abs)
	fi, err := os.Stat(abs)
	if err != nil {
		return root{}, fmt.Errorf("lint: %w", &fs.PathError{Op: "open", Path: p, Err: pathCause(brokenLinkError(abs, err))})
	}
	return root{abs: abs, display: filepath.ToSlash(filepath.Clean(p)), isDir: fi.IsDir()}, nil
}

// display returns how a file under r is shown: relative to the working
// directory when inside it, else under the PATH as the user wrote it.
func (d *discoverer) display(r root, abs string) string {
	if rel, err := filepath.Rel(d.dir, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(rel)
	}
	rel, err := filepath.Rel(r.abs, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return path.Join(r.display, filepath.ToSlash(rel))
}

// candidate is a file chosen for a layout, not yet read.
type candidate struct {
	abs     string
	display string
	layout  Layout
	version string
	name    string
}

// add reads a candidate and appends it, once per real file.
func (d *discoverer) add(c candidate) {
	d.found++
	key := c.abs
	if real, err := filepath.EvalSymlinks(c.abs); err == nil {
		key = real
	}
	if d.seen[key] {
		return
	}
	d.seen[key] = true

	content, err := d.read(c.abs)
	if err != nil {
		d.problem(c.display, err)
		return
	}
	switch c.layout {
	case LayoutGoose, LayoutSQLMigrate, LayoutDbmate:
		content = maskSections(content, c.layout)
	case LayoutPlain, LayoutFile:
		if l := sectionLayout(content); l != "" {
			c.layout = l
			c.version, c.name = splitNumbered(filepath.Base(c.abs))
			content = maskSections(content, l)
		}
	}
	d.migrations = append(d.migrations, Migration{
		File:    source.NewFile(c.display, content),
		Layout:  c.layout,
		Version: c.version,
		Name:    c.name,
	})
}

// read returns a file's bytes, from the detection cache when it was read
// already.
func (d *discoverer) read(abs string) ([]byte, error) {
	if r, ok := d.cache[abs]; ok {
		delete(d.cache, abs)
		return r.content, r.err
	}
	fi, err := os.Stat(abs)
	if err == nil && !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: abs, Err: errors.New("not a regular file")}
	}
	content, err := readFile(abs)
	return content, brokenLinkError(abs, err)
}

// peek reads a file for layout detection and keeps the result for add.
func (d *discoverer) peek(abs string) []byte {
	if r, ok := d.cache[abs]; ok {
		return r.content
	}
	content, err := d.read(abs)
	d.cache[abs] = readResult{content, err}
	return content
}

// problem records an unusable file; a path error is re-labelled with the
// display path so the message reads well on its own.
func (d *discoverer) problem(display string, err error) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = &fs.PathError{Op: pe.Op, Path: display, Err: pe.Err}
	}
	d.problems = append(d.problems, Problem{Path: display, Err: err})
}

// pathCause returns what went wrong in a path error, without the path.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
