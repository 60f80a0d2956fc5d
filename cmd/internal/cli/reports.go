package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tenantguard/tenantguard/internal/config"
	"github.com/tenantguard/tenantguard/report"
)

// reportState is what validate learns from the report flags, for
// writeReport: the parsed --report targets, the --baseline content and
// when the run started.
type reportState struct {
	targets  []reportTarget
	baseline *report.Baseline
	started  time.Time
}

// reportTarget is one --report FORMAT=FILE.
type reportTarget struct {
	format, path string
}

func (o *outputOptions) addReportFlags(fl *pflag.FlagSet) {
	fl.StringArrayVar(&o.Reports, "report", nil, "also write a report in another format to a file: `FORMAT=FILE` (repeatable; e.g. sarif=tenantguard.sarif)")
	fl.StringVar(&o.Baseline, "baseline", "", "do not fail on findings recorded in the baseline `FILE` (they are shown with --verbose)")
	fl.StringVar(&o.WriteBaseline, "write-baseline", "", "record the current findings in a baseline `FILE`; they no longer fail this run, nor runs with --baseline FILE")
}

// validateReports checks --report, --baseline and --write-baseline, and
// reads the baseline, before any work is done.
func (o *outputOptions) validateReports() error {
	o.extra = reportState{started: time.Now()}
	seen := map[string]string{}
	// claim reserves a file for one flag (label: the flag and its value).
	claim := func(path, label string) error {
		key := filepath.Clean(path)
		if special(path) {
			// /dev/stdout and friends may take several writers.
			return nil
		}
		if prev, ok := seen[key]; ok {
			return fmt.Errorf("%s: %s is already written by %s", label, path, prev)
		}
		seen[key] = label
		return checkDir(label, path)
	}
	if o.Output != "" && o.Output != "-" {
		if err := claim(o.Output, "--output "+o.Output); err != nil {
			return err
		}
	}
	for _, v := range o.Reports {
		t, err := parseReportFlag(v)
		if err != nil {
			return err
		}
		if err := claim(t.path, "--report "+v); err != nil {
			return err
		}
		o.extra.targets = append(o.extra.targets, t)
	}
	if o.WriteBaseline != "" {
		if err := claim(o.WriteBaseline, "--write-baseline "+o.WriteBaseline); err != nil {
			return err
		}
	}
	if o.Baseline != "" {
		b, err := report.ReadBaseline(o.Baseline)
		if err != nil {
			return err
		}
		o.extra.baseline = b
	}
	return nil
}

// parseReportFlag reads FORMAT=FILE.
func parseReportFlag(v string) (reportTarget, error) {
	format, path, ok := strings.Cut(v, "=")
	format = strings.ToLower(strings.TrimSpace(format))
	if !ok || format == "" || path == "" {
		return reportTarget{}, fmt.Errorf("--report %q: want FORMAT=FILE, e.g. --report sarif=tenantguard.sarif (formats: %s)", v, strings.Join(report.Formats, ", "))
	}
	if _, err := report.NewWriter(format, report.Options{}); err != nil {
		return reportTarget{}, fmt.Errorf("--report %s: %w", v, err)
	}
	if path == "-" {
		return reportTarget{}, fmt.Errorf("--report %s: use --format %s for stdout; --report writes files", v, format)
	}
	return reportTarget{format: format, path: path}, nil
}

// checkDir fails when the folder a report goes to does not exist, so a
// typo fails before the work, not after.
func checkDir(label, path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("%s: folder %s does not exist", label, dir)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s: %s is not a folder", label, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s: %s is a folder, not a file", label, path)
	}
	return nil
}

// prepareReport fills what every format may need (times, paths relative
// to the repository, the anchor of live findings) and applies the
// baselines.
func (o *outputOptions) prepareReport(f *Factory, r *report.Report) error {
	if o.extra.started.IsZero() {
		// A command that skipped validate: check the flags now rather
		// than ignore them.
		if err := o.validateReports(); err != nil {
			return err
		}
	}
	r.Start = o.extra.started
	r.Duration = time.Since(r.Start)
	if epoch, ok := sourceDateEpoch(f.Getenv); ok {
		// Reproducible output (https://reproducible-builds.org/specs/source-date-epoch/):
		// a fixed start and no durations.
		r.Start, r.Duration, r.RuleTime = epoch, 0, nil
	}
	if dir, err := f.Getwd(); err == nil {
		r.RepoPrefix = repoPrefix(dir)
		if r.Anchor == "" {
			r.Anchor = anchorFile(o.ConfigPath, dir)
		}
	}
	// Details and problems may quote connection errors: no report file
	// carries a password.
	for i := range r.Findings {
		r.Findings[i].Detail = Redact(r.Findings[i].Detail)
	}
	for i := range r.Problems {
		r.Problems[i].Message = Redact(r.Problems[i].Message)
	}
	if b := o.extra.baseline; b != nil {
		b.Apply(r.Findings)
		r.BaselineUsed = true
	}
	if o.WriteBaseline != "" {
		b := report.NewBaseline(r.Tool, r.Findings)
		if err := writeTo(nil, o.WriteBaseline, b.Write); err != nil {
			return err
		}
		// What was just recorded is accepted: it no longer fails the run.
		for i := range r.Findings {
			if !r.Findings[i].Suppressed {
				r.Findings[i].Baseline = true
			}
		}
		r.BaselineUsed = true
	}
	return nil
}

// writeExtraReports writes the --report files (never in colour).
func (o *outputOptions) writeExtraReports(r *report.Report) error {
	for _, t := range o.extra.targets {
		w, err := report.NewWriter(t.format, report.Options{Verbose: o.Verbose})
		if err != nil {
			return err
		}
		if err := writeTo(nil, t.path, func(out io.Writer) error { return w.Write(out, r) }); err != nil {
			return err
		}
	}
	return nil
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH.
func sourceDateEpoch(getenv func(string) string) (time.Time, bool) {
	v := strings.TrimSpace(getenv("SOURCE_DATE_EPOCH"))
	if v == "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0).UTC(), true
}

// repoPrefix is dir relative to the root of the git repository that
// holds it ("" at the root, or outside any repository).
func repoPrefix(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			rel, err := filepath.Rel(d, dir)
			if err != nil || rel == "." {
				return ""
			}
			return filepath.ToSlash(rel)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// anchorFile is the config file the run used, relative to dir, or "".
func anchorFile(flag, dir string) string {
	path := flag
	if path == "" {
		path = config.Find(dir)
	}
	if path == "" {
		return ""
	}
	if filepath.IsAbs(path) {
		if rel, err := filepath.Rel(dir, path); err == nil {
			path = rel
		}
	}
	return path
}

// special reports whether path is an existing file that is not a regular
// one (/dev/stdout, /dev/stderr, a named pipe): written in place, since
// it cannot be replaced by a rename.
func special(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.Mode().IsRegular() && !st.IsDir()
}

func writeSpecial(path string, write func(io.Writer) error) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, errors.Unwrap(err))
	}
	if err := write(fh); err != nil {
		fh.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return fh.Close()
}
