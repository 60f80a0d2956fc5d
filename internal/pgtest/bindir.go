package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
)

// distroBinGlob is where Debian and Ubuntu install the server binaries, one
// directory per major version. A variable only so that tests can pretend
// there are none.
var distroBinGlob = "/usr/lib/postgresql/*/bin"

// errNoBinaries says that no PostgreSQL server binaries were found.
var errNoBinaries = errors.New("no PostgreSQL server binaries (initdb and postgres) on PATH or under /usr/lib/postgresql/*/bin")

// findBinDir returns the directory that holds initdb and postgres: dir itself
// when given, else the one of initdb on PATH, else the highest version that
// matches glob.
func findBinDir(dir, glob string) (string, error) {
	if dir != "" {
		if !hasServerBinaries(dir) {
			return "", fmt.Errorf("pgtest: no initdb and postgres in %s", dir)
		}
		return dir, nil
	}
	if initdb, err := exec.LookPath("initdb"); err == nil {
		// Distributions link initdb into a common bin directory, without
		// postgres beside it: follow the link to the version's directory.
		if real, err := filepath.EvalSymlinks(initdb); err == nil {
			initdb = real
		}
		if d := filepath.Dir(initdb); hasServerBinaries(d) {
			return d, nil
		}
	}
	matches, _ := filepath.Glob(glob) // the only error is a bad pattern
	sort.Slice(matches, func(i, j int) bool {
		return versionOf(matches[i]) > versionOf(matches[j])
	})
	for _, d := range matches {
		if hasServerBinaries(d) {
			return d, nil
		}
	}
	return "", errNoBinaries
}

// versionOf reads the major version out of …/postgresql/VERSION/bin.
func versionOf(binDir string) float64 {
	v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	if err != nil {
		return -1
	}
	return v
}

func hasServerBinaries(dir string) bool {
	for _, name := range []string{"initdb", "postgres"} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}
