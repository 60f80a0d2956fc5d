package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/tenantguard/tenantguard/internal/ephemeral"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
	"github.com/tenantguard/tenantguard/probe"
	"github.com/tenantguard/tenantguard/report"
	"github.com/tenantguard/tenantguard/rules"
)

// CheckOptions are the inputs of `tenantguard check`.
type CheckOptions struct {
	Factory *Factory
	Paths   []string
	outputOptions
	dbOptions
	probeFlags
	// Ephemeral applies the migrations to a throwaway server instead of
	// reading --db.
	Ephemeral bool
	// Preset is what the throwaway server gets before the migrations:
	// auto, none or supabase.
	Preset string
}

func newCmdCheck(f *Factory, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{Factory: f}
	c := &cobra.Command{
		Use:   "check [PATH...] (--db URL | --ephemeral)",
		Short: "Lint the migrations and inspect the database they built, in one report",
		Long: `Lint the migration files (as ` + "`tenantguard lint`" + `) and inspect a database (as
` + "`tenantguard inspect`" + `) and probe it (as ` + "`tenantguard probe`" + `: acting as your
application for one tenant, try to reach another's rows, in transactions
that are rolled back), then write one report. The probes act as probe.role
(--role), else as the one role granted the tenant tables; with neither, the
report on the rest is written and the run exits 2 saying what to set.

With --db URL (or DATABASE_URL) the database is a live one: staging before a
release, say. With --ephemeral tenantguard starts a throwaway PostgreSQL
(from the local server binaries, else Docker), applies the migrations in the
order lint replays them, inspects the result and removes the server. A
migration the server refuses stops the run (exit 2) naming the file, the
line and the server's message. Supabase projects (the supabase/migrations
layout, or --preset supabase) first get what Supabase provides: the anon,
authenticated and service_role roles, the auth, storage and extensions
schemas, auth.users, auth.uid(), auth.jwt(), auth.role(), auth.email(), and
Supabase's default grants on public. Roles the migrations use but never
create are created first (NOLOGIN).

A finding that lint and inspect both report for the same rule and object is
reported once, with the file and line from lint and source "lint+inspect"
(confirmed on the database). A lint finding the database does not show says
so in its detail. Findings only the database shows point at the migration
that created the object when the files have it.

With --db and no PATH, the default migration folders are linted when one
exists (` + strings.Join(discover.DefaultFolders, ", ") + `); otherwise only the
database is inspected.`,
		Example: `  # one command, no database to set up: apply the migrations to a throwaway PostgreSQL
  tenantguard check --ephemeral supabase/migrations

  # before a release: the migrations and what staging really runs
  tenantguard check db/migrations --db "$STAGING_URL" --format junit -o tenantguard.xml

  # a plain folder treated as a Supabase project
  tenantguard check --ephemeral migrations --preset supabase`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return checkRun(opts)
		},
	}
	opts.addFlags(c)
	opts.addDBFlags(c)
	opts.addProbeFlags(c)
	c.Flags().BoolVar(&opts.Ephemeral, "ephemeral", false, "apply the migrations to a throwaway PostgreSQL and inspect that (needs PostgreSQL server binaries or Docker)")
	c.Flags().StringVar(&opts.Preset, "preset", "auto", "with --ephemeral, the platform `NAME` to create before the migrations: auto|none|supabase (auto: supabase for the supabase/migrations layout or probe.preset supabase)")
	return c
}

// ProbeFunc runs active probes against the database inspected by check
// and returns what they found. It is the seam where `tenantguard probe`
// plugs into check; nil means no probes run. A *probe.ErrConfig (no role
// to act as) leaves the rest of the report standing.
type ProbeFunc func(ctx context.Context, conn *pgx.Conn, live *model.Catalog, cfg *lint.Config, opts probe.Options) (*probe.Result, error)

// checkProbes runs the probes of a check (probe.go); tests replace it.
var checkProbes ProbeFunc = probeForCheck

func checkRun(opts *CheckOptions) error {
	f := opts.Factory
	if err := opts.validate(); err != nil {
		return err
	}
	if err := opts.validateProbeFlags(); err != nil {
		return err
	}
	if opts.Ephemeral && opts.DB != "" {
		return errors.New("--db and --ephemeral cannot be used together: inspect a live database, or a throwaway one built from the migrations")
	}
	if _, err := ephemeral.PresetFor(opts.Preset, nil, ""); err != nil {
		return fmt.Errorf("--preset: %w", err)
	}
	if !opts.Ephemeral && opts.Preset != "auto" {
		return errors.New("--preset applies to --ephemeral only")
	}
	url := ""
	if !opts.Ephemeral {
		if url = opts.dbURL(f); url == "" {
			return errors.New("check needs a database: --db URL (or DATABASE_URL), or --ephemeral to apply the migrations to a throwaway PostgreSQL; to check the files alone use `tenantguard lint`")
		}
	}
	dir, cfg, err := opts.loadConfig(f)
	if err != nil {
		return err
	}
	opts.apply(&cfg)
	st, err := staticSide(dir, opts.Paths, opts.Ephemeral, &cfg)
	if err != nil {
		return err
	}
	ctx, stop := interruptible()
	defer stop()

	var out *checkResult
	if opts.Ephemeral {
		out, err = checkEphemeral(ctx, opts, st, &cfg)
	} else {
		out, err = checkLive(ctx, opts, url, st, &cfg)
	}
	if err != nil {
		return err
	}
	warnReadOnly(f, out.probe)
	r := out.report(st)
	err = writeReport(f, &opts.outputOptions, r)
	if err != nil && !errors.Is(err, ErrFindings) {
		return err
	}
	if len(st.problems) > 0 {
		return fmt.Errorf("could not read %d %s (first: %s: %v); the report covers the rest",
			len(st.problems), plural(len(st.problems), "file"), st.problems[0].Path, st.problems[0].Err)
	}
	if out.partial != nil {
		return incomplete(out.target, out.partial)
	}
	if out.probeErr != nil {
		return fmt.Errorf("%s: %w; the report covers lint and inspect", out.target, out.probeErr)
	}
	if err := notProbedError(out.probe); err != nil {
		return err
	}
	return err
}

