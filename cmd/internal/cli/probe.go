package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
	"github.com/tenantguard/tenantguard/probe"
	"github.com/tenantguard/tenantguard/report"
)

// ProbeOptions are the inputs of `tenantguard probe`.
type ProbeOptions struct {
	Factory *Factory
	outputOptions
	dbOptions
	probeFlags
	// Preset overrides probe.preset (check's --preset is another thing:
	// what a throwaway server gets).
	Preset      string
	Timeout     time.Duration
	LockTimeout time.Duration
	Parallel    int
}

// probeFlags are the probe flags `probe` and `check` share: Role,
// TenantSetting and Tenants override the config's probe section.
type probeFlags struct {
	Role          string
	TenantSetting string
	Tenants       []string
	ReadOnly      bool
}

func (o *probeFlags) addProbeFlags(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&o.Role, "role", "", "the role your application connects as, for the probes (probe.role)")
	fl.StringVar(&o.TenantSetting, "tenant-setting", "", "the setting your application puts the tenant in, e.g. app.current_tenant (probe.tenant_setting)")
	fl.StringSliceVar(&o.Tenants, "tenants", nil, "two tenant ids to probe with, A,B (probe.tenants; default: found in the data)")
	fl.BoolVar(&o.ReadOnly, "read-only", false, "probes never write, even in a rolled-back transaction: no seeding, no write or delete checks")
}

func (o *probeFlags) validateProbeFlags() error {
	if len(o.Tenants) > 0 && len(o.Tenants) != 2 {
		return fmt.Errorf("--tenants: give exactly two tenant ids, A,B (got %d)", len(o.Tenants))
	}
	if len(o.Tenants) == 2 && o.Tenants[0] == o.Tenants[1] {
		return fmt.Errorf("--tenants: give two different tenant ids (got %q twice)", o.Tenants[0])
	}
	return nil
}

// apply lets the flags win over the config file.
func (o *probeFlags) apply(cfg *lint.Config) {
	if o.Role != "" {
		cfg.Probe.Role = o.Role
	}
	if o.TenantSetting != "" {
		cfg.Probe.TenantSetting = o.TenantSetting
		cfg.Probe.Preset = ""
	}
	if len(o.Tenants) == 2 {
		cfg.Probe.Tenants = o.Tenants
	}
}

func newCmdProbe(f *Factory, runF func(*ProbeOptions) error) *cobra.Command {
	opts := &ProbeOptions{Factory: f}
	c := &cobra.Command{
		Use:   "probe --db URL",
		Short: "Try to cross tenants on a live database, as your application, and roll everything back",
		Long: `Connect to a database and try, for real, what the rules can only suspect.
For each tenant-scoped table, acting as your application for tenant A (the
probe role with the tenant setting, or Supabase JWT claims of a member of A),
the probe tries to read tenant B's rows, insert a row for B, move a row of A
to B, update and delete B's rows, read with no tenant set, read as the
table's owner, read with forged user_metadata (Supabase) and read every view
over the table. Each finding names the tenants used and gives the SQL that
reproduces it (shown with --verbose, and in JSON, SARIF and JUnit).

Nothing stays: every table is probed in its own transaction that is rolled
back whatever happens, with statement_timeout, lock_timeout and
idle_in_transaction_session_timeout set. Where a table has no rows for two
tenants, rows are seeded inside that transaction (explicit values for
identity and serial columns: no sequence moves). A table locked by another
session is reported as not probed and the run goes on (exit 2 at the end).
--read-only skips seeding and the write and delete checks; a hot standby
switches to it by itself. Ctrl-C finishes the tables in progress and rolls
them back; a second Ctrl-C stops at once (the server rolls back).

The URL's user seeds rows and becomes the other roles: use a role that owns
the tables or a superuser. The probe acts as probe.role (or --role): a
superuser connection without one is refused, since a superuser sees every
row. Tenants come from probe.tenants (or --tenants A,B), else from the data.`,
		Example: `  # the application connects as app_user and sets app.current_tenant per request
  tenantguard probe --db "$STAGING_URL" --role app_user --tenant-setting app.current_tenant

  # a Supabase project (role authenticated, JWT claims), with the reproduction SQL
  tenantguard probe --db "$SUPABASE_DB_URL" --preset supabase --verbose

  # a read replica: no writes at all, even rolled back
  tenantguard probe --db "$REPLICA_URL" --read-only --format junit -o probe.xml

  # two tenants of your choice (A acts, B is the one it tries to reach)
  tenantguard probe --db "$STAGING_URL" --tenants "$ACME_ID,$GLOBEX_ID" --verbose`,
		Args: databaseOnly("probe", "to lint the migrations too"),
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return probeRun(opts)
		},
	}
	opts.addFlags(c)
	opts.addDBFlags(c)
	opts.addProbeFlags(c)
	fl := c.Flags()
	fl.StringVar(&opts.Preset, "preset", "", "act as Supabase requests do: supabase (probe.preset)")
	fl.DurationVar(&opts.Timeout, "timeout", probe.DefaultTimeout, "statement_timeout of each probe statement")
	fl.DurationVar(&opts.LockTimeout, "lock-timeout", probe.DefaultLockTimeout, "lock_timeout of each probe statement (a locked table is reported as not probed)")
	fl.IntVar(&opts.Parallel, "parallel", probe.DefaultParallel, "tables probed at once (connections)")
	return c
}

