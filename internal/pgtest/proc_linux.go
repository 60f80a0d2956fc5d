//go:build linux

package pgtest

import "syscall"

// sysProcAttr runs a child as the given user (nil: as we are), in its own
// process group (so a Ctrl-C aimed at our terminal does not reach it behind
// our back), and, when deathSignal is non-zero, has the kernel send it that
// signal when the thread that forked it dies. See spawn for why the thread
// matters.
func sysProcAttr(as *runAs, deathSignal syscall.Signal) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: deathSignal}
	if as != nil {
		attr.Credential = &syscall.Credential{Uid: uint32(as.uid), Gid: uint32(as.gid)}
	}
	return attr
}

// hasDeathSignal reports whether children die with their parent by
// themselves on this system.
const hasDeathSignal = true
