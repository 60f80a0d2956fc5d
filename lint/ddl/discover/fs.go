package discover

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// sqlFile is a *.sql file under a PATH folder.
type sqlFile struct {
	abs  string
	rel  string // relative to the folder, forward slashes
	base string
}

// skippedDirs are never walked into by the plain and Flyway layouts.
var skippedDirs = map[string]bool{"node_modules": true, "down": true, "revert": true, "verify": true}

func isSQL(name string) bool {
	return strings.EqualFold(filepath.Ext(name), ".sql")
}

func isHidden(name string) bool { return strings.HasPrefix(name, ".") }

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// topSQL returns the *.sql files directly in a folder, by name. Dangling
// symlinks are kept so that reading them reports a Problem.
func topSQL(dir string, entries []fs.DirEntry) []sqlFile {
	var files []sqlFile
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || isHidden(name) || !isSQL(name) {
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 && isDir(filepath.Join(dir, name)) {
			continue
		}
		files = append(files, sqlFile{abs: filepath.Join(dir, name), rel: name, base: name})
	}
	return files
}

// walkSQL returns the *.sql files of a folder tree, skipping hidden folders
// and skippedDirs. A subfolder that cannot be read is a Problem.
func (d *discoverer) walkSQL(r root) []sqlFile {
	var files []sqlFile
	var walk func(abs, rel string, entries []fs.DirEntry)
	walk = func(abs, rel string, entries []fs.DirEntry) {
		for _, e := range entries {
			name := e.Name()
			childAbs := filepath.Join(abs, name)
			childRel := path.Join(rel, name)
			if e.IsDir() {
				if isHidden(name) || skippedDirs[name] {
					continue
				}
				sub, err := os.ReadDir(childAbs)
				if err != nil {
					d.problem(d.display(r, childAbs), err)
					continue
				}
				walk(childAbs, childRel, sub)
				continue
			}
			if isHidden(name) || !isSQL(name) {
				continue
			}
			if e.Type()&fs.ModeSymlink != 0 && isDir(childAbs) {
				continue
			}
			files = append(files, sqlFile{abs: childAbs, rel: childRel, base: name})
		}
	}
	entries, err := os.ReadDir(r.abs)
	if err != nil {
		d.problem(r.display, err)
		return nil
	}
	walk(r.abs, "", entries)
	return files
}

// isSymlink reports whether p is a symlink, dangling or not.
func isSymlink(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

// errBrokenLink is the cause of a missing file that is a symlink whose
// target does not exist: "no such file" alone leaves users looking at a
// file that ls shows them.
var errBrokenLink error = brokenLink{}

type brokenLink struct{}

func (brokenLink) Error() string { return "broken symlink (its target does not exist)" }

// Is makes errors.Is(err, fs.ErrNotExist) hold.
func (brokenLink) Is(target error) bool { return target == fs.ErrNotExist }

// brokenLinkError returns err with a broken-symlink cause when abs is a
// symlink to nothing; other errors are returned as they are.
func brokenLinkError(abs string, err error) error {
	if err == nil || !errors.Is(err, fs.ErrNotExist) || !isSymlink(abs) {
		return err
	}
	return &fs.PathError{Op: "open", Path: abs, Err: errBrokenLink}
}
