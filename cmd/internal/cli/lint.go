package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/source"
	"github.com/tenantguard/tenantguard/report"
	"github.com/tenantguard/tenantguard/rules"
)

// LintOptions are the inputs of `tenantguard lint`.
type LintOptions struct {
	Factory *Factory
	Paths   []string
	outputOptions
	ListFiles bool
}

func newCmdLint(f *Factory, runF func(*LintOptions) error) *cobra.Command {
	opts := &LintOptions{Factory: f}
	c := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Check migration SQL for tenant isolation mistakes (no database needed)",
		Long: `Read migration files, replay them in the order your migration tool applies
them into a schema model, and run the rules on the final state.

PATH may be a folder of migrations, several folders, or single files (a
pg_dump schema file works too). With no PATH the first of these folders that
exists is used: ` + strings.Join(discover.DefaultFolders, ", ") + `.

Supported layouts: Supabase, golang-migrate, Flyway, dbmate, goose,
sql-migrate, Prisma, sqitch and plain folders of .sql files. Use --list-files
to see the files and the order used.`,
		Example: `  # lint the migrations folder found in the working directory
  tenantguard lint

  # a specific folder, machine-readable
  tenantguard lint db/migrations --format json -o tenantguard.json

  # fail on warnings too, and show the files in replay order
  tenantguard lint supabase/migrations --fail-on warning
  tenantguard lint --list-files

  # in CI: annotations on stdout, SARIF and JUnit files in the same run
  tenantguard lint --format github --report sarif=tenantguard.sarif --report junit=tenantguard.xml

  # adopt on an old schema: record today's findings, then fail only on new ones
  tenantguard lint --write-baseline tenantguard-baseline.json
  tenantguard lint --baseline tenantguard-baseline.json`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return lintRun(opts)
		},
	}
	opts.addFlags(c)
	c.Flags().BoolVar(&opts.ListFiles, "list-files", false, "print the migration files in the order they are replayed, and exit")
	return c
}

// lintResult is a loaded and linted set of migrations.
type lintResult struct {
	Migrations []discover.Migration
	Problems   []discover.Problem
	Result     *lint.Result
	Notes      []string
	// Warnings are config entries that match nothing (printed on stderr).
	Warnings []string
}

// runLint discovers, parses, replays and lints migrations.
func runLint(dir string, paths []string, cfg *lint.Config) (*lintResult, error) {
	migs, problems, err := discover.Discover(paths, discover.Options{Dir: dir})
	if err != nil {
		return nil, err
	}
	files := make([]*source.File, len(migs))
	for i, m := range migs {
		files[i] = m.File
	}
	cat := ddl.Load(files)
	res := lint.Run(cat, cfg, rules.All())
	out := &lintResult{Migrations: migs, Problems: problems, Result: res, Warnings: cfg.Unmatched(cat)}
	for _, n := range cat.Notes {
		where := n.Object
		if n.Span.IsValid() {
			p := n.Span.StartPos()
			where = fmt.Sprintf("%s:%d:%d", n.Span.Path(), p.Line, p.Column)
		}
		out.Notes = append(out.Notes, where+": "+n.Message)
	}
	return out, nil
}

func lintRun(opts *LintOptions) error {
	f := opts.Factory
	if err := opts.validate(); err != nil {
		return err
	}
	dir, cfg, err := opts.loadConfig(f)
	if err != nil {
		return err
	}
	if opts.ListFiles {
		return listFiles(f, dir, opts.Paths)
	}
	lr, err := runLint(dir, opts.Paths, &cfg)
	if err != nil {
		return err
	}
	for _, w := range lr.Warnings {
		fmt.Fprintf(f.IO.ErrOut, "tenantguard: warning: %s\n", w)
	}
	r := &report.Report{
		Tool:     Tool(),
		Kind:     "lint",
		Findings: lr.Result.Findings,
		Checks:   lr.Result.Checks,
		Rules:    lr.Result.Rules,
		RuleTime: lr.Result.RuleTime,
		Files:    len(lr.Migrations),
		Notes:    lr.Notes,
	}
	for _, p := range lr.Problems {
		r.Problems = append(r.Problems, report.Problem{Path: p.Path, Message: problemText(p)})
	}
	err = writeReport(f, &opts.outputOptions, r)
	if err != nil && !errors.Is(err, ErrFindings) {
		return err
	}
	if len(lr.Problems) > 0 {
		// The report is out; the run is still incomplete.
		first := lr.Problems[0].Path + ": " + problemText(lr.Problems[0])
		return fmt.Errorf("could not read %d %s (first: %s); the report covers the rest",
			len(lr.Problems), plural(len(lr.Problems), "file"), first)
	}
	return err
}

func listFiles(f *Factory, dir string, paths []string) error {
	migs, problems, err := discover.Discover(paths, discover.Options{Dir: dir})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tVERSION\tLAYOUT\tFILE")
	for i, m := range migs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i+1, m.Version, m.Layout, m.File.Path)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(f.IO.ErrOut, "tenantguard: %s: %v\n", p.Path, p.Err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("could not read %d %s", len(problems), plural(len(problems), "file"))
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// problemText is why a file could not be read, without the path the
// report already prints beside it ("permission denied", not "open
// migrations/x.sql: permission denied").
func problemText(p discover.Problem) string {
	var pe *fs.PathError
	if errors.As(p.Err, &pe) && (pe.Path == p.Path || filepath.Clean(pe.Path) == filepath.Clean(p.Path) || strings.HasSuffix(pe.Path, string(filepath.Separator)+p.Path)) {
		return pe.Err.Error()
	}
	return strings.TrimPrefix(p.Err.Error(), p.Path+": ")
}
