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
	"github.com/tenantguard/tenantguard/probe"
	"github.com/tenantguard/tenantguard/report"
)

// ProbeOptions are the inputs of `tenantguard probe`.
type ProbeOptions struct {
	Factory *Factory
	outputOptions
	dbOptions
	// Role, TenantSetting, Preset and Tenants override the config's
	// probe section.
	Role          string
	TenantSetting string
	Preset        string
	Tenants       []string
	ReadOnly      bool
	Timeout       time.Duration
	LockTimeout   time.Duration
	Parallel      int
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
  tenantguard probe --db "$REPLICA_URL" --read-only --format junit -o probe.xml`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("probe reads a database, not files (got %q): to lint the migrations too use `tenantguard check %s --db URL`",
					args[0], strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return probeRun(opts)
		},
	}
	opts.addFlags(c)
	opts.addDBFlags(c)
	fl := c.Flags()
	fl.StringVar(&opts.Role, "role", "", "the role your application connects as (probe.role)")
	fl.StringVar(&opts.TenantSetting, "tenant-setting", "", "the setting your application puts the tenant in, e.g. app.current_tenant (probe.tenant_setting)")
	fl.StringVar(&opts.Preset, "preset", "", "act as Supabase requests do: supabase (probe.preset)")
	fl.StringSliceVar(&opts.Tenants, "tenants", nil, "two tenant ids to probe with, A,B (probe.tenants; default: found in the data)")
	fl.BoolVar(&opts.ReadOnly, "read-only", false, "never write, even in a rolled-back transaction: no seeding, no write or delete checks")
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
	if len(o.Tenants) > 0 && len(o.Tenants) != 2 {
		return fmt.Errorf("--tenants: give exactly two tenant ids, A,B (got %d)", len(o.Tenants))
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
	if o.Role != "" {
		cfg.Probe.Role = o.Role
	}
	if o.TenantSetting != "" {
		cfg.Probe.TenantSetting = o.TenantSetting
		cfg.Probe.Preset = ""
	}
	if o.Preset != "" {
		cfg.Probe.Preset = strings.ToLower(o.Preset)
	}
	if len(o.Tenants) == 2 {
		cfg.Probe.Tenants = o.Tenants
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
	dir, err := f.Getwd()
	if err != nil {
		return err
	}
	cfg, _, err := loadConfig(opts.ConfigPath, dir)
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
	if res.ReadOnly && res.ReadOnlyReason != "--read-only" {
		fmt.Fprintf(f.IO.ErrOut, "tenantguard: %s: probing read-only (no rows seeded; write and delete checks skipped)\n", res.ReadOnlyReason)
	}
	r := &report.Report{
		Tool:     Tool(),
		Kind:     "probe",
		Findings: res.Findings,
		Checks:   res.Checks,
		Rules:    res.Rules,
		Notes:    append(notesOf(cat, "inspect: "), probeNotes(res)...),
	}
	if partial != nil {
		r.Notes = append(r.Notes, "inspect: "+partial.Error()+": the probe may have missed memberships or settings the unread objects hold")
	}
	for _, np := range res.NotProbed {
		r.Problems = append(r.Problems, report.Problem{Path: np.Object, Message: np.Reason})
	}
	err = writeReport(f, &opts.outputOptions, r)
	if err != nil && !errors.Is(err, ErrFindings) {
		return err
	}
	if n := len(res.NotProbed); n > 0 {
		return fmt.Errorf("could not probe %d %s (first: %s: %s); the report covers the rest",
			n, plural(n, "table"), res.NotProbed[0].Object, strings.TrimPrefix(res.NotProbed[0].Reason, "not probed: "))
	}
	return err
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
// it inspected, with the configuration's probe settings (the ProbeFunc
// seam of check.go). The seam carries findings and rules only: tables
// that could not be probed are not reported by check.
func probeForCheck(ctx context.Context, conn *pgx.Conn, live *model.Catalog, cfg *lint.Config) ([]lint.Finding, []*lint.Rule, error) {
	res, err := runProbe(ctx, conn.Config(), live, cfg, probe.Options{InferRole: true})
	if err != nil {
		return nil, nil, fmt.Errorf("probe: %w", err)
	}
	return res.Findings, res.Rules, nil
}