// validate checks the probe flags.
func (o *ProbeOptions) validateProbe() error {
	if o.Preset != "" && !strings.EqualFold(o.Preset, "supabase") {
		return fmt.Errorf("--preset: unknown preset %q (the only preset is supabase)", o.Preset)
	}
	if err := o.validateProbeFlags(); err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--timeout", o.Timeout}, {"--lock-timeout", o.LockTimeout}} {
		if d.v <= 0 {
			return fmt.Errorf("%s must be positive (got %s)", d.name, d.v)
		}
	}
	if o.Parallel < 1 {
		return fmt.Errorf("--parallel must be at least 1 (got %d)", o.Parallel)
	}
	return nil
}

// applyProbeFlags lets the flags win over the config file.
func (o *ProbeOptions) applyProbeFlags(cfg *lint.Config) {
	o.apply(cfg)
	if o.Preset != "" {
		cfg.Probe.Preset = strings.ToLower(o.Preset)
	}
}

func probeRun(opts *ProbeOptions) error {
	f := opts.Factory
	if err := opts.validate(); err != nil {
		return err
	}
	if err := opts.validateProbe(); err != nil {
		return err
	}
	url := opts.dbURL(f)
	if url == "" {
		return errors.New("probe needs a database: --db URL (or DATABASE_URL); to probe the migrations on a throwaway PostgreSQL use `tenantguard check --ephemeral`")
	}
	_, cfg, err := opts.loadConfig(f)
	if err != nil {
		return err
	}
	opts.applyProbeFlags(&cfg)

	ctx, stop, done := gentleInterrupt(f)
	defer done()
	conn, t, err := connectDB(ctx, url, &opts.dbOptions)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	cat, partial, err := readDatabase(ctx, conn, t, &cfg, &opts.dbOptions)
	if err != nil {
		return err
	}
	res, err := runProbe(ctx, conn.Config(), cat, &cfg, probe.Options{
		ReadOnly: opts.ReadOnly, Timeout: opts.Timeout, LockTimeout: opts.LockTimeout,
		Parallel: opts.Parallel, Stop: stop,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", t, err)
	}
	warnReadOnly(f, res)
	r := &report.Report{
		Tool:     Tool(),
		Kind:     "probe",
		Findings: res.Findings,
		Checks:   res.Checks,
		Rules:    res.Rules,
		Notes:    append(notesOf(cat, "inspect: "), probeNotes(res)...),
		Problems: notProbedProblems(res),
	}
	if partial != nil {
		r.Notes = append(r.Notes, "inspect: "+partial.Error()+": the probe may have missed memberships or settings the unread objects hold")
	}
	err = writeReport(f, &opts.outputOptions, r)
	if err != nil && !errors.Is(err, ErrFindings) {
		return err
	}
	if err := notProbedError(res); err != nil {
		return err
	}
	return err
}

// warnReadOnly says on stderr that a run switched to read-only checks by
// itself (a hot standby): fewer checks than asked for.
func warnReadOnly(f *Factory, res *probe.Result) {
	if res != nil && res.ReadOnly && res.ReadOnlyReason != "--read-only" {
		fmt.Fprintf(f.IO.ErrOut, "tenantguard: %s: probing read-only (no rows seeded; write and delete checks skipped)\n", res.ReadOnlyReason)
	}
}

// notProbedProblems lists the tables a run could not probe, for the
// report.
func notProbedProblems(res *probe.Result) []report.Problem {
	if res == nil {
		return nil
	}
	var out []report.Problem
	for _, np := range res.NotProbed {
		out = append(out, report.Problem{Path: np.Object, Message: np.Reason})
	}
	return out
}

// notProbedError is the exit-2 error of a run that could not probe every
// table (nil when it could), written after the report.
func notProbedError(res *probe.Result) error {
	if res == nil || len(res.NotProbed) == 0 {
		return nil
	}
	n := len(res.NotProbed)
	return fmt.Errorf("could not probe %d %s (first: %s: %s); the report covers the rest",
		n, plural(n, "table"), res.NotProbed[0].Object, strings.TrimPrefix(res.NotProbed[0].Reason, "not probed: "))
}

// runProbe runs the probes and turns what cannot be done into one-line
// errors.
func runProbe(ctx context.Context, cc *pgx.ConnConfig, cat *model.Catalog, cfg *lint.Config, opts probe.Options) (*probe.Result, error) {
	opts.Config, opts.Catalog = cfg, cat
	res, err := probe.Run(ctx, cc, opts)
	switch {
	case errors.Is(err, probe.ErrInterrupted):
		return nil, errors.New("interrupted: the tables in progress were finished and rolled back; nothing was left in the database")
	case err != nil && ctx.Err() != nil:
		return nil, errors.New("interrupted: the statements running were cancelled and the server rolled back their transactions")
	}
	return res, err
}

// probeNotes are the probe's remarks for --verbose.
func probeNotes(res *probe.Result) []string {
	out := []string{fmt.Sprintf("probe: %d tenant %s probed as %s", res.Tables, plural(res.Tables, "table"), res.Actor)}
	for _, n := range res.Notes {
		out = append(out, "probe: "+n)
	}
	return out
}

// gentleInterrupt returns a context and a stop channel for a probe run:
// the first SIGINT or SIGTERM closes stop (the tables in progress finish
// and roll back), the second cancels the context (the statements running
// are cancelled; the server rolls back). done releases the signals.
func gentleInterrupt(f *Factory) (ctx context.Context, stop <-chan struct{}, done func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	stopCh := make(chan struct{})
	quit := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			fmt.Fprintln(f.IO.ErrOut, "tenantguard: stopping: finishing the tables in progress and rolling them back (interrupt again to stop at once)")
			close(stopCh)
		case <-quit:
			return
		}
		select {
		case <-sigs:
			cancel()
		case <-quit:
		}
	}()
	return ctx, stopCh, func() {
		signal.Stop(sigs)
		close(quit)
		cancel()
	}
}

