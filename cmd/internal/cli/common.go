package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tenantguard/tenantguard/internal/config"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/report"
	"github.com/tenantguard/tenantguard/rules"
)

// outputOptions are the flags every reporting command shares.
type outputOptions struct {
	ConfigPath string
	Format     string
	Output     string
	FailOn     string
	NoColor    bool
	Verbose    bool
	// Reports are --report FORMAT=FILE values; Baseline and
	// WriteBaseline the baseline files (reports.go).
	Reports       []string
	Baseline      string
	WriteBaseline string

	extra reportState
}

func (o *outputOptions) addFlags(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVarP(&o.ConfigPath, "config", "c", "", "config `FILE` (default: tenantguard.yaml found upward from the working directory)")
	fl.StringVar(&o.Format, "format", "text", "output `FORMAT`: "+strings.Join(report.Formats, "|"))
	fl.StringVarP(&o.Output, "output", "o", "", "write the report to `FILE` instead of stdout")
	o.addReportFlags(fl)
	fl.StringVar(&o.FailOn, "fail-on", "error", "exit 1 when a finding is at or above `LEVEL`: error|warning|info|none")
	fl.BoolVar(&o.NoColor, "no-color", false, "disable colour (also: NO_COLOR=1)")
	fl.BoolVarP(&o.Verbose, "verbose", "v", false, "show details, suppressed findings and what the analysis trusted")
}

// validate checks flag values before any work is done.
func (o *outputOptions) validate() error {
	if _, err := lint.ParseThreshold(o.FailOn); err != nil {
		return err
	}
	if _, err := report.NewWriter(o.Format, report.Options{}); err != nil {
		return err
	}
	return o.validateReports()
}

// loadConfig reads the config file named by --config, or the one found
// upward from dir, or the defaults.
// loadConfig returns the working directory and the config for it: the
// --config file, or tenantguard.yaml found upward.
func (o *outputOptions) loadConfig(f *Factory) (dir string, cfg lint.Config, err error) {
	if dir, err = f.Getwd(); err != nil {
		return "", cfg, err
	}
	cfg, _, err = loadConfig(o.ConfigPath, dir)
	return dir, cfg, err
}

func loadConfig(path, dir string) (lint.Config, string, error) {
	if path == "" {
		path = config.Find(dir)
		if path == "" {
			return lint.DefaultConfig(), "", nil
		}
		if rel, err := filepath.Rel(dir, path); err == nil {
			path = rel
		}
	} else if _, err := os.Stat(path); err != nil {
		return lint.Config{}, "", fmt.Errorf("config: %w", err)
	}
	cfg, err := config.Load(path, func(name string) bool { return rules.Lookup(name) != nil })
	if err != nil {
		return cfg, "", err
	}
	return cfg, path, nil
}

// writeReport writes r in the requested format to stdout or --output, and
// returns ErrFindings when it fails the run.
func writeReport(f *Factory, o *outputOptions, r *report.Report) error {
	threshold, err := lint.ParseThreshold(o.FailOn)
	if err != nil {
		return err
	}
	r.FailOn = threshold
	if err := o.prepareReport(f, r); err != nil {
		return err
	}
	if err := o.writeExtraReports(r); err != nil {
		return err
	}
	toFile := o.Output != "" && o.Output != "-"
	w, err := report.NewWriter(o.Format, report.Options{
		Color:   !toFile && f.colorEnabled(o.NoColor),
		Verbose: o.Verbose,
	})
	if err != nil {
		return err
	}
	if err := writeTo(f.IO.Out, o.Output, func(out io.Writer) error { return w.Write(out, r) }); err != nil {
		return err
	}
	if r.Failed() {
		return ErrFindings
	}
	return nil
}

// writeTo runs write on stdout, or on a new file at path (written
// atomically: a failed run leaves no half-written report).
func writeTo(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	if special(path) {
		return writeSpecial(path, write)
	}
	tmp, err := createBeside(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, errors.Unwrap(err))
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// createBeside creates a new temporary file in path's folder with the
// mode a plain create would give path: that of the file it replaces, or
// 0666 less the umask (os.CreateTemp's 0600 would hide a report from a CI
// step that uploads it as another user).
func createBeside(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	for range 100 {
		name := filepath.Join(dir, ".tenantguard-"+base+"-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
			if err := f.Chmod(fi.Mode().Perm()); err != nil {
				f.Close()
				os.Remove(name)
				return nil, err
			}
		}
		return f, nil
	}
	return nil, &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
}