// static is the lint side of a check: the migrations, their model and
// what the rules found in it.
type static struct {
	migs     []discover.Migration
	problems []discover.Problem
	cat      *model.Catalog
	res      *lint.Result
	notes    []string
}

// staticSide discovers and lints the migrations. With --db and no PATH, a
// project without a default migration folder is inspected alone.
func staticSide(dir string, paths []string, required bool, cfg *lint.Config) (*static, error) {
	migs, problems, err := discover.Discover(paths, discover.Options{Dir: dir})
	if err != nil {
		if len(paths) == 0 && !required && !anyDefaultFolder(dir) {
			return &static{cat: model.NewCatalog(model.FromMigrations), res: &lint.Result{},
				notes: []string{"no migration folder found (" + strings.Join(discover.DefaultFolders, ", ") + "): the database is inspected alone"}}, nil
		}
		return nil, err
	}
	files := make([]*source.File, len(migs))
	for i, m := range migs {
		files[i] = m.File
	}
	cat := ddl.Load(files)
	return &static{migs: migs, problems: problems, cat: cat, res: lint.Run(cat, cfg, rules.All()), notes: notesOf(cat, "")}, nil
}

// anyDefaultFolder reports whether one of the default migration folders
// exists in dir (a problem with it is then the user's to know about).
func anyDefaultFolder(dir string) bool {
	for _, d := range discover.DefaultFolders {
		if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(d))); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}

// checkResult is the live side of a check.
type checkResult struct {
	target  target
	live    *model.Catalog
	res     *lint.Result
	partial *introspect.PartialError
	// probe is what the probes found (nil when they did not run), and
	// probeErr why they could not run.
	probe    *probe.Result
	probeErr error
	notes    []string
	// ephemeral: the database was built from the migrations.
	ephemeral bool
}

func checkLive(ctx context.Context, opts *CheckOptions, url string, st *static, cfg *lint.Config) (*checkResult, error) {
	conn, t, err := connectDB(ctx, url, &opts.dbOptions)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return inspectFor(ctx, conn, t, st, cfg, opts)
}

func checkEphemeral(ctx context.Context, opts *CheckOptions, st *static, cfg *lint.Config) (*checkResult, error) {
	preset, err := ephemeral.PresetFor(opts.Preset, st.migs, cfg.Probe.Preset)
	if err != nil {
		return nil, err
	}
	if preset == ephemeral.PresetSupabase && cfg.Probe.Preset == "" && cfg.Probe.Role == "" {
		// The application's roles are Supabase's (role-bypasses-rls).
		cfg.Probe.Preset = ephemeral.PresetSupabase
	}
	var notes []string
	var out *checkResult
	err = ephemeral.Run(ctx, ephemeral.Options{
		Preset:     preset,
		Migrations: st.migs,
		Roles:      ephemeral.ImplicitRoles(st.cat),
		Notes:      func(n string) { notes = append(notes, "ephemeral: "+n) },
	}, func(ctx context.Context, db ephemeral.Database) error {
		conn, t, err := connectDB(ctx, db.URL, &opts.dbOptions)
		if err != nil {
			return err
		}
		defer conn.Close(context.WithoutCancel(ctx))
		t.label = "the throwaway server"
		out, err = inspectFor(ctx, conn, t, st, cfg, opts)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("--ephemeral: %w", err)
	}
	out.notes = append(notes, out.notes...)
	out.ephemeral = true
	return out, nil
}

// inspectFor reads the database, maps its objects to the migrations that
// created them, runs the rules, and runs the probes when they exist.
func inspectFor(ctx context.Context, conn *pgx.Conn, t target, st *static, cfg *lint.Config, opts *CheckOptions) (*checkResult, error) {
	o := &opts.dbOptions
	live, partial, err := readDatabase(ctx, conn, t, cfg, o)
	if err != nil {
		return nil, err
	}
	introspect.Locate(live, st.cat)
	res := lint.Run(live, cfg, rules.All())
	dropped, err := withoutUnread(res, partial)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t, err)
	}
	out := &checkResult{target: t, live: live, partial: partial, res: res,
		notes: append(notesOf(live, "inspect: "), dropped...)}
	if checkProbes != nil {
		out.probe, err = checkProbes(ctx, conn, live, cfg, probe.Options{ReadOnly: opts.ReadOnly})
		var ce *probe.ErrConfig
		switch {
		case errors.As(err, &ce):
			out.probe, out.probeErr = nil, err
		case err != nil:
			return nil, fmt.Errorf("%s: %w", t, err)
		}
	}
	return out, nil
}

