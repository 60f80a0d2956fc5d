//go:build unix

package pgtest

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// serverUID returns the user the server of a local cluster runs as: the
// owner of the pid file the postmaster writes into its data directory.
func serverUID(t *testing.T, root string) int {
	t.Helper()
	info, err := os.Stat(filepath.Join(root, "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	return int(info.Sys().(*syscall.Stat_t).Uid)
}
