package pgtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	// dirPrefix names every cluster directory, so that the sweep can find
	// the ones left behind.
	dirPrefix = "tenantguard-pgtest-"
	// ownerFile, in a cluster directory, holds the pid of the process that
	// made it.
	ownerFile = "owner.pid"
	// sweepGrace protects a directory that is so new that its owner file
	// may not be written yet.
	sweepGrace = time.Minute
)

// sweepStale removes the cluster directories under base that runs which died
// abruptly left behind: their owner is gone and their postmaster is not
// running. It is best effort by design: a directory it cannot judge or remove
// is left for a later sweep, never a reason to fail a Start.
func sweepStale(base string) (removed []string) {
	dirs, _ := filepath.Glob(filepath.Join(base, dirPrefix+"*"))
	for _, dir := range dirs {
		if isStale(dir) && os.RemoveAll(dir) == nil {
			removed = append(removed, dir)
		}
	}
	return removed
}

func isStale(dir string) bool {
	info, err := os.Lstat(dir)
	if err != nil || !info.IsDir() {
		return false
	}
	owner, ok := readPID(filepath.Join(dir, ownerFile))
	if !ok {
		// Either not written yet, or the owner died between creating the
		// directory and writing the file.
		return time.Since(info.ModTime()) > sweepGrace
	}
	if processAlive(owner) {
		return false
	}
	if pm, ok := readPID(filepath.Join(dir, "data", "postmaster.pid")); ok && processAlive(pm) {
		return false
	}
	return true
}

// readPID reads the pid on the first line of a file.
func readPID(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	return pid, err == nil && pid > 0
}
