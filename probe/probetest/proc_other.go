//go:build unix && !linux

package probetest

import "syscall"

// procAttr runs a server binary as cred.
func procAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred}
}
