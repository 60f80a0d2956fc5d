//go:build !unix

package pgtest

import "syscall"

func sysProcAttr(*runAs, syscall.Signal) *syscall.SysProcAttr { return nil }

const hasDeathSignal = false

// processAlive cannot tell here, so it says yes: the sweep then keeps
// everything, which is safe.
func processAlive(int) bool { return true }

const (
	sigQuit = syscall.Signal(0)
	sigKill = syscall.Signal(0)
)
