//go:build linux || darwin

package discover

import (
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// TestDiscoverFIFO: a FIFO among the migrations is a problem, not a file
// to read (reading it would wait for a writer forever).
func TestDiscoverFIFO(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"migrations/1_a.sql": "create table a (id int);\n",
		"migrations/3_c.sql": "create table c (id int);\n",
	})
	if err := syscall.Mkfifo(filepath.Join(dir, "migrations", "2_b.sql"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	ms, ps, err := Discover(nil, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(ms), []string{`migrations/1_a.sql plain "1"`, `migrations/3_c.sql plain "3"`}; !slices.Equal(got, want) {
		t.Errorf("migrations = %q, want %q", got, want)
	}
	if len(ps) != 1 || ps[0].Err.Error() != "read migrations/2_b.sql: not a regular file" {
		t.Errorf("problems = %v", ps)
	}
}

// TestRealPathsLikeEvalSymlinks: resolving folders once gives what
// filepath.EvalSymlinks gives for each file (or the path itself where it
// fails), through symlinked files and folders, chains and dangling links.
func TestRealPathsLikeEvalSymlinks(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"real/1_a.sql":     "select 1;\n",
		"real/sub/2_b.sql": "select 2;\n",
	})
	links := map[string]string{
		"real/3_link.sql":     "1_a.sql",
		"real/4_chain.sql":    "3_link.sql",
		"real/5_dangling.sql": "gone.sql",
		"linked":              "real",
		"real/sub/6_up.sql":   "../1_a.sql",
		"linked2":             "linked/sub",
	}
	for name, target := range links {
		if err := syscall.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skipf("symlink: %v", err)
		}
	}
	p := &realPaths{dirs: map[string]string{}}
	for _, rel := range []string{"real/1_a.sql", "real/sub/2_b.sql", "real/3_link.sql", "real/4_chain.sql", "real/5_dangling.sql",
		"linked/1_a.sql", "linked/3_link.sql", "linked/sub/6_up.sql", "linked2/2_b.sql", "linked2/6_up.sql", "nowhere/x.sql", "real/missing.sql"} {
		abs := filepath.Join(dir, rel)
		want, err := filepath.EvalSymlinks(abs)
		if err != nil {
			want = abs
		}
		for range 2 { // the second time from the folder cache
			if got := p.of(abs); got != want {
				t.Errorf("%s: got %s, want %s", rel, got, want)
			}
		}
	}
}
