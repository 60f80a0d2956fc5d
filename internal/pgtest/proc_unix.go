//go:build unix

package pgtest

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with this pid exists (a process we
// may not signal exists too).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

const (
	sigQuit = syscall.SIGQUIT // postgres: immediate shutdown
	sigKill = syscall.SIGKILL
)
