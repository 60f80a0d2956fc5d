package cli

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IOStreams are the command's standard streams. Tests pass buffers and
// say whether stdout is a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY reports whether Out is a terminal (colour is only used then).
	OutTTY bool
}

// Factory provides what commands need from the outside world.
type Factory struct {
	IO     *IOStreams
	Getenv func(string) string
	Getwd  func() (string, error)
}

// NewFactory returns a factory wired to the process.
func NewFactory() *Factory {
	return &Factory{
		IO: &IOStreams{
			In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
			OutTTY: isatty.IsTerminal(os.Stdout.Fd()) || isatty.IsCygwinTerminal(os.Stdout.Fd()),
		},
		Getenv: os.Getenv,
		Getwd:  os.Getwd,
	}
}

// colorEnabled decides colour for stdout: only on a terminal, never with
// --no-color or NO_COLOR set (https://no-color.org).
func (f *Factory) colorEnabled(noColor bool) bool {
	return f.IO.OutTTY && !noColor && f.Getenv("NO_COLOR") == ""
}
