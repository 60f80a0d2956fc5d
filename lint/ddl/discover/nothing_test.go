package discover

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiscoverFolderWithNothingToReplay(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"migrations/README.md":          "moved to db/\n",
		"migrations/0001_init.sql.bak":  "create table a (id int);\n",
		"goose/0_zero.sql":              "-- +goose Up\ncreate table a (id int);\n",
		"ok/1_a.sql":                    "create table a (id int);\n",
		"supabase/migrations/notes.sql": "create table a (id int);\n",
	})
	for _, paths := range [][]string{nil, {"migrations"}, {"ok", "migrations"}, {"goose"}, {"supabase/migrations"}} {
		_, _, err := Discover(paths, Options{Dir: dir})
		if err == nil {
			t.Errorf("Discover(%q): no error for a folder with nothing to replay", paths)
			continue
		}
		if !strings.Contains(err.Error(), "no migration files found") || strings.Contains(err.Error(), "\n") {
			t.Errorf("Discover(%q): %v", paths, err)
		}
	}
	// A folder read twice is not empty the second time.
	if _, _, err := Discover([]string{"ok", "ok/"}, Options{Dir: dir}); err != nil {
		t.Errorf("same folder twice: %v", err)
	}
	// A folder whose only file cannot be read has a Problem, not "nothing".
	if err := os.Symlink(filepath.Join(dir, "gone.sql"), filepath.Join(dir, "ok", "2_b.sql")); err != nil {
		t.Skipf("symlinks not supported: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "ok", "1_a.sql")); err != nil {
		t.Fatal(err)
	}
	ms, ps, err := Discover([]string{"ok"}, Options{Dir: dir})
	if err != nil || len(ms) != 0 || len(ps) != 1 {
		t.Fatalf("only a broken symlink: migrations %d, problems %v, err %v", len(ms), ps, err)
	}
}

func TestDiscoverBrokenSymlink(t *testing.T) {
	dir := writeTree(t, map[string]string{"m/1_a.sql": "create table a (id int);\n"})
	link := filepath.Join(dir, "m", "2_b.sql")
	if err := os.Symlink("../elsewhere/2_b.sql", link); err != nil {
		t.Skipf("symlinks not supported: %v", err)
	}
	_, ps, err := Discover([]string{"m"}, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || !errors.Is(ps[0].Err, fs.ErrNotExist) ||
		ps[0].Err.Error() != "open m/2_b.sql: broken symlink (its target does not exist)" {
		t.Fatalf("problems = %v", ps)
	}
	// Named as a PATH: the run cannot be done, and the reason says why.
	_, _, err = Discover([]string{"m/2_b.sql"}, Options{Dir: dir})
	if err == nil || err.Error() != "lint: open m/2_b.sql: broken symlink (its target does not exist)" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("PATH is a broken symlink: %v", err)
	}
	// A missing file that is not a symlink keeps the system's words.
	_, _, err = Discover([]string{"m/3_c.sql"}, Options{Dir: dir})
	if err == nil || err.Error() != "lint: open m/3_c.sql: no such file or directory" {
		t.Errorf("missing PATH: %v", err)
	}
}
