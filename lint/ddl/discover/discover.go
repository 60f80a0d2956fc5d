package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tenantguard/tenantguard/lint/internal/par"
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

// readFile reads a migration file (or a sqitch plan), which must be a
// regular file; tests replace it to simulate failures.
var readFile = readRegularFile

// errNotRegular is the cause of a file that is a FIFO, device or folder.
var errNotRegular = errors.New("not a regular file")

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
	d := &discoverer{dir: dir, cache: map[string]readResult{}}

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
		before := len(d.events)
		if err := d.folder(r); err != nil {
			return nil, nil, err
		}
		if len(d.events) == before {
			// A folder with nothing to replay is a wrong PATH far more
			// often than an intended one: a green run would hide it.
			return nil, nil, fmt.Errorf("lint: %s: no migration files found (no .sql file that a supported layout applies)", r.display)
		}
	}
	d.finish()
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
	dir   string
	cache map[string]readResult // files read while detecting a layout
	// events are the candidates and problems in the order they were met;
	// finish reads the candidates and turns events into the result.
	events     []event
	migrations []Migration
	problems   []Problem
}

// event is a candidate file to read, or a problem met while looking for
// them.
type event struct {
	cand    candidate
	problem *Problem

	// Filled by finish.
	key string // the file's real path
	dup bool   // a file an earlier candidate returned already
	mig Migration
	err error
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

// add queues a candidate: finish reads it.
func (d *discoverer) add(c candidate) {
	d.events = append(d.events, event{cand: c})
}

// finish reads the queued candidates and sets migrations and problems, in
// the order candidates and problems were met. Files are read on all cores
// (discovery of a large history is mostly system calls); each real file
// is returned once, for its first candidate.
func (d *discoverer) finish() {
	var cands []*event
	for i := range d.events {
		if d.events[i].problem == nil {
			cands = append(cands, &d.events[i])
		}
	}
	rp := &realPaths{dirs: map[string]string{}}
	par.Do(len(cands), func(i int) {
		e := cands[i]
		e.key = rp.of(e.cand.abs)
	})
	seen := map[string]bool{}
	for _, e := range cands {
		e.dup = seen[e.key]
		seen[e.key] = true
	}
	par.Do(len(cands), func(i int) {
		if e := cands[i]; !e.dup {
			e.mig, e.err = d.load(e.cand)
		}
	})
	for _, e := range d.events {
		switch {
		case e.problem != nil:
			d.problems = append(d.problems, *e.problem)
		case e.dup:
		case e.err != nil:
			d.problems = append(d.problems, problemOf(e.cand.display, e.err))
		default:
			d.migrations = append(d.migrations, e.mig)
		}
	}
	d.events, d.cache = nil, nil
}

// realPaths resolves the symlinks of file paths (filepath.EvalSymlinks)
// resolving each folder once: a file that is not a symlink itself is its
// folder's real path joined with its name. Safe for concurrent use.
type realPaths struct {
	mu   sync.Mutex
	dirs map[string]string // folder -> real path, "" when it does not resolve
}

// of returns abs with its symlinks resolved, or abs when that fails (a
// dangling link).
func (p *realPaths) of(abs string) string {
	dir, base := filepath.Split(abs)
	p.mu.Lock()
	resolved, ok := p.dirs[dir]
	p.mu.Unlock()
	if !ok {
		resolved, _ = filepath.EvalSymlinks(dir) // "" on error
		p.mu.Lock()
		p.dirs[dir] = resolved
		p.mu.Unlock()
	}
	if resolved != "" {
		if fi, err := os.Lstat(abs); err == nil && fi.Mode()&fs.ModeSymlink == 0 {
			return filepath.Join(resolved, base)
		}
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		return resolved
	}
	return abs
}

// load reads a candidate and masks the sections its tool does not apply.
// It runs in parallel with other loads: it only reads d.cache.
func (d *discoverer) load(c candidate) (Migration, error) {
	var content []byte
	var err error
	if r, ok := d.cache[c.abs]; ok {
		content, err = r.content, r.err
	} else {
		content, err = readRegular(c.abs)
	}
	if err != nil {
		return Migration{}, err
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
	return Migration{
		File:    source.NewFile(c.display, content),
		Layout:  c.layout,
		Version: c.version,
		Name:    c.name,
	}, nil
}

// readRegular reads a migration file.
func readRegular(abs string) ([]byte, error) {
	content, err := readFile(abs)
	return content, brokenLinkError(abs, err)
}

// peek reads a file for layout detection and keeps the result for add.
func (d *discoverer) peek(abs string) []byte {
	if r, ok := d.cache[abs]; ok {
		return r.content
	}
	content, err := readRegular(abs)
	d.cache[abs] = readResult{content, err}
	return content
}

// problem records an unusable file, in order with the candidates.
func (d *discoverer) problem(display string, err error) {
	p := problemOf(display, err)
	d.events = append(d.events, event{problem: &p})
}

// problemOf makes a Problem; a path error is re-labelled with the display
// path so the message reads well on its own.
func problemOf(display string, err error) Problem {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = &fs.PathError{Op: pe.Op, Path: display, Err: pe.Err}
	}
	return Problem{Path: display, Err: err}
}

// pathCause returns what went wrong in a path error, without the path.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