// probeForCheck runs the probes for `tenantguard check` on the database
// it inspected (the ProbeFunc seam of check.go). With no probe role
// configured it acts as the one role granted the tenant tables, and says
// so. Findings on objects the migrations define point at the statement
// that created them, where ignore comments apply as to lint's findings.
func probeForCheck(ctx context.Context, conn *pgx.Conn, live *model.Catalog, cfg *lint.Config, opts probe.Options) (*probe.Result, error) {
	opts.InferRole = true
	res, err := runProbe(ctx, conn.Config(), live, cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("probe: %w", err)
	}
	locateProbes(res, live)
	return res, nil
}

// addProbes adds what the probes of a check found to its report: their
// findings, the checks they made (JUnit lists those that passed), their
// rules and their notes.
func (c *checkResult) addProbes(r *report.Report) {
	res := c.probe
	if res == nil {
		return
	}
	r.Findings = append(r.Findings, res.Findings...)
	r.Checks = append(r.Checks, res.Checks...)
	r.Rules = mergeRules(r.Rules, res.Rules)
	r.Notes = append(r.Notes, probeNotes(res)...)
}

// locateProbes gives probe findings and checks the position of the CREATE
// statement of their table or view in the migrations (live.Files, after
// introspect.Locate), marks the findings an ignore comment silences, and
// fingerprints them again (the file is part of a fingerprint).
func locateProbes(res *probe.Result, live *model.Catalog) {
	spanOf := func(object string) source.Span {
		q, ok := parseQName(object)
		if !ok {
			return source.Span{}
		}
		if t := live.Table(q); t != nil {
			return t.Span
		}
		if v := live.View(q); v != nil {
			return v.Span
		}
		return source.Span{}
	}
	for i := range res.Checks {
		c := &res.Checks[i]
		if span := spanOf(c.Object); span.IsValid() {
			c.File, c.Line = span.Path(), span.StartPos().Line
		}
	}
	findings := res.Findings
	for i := range findings {
		f := &findings[i]
		span := spanOf(f.Object)
		if !span.IsValid() {
			continue
		}
		start, end := span.StartPos(), span.EndPos()
		if span.End <= span.Start {
			end = start
		}
		f.Span, f.Statement = span, lint.StatementAt(span)
		f.File, f.Line, f.Column = span.Path(), start.Line, start.Column
		f.EndLine, f.EndColumn = end.Line, end.Column
	}
	lint.Suppress(live.Files, findings)
	for i := range findings {
		findings[i].Fingerprint = lint.Fingerprint(&findings[i])
	}
}

// parseQName splits schema.name as findings print objects (unquoted, as
// PostgreSQL stores names; a name with a dot in it is left alone).
func parseQName(s string) (model.QName, bool) {
	schema, name, ok := strings.Cut(s, ".")
	if !ok || strings.Contains(name, ".") {
		return model.QName{}, false
	}
	return model.QName{Schema: schema, Name: name}, true
}