// unconfirmed is the detail added to lint findings the database does not
// show ("" when the database could not be read whole: its silence proves
// nothing).
func (c *checkResult) unconfirmed() string {
	switch {
	case c.partial != nil:
		return ""
	case c.ephemeral:
		return "not found on the database the migrations built: the static analysis of the files and PostgreSQL disagree here"
	}
	return "not found on the database inspected: fixed there by hand, or not every migration was applied there"
}

// report merges the two sides into one report.
func (c *checkResult) report(st *static) *report.Report {
	r := &report.Report{
		Tool:     Tool(),
		Kind:     "check",
		Findings: mergeFindings(st.res.Findings, c.res.Findings, st.res.Rules, c.unconfirmed()),
		Checks:   mergeChecks(st.res.Checks, c.res.Checks),
		Rules:    mergeRules(st.res.Rules, c.res.Rules),
		RuleTime: map[string]time.Duration{},
		Files:    len(st.migs),
		Notes:    append(append([]string(nil), st.notes...), c.notes...),
	}
	for _, res := range []*lint.Result{st.res, c.res} {
		for k, v := range res.RuleTime {
			r.RuleTime[k] += v
		}
	}
	c.addProbes(r)
	lint.SortFindings(r.Findings)
	for _, p := range st.problems {
		r.Problems = append(r.Problems, report.Problem{Path: p.Path, Message: p.Err.Error()})
	}
	r.Problems = append(r.Problems, unreadProblems(c.target, c.partial)...)
	r.Problems = append(r.Problems, notProbedProblems(c.probe)...)
	return r
}

// Sources of merged findings.
const (
	sourceBoth = "lint+inspect"
)

// verdictKey identifies a finding across lint and inspect: its rule and
// object.
type verdictKey struct{ rule, object string }

// mergeFindings keeps every lint finding and the inspect findings lint
// did not make. When both report a rule on an object, the lint finding
// (with its file and line) stays, marked lint+inspect. A migration that
// switched RLS off (rls-disabled-by-migration) is what the database shows
// as rls-disabled or rls-not-forced on that table. Lint findings of rules
// that ran on both sides but that the database does not show say so
// (unconfirmed, when not "").
func mergeFindings(lintF, liveF []lint.Finding, lintRules []*lint.Rule, unconfirmed string) []lint.Finding {
	live := map[verdictKey]bool{}
	for _, f := range liveF {
		live[verdictKey{f.Rule, f.Object}] = true
	}
	both := map[string]bool{}
	for _, r := range lintRules {
		both[r.Name] = r.AppliesTo(model.FromDatabase)
	}
	confirmed := map[verdictKey]bool{}
	out := make([]lint.Finding, 0, len(lintF)+len(liveF))
	for _, f := range lintF {
		keys := []verdictKey{{f.Rule, f.Object}}
		if f.Rule == rules.RLSDisabledByMigration.Name {
			keys = []verdictKey{{rules.RLSDisabled.Name, f.Object}, {rules.RLSNotForced.Name, f.Object}}
		}
		seen := false
		for _, k := range keys {
			if live[k] {
				seen, confirmed[k] = true, true
			}
		}
		switch {
		case seen:
			f.Source = sourceBoth
		case both[f.Rule] && unconfirmed != "":
			f.Detail = strings.TrimSpace(f.Detail + "\n" + unconfirmed)
		}
		out = append(out, f)
	}
	for _, f := range liveF {
		if f.Rule == lint.BadIgnoreRule || confirmed[verdictKey{f.Rule, f.Object}] {
			continue // ignore comments are lint's to judge
		}
		out = append(out, f)
	}
	return out
}

// mergeChecks lists each rule and object once, with a file when either
// side has one.
func mergeChecks(a, b []lint.Check) []lint.Check {
	index := map[verdictKey]int{}
	var out []lint.Check
	for _, c := range append(append([]lint.Check(nil), a...), b...) {
		k := verdictKey{c.Rule, c.Object}
		if i, ok := index[k]; ok {
			if out[i].File == "" && c.File != "" {
				out[i] = c
			}
			continue
		}
		index[k] = len(out)
		out = append(out, c)
	}
	return out
}

// mergeRules lists each rule that ran once, in order.
func mergeRules(lists ...[]*lint.Rule) []*lint.Rule {
	seen := map[string]bool{}
	var out []*lint.Rule
	for _, l := range lists {
		for _, r := range l {
			if !seen[r.Name] {
				seen[r.Name] = true
				out = append(out, r)
			}
		}
	}
	return out
}
