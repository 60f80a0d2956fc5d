package probetest

import "syscall"

// procAttr runs a server binary as cred, and kills it (SIGQUIT: postgres's
// immediate shutdown) if the test process dies.
func procAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
}
