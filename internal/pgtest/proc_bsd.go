//go:build unix && !linux

package pgtest

import "syscall"

// sysProcAttr runs a child as the given user (nil: as we are) in its own
// process group. There is no parent-death signal here: the janitor alone
// stops the server when we die.
func sysProcAttr(as *runAs, _ syscall.Signal) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if as != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(as.uid), Gid: uint32(as.gid)}
	}
	return attr
}

const hasDeathSignal = false
