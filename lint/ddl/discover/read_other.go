//go:build !(linux || darwin)

package discover

import (
	"io/fs"
	"os"
)

// readRegularFile reads a file that must be a regular one (a FIFO would
// block the run, a device would never end).
func readRegularFile(name string) ([]byte, error) {
	if fi, err := os.Stat(name); err == nil && !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errNotRegular}
	}
	return os.ReadFile(name)
}
