//go:build !unix

package pgtest

import (
	"os"
	"testing"
)

// serverUID cannot tell who runs the server here: it says it is us.
func serverUID(t *testing.T, root string) int {
	t.Helper()
	return os.Geteuid()
}
