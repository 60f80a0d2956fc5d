package pgtest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindBinDir(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no initdb on PATH
	base := t.TempDir()
	mk := func(version string, names ...string) string {
		dir := filepath.Join(base, version, "bin")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	mk("9.6", "initdb", "postgres")
	v15 := mk("15", "initdb", "postgres")
	mk("16", "initdb") // incomplete: no server binary
	glob := filepath.Join(base, "*", "bin")

	if got, err := findBinDir("", glob); err != nil || got != v15 {
		t.Errorf("findBinDir = %q, %v; want the highest complete version %q", got, err, v15)
	}
	if _, err := findBinDir("", filepath.Join(t.TempDir(), "*", "bin")); err != errNoBinaries {
		t.Errorf("with nothing installed: %v, want errNoBinaries", err)
	}
	if got, err := findBinDir(v15, "/nowhere/*"); err != nil || got != v15 {
		t.Errorf("explicit dir: %q, %v", got, err)
	}
	if _, err := findBinDir(filepath.Join(base, "16", "bin"), glob); err == nil {
		t.Error("explicit dir without postgres accepted")
	}

	onPath := mk("path", "initdb", "postgres")
	t.Setenv("PATH", onPath)
	if got, err := findBinDir("", glob); err != nil || got != onPath {
		t.Errorf("findBinDir = %q, %v; want initdb's directory on PATH %q", got, err, onPath)
	}
}

func TestFindBinDirFollowsLinkOnPath(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "15", "bin")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"initdb", "postgres"} {
		if err := os.WriteFile(filepath.Join(real, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	common := t.TempDir() // initdb linked here, postgres not
	if err := os.Symlink(filepath.Join(real, "initdb"), filepath.Join(common, "initdb")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", common)
	if got, err := findBinDir("", "/nowhere/*/bin"); err != nil || got != real {
		t.Errorf("findBinDir = %q, %v; want %q", got, err, real)
	}
}
