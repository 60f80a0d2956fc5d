// Package cli implements tenantguard's commands. Each command is an
// options struct, a newCmdX(f, runF) builder and an xRun(opts) function;
// errors become exit codes in exactly one place, Run.
package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Exit statuses (DESIGN.md).
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitError    = 2
)

// ErrFindings reports findings at or above --fail-on: exit 1, no message.
var ErrFindings = errors.New("findings at or above the --fail-on level")

// Main runs tenantguard with the process's arguments and streams.
func Main() int {
	return Run(os.Args[1:], NewFactory())
}

// Run executes a command line and returns the exit status. Every error
// but ErrFindings is printed as one line on stderr, with secrets redacted.
func Run(args []string, f *Factory) int {
	root := NewRootCmd(f)
	root.SetArgs(args)
	err := root.Execute()
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrFindings):
		return ExitFindings
	}
	msg := Redact(err.Error())
	msg = strings.ReplaceAll(msg, "\n", " ")
	fmt.Fprintf(f.IO.ErrOut, "tenantguard: %s\n", msg)
	return ExitError
}
