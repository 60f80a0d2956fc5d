package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/spf13/cobra"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/report"
	"github.com/tenantguard/tenantguard/rules"
)

// InspectOptions are the inputs of `tenantguard inspect`.
type InspectOptions struct {
	Factory *Factory
	outputOptions
	dbOptions
}

func newCmdInspect(f *Factory, runF func(*InspectOptions) error) *cobra.Command {
	opts := &InspectOptions{Factory: f}
	c := &cobra.Command{
		Use:   "inspect --db URL",
		Short: "Check a live database's catalog with the same rules (read-only)",
		Long: `Read the schema of a live database (tables, row level security, policies,
views, functions, grants, roles, owners) and run the same rules as lint on
what is really deployed, including what migrations cannot show: roles and
their attributes, owners, grants made by hand or by the platform, and what
DO blocks did. The live-only rule role-bypasses-rls runs here.

tenantguard opens one connection and reads the catalog in one read-only
transaction with a fixed number of queries; an ordinary role with no special
privilege can run it. Findings name the object (schema.name) and have no
file: use ` + "`tenantguard check PATH --db URL`" + ` to map them back to the
migration that created each object.

The database comes from --db or DATABASE_URL; a password may be in the URL,
in PGPASSWORD or in ~/.pgpass, and never appears in any output.`,
		Example: `  tenantguard inspect --db postgres://auditor@db.internal:5432/app
  DATABASE_URL=postgres://auditor@localhost/app tenantguard inspect --format json -o live.json

  # SARIF for code scanning, JUnit for the release pipeline, in one run
  tenantguard inspect --db "$STAGING_URL" --format sarif -o tenantguard.sarif --report junit=tenantguard.xml`,
		Args: databaseOnly("inspect", "to map live findings to migrations"),
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return inspectRun(opts)
		},
	}
	opts.addFlags(c)
	opts.addDBFlags(c)
	return c
}

// databaseOnly refuses file arguments to a command that reads only a
// database, pointing at check, which takes both.
func databaseOnly(command, why string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%s reads a database, not files (got %q): %s use `tenantguard check %s --db URL`",
				command, args[0], why, strings.Join(args, " "))
		}
		return nil
	}
}

func inspectRun(opts *InspectOptions) error {
	f := opts.Factory
	if err := opts.validate(); err != nil {
		return err
	}
	_, cfg, err := opts.loadConfig(f)
	if err != nil {
		return err
	}
	url := opts.dbURL(f)
	if url == "" {
		return errors.New("inspect needs a database: --db URL, or set DATABASE_URL")
	}
	ctx, stop := interruptible()
	defer stop()
	conn, t, err := connectDB(ctx, url, &opts.dbOptions)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	cat, partial, err := readDatabase(ctx, conn, t, &cfg, &opts.dbOptions)
	if err != nil {
		return err
	}
	res := lint.Run(cat, &cfg, rules.All())
	notes, err := withoutUnread(res, partial)
	if err != nil {
		return fmt.Errorf("%s: %w", t, err)
	}
	r := &report.Report{
		Tool:     Tool(),
		Kind:     "inspect",
		Findings: res.Findings,
		Checks:   res.Checks,
		Rules:    res.Rules,
		RuleTime: res.RuleTime,
		Notes:    append(notesOf(cat, ""), notes...),
	}
	r.Problems = unreadProblems(t, partial)
	err = writeReport(f, &opts.outputOptions, r)
	if err != nil && !errors.Is(err, ErrFindings) {
		return err
	}
	if partial != nil {
		return incomplete(t, partial)
	}
	return err
}

// unreadProblems lists what could not be read as report problems.
func unreadProblems(t target, partial *introspect.PartialError) []report.Problem {
	if partial == nil {
		return nil
	}
	var out []report.Problem
	for _, u := range partial.Unread {
		out = append(out, report.Problem{Path: t.String() + " (" + u.What + ")", Message: pgMessage(u.Err)})
	}
	return out
}

// incomplete is the error of a run whose report is out but which could
// not read everything.
func incomplete(t target, partial *introspect.PartialError) error {
	var what []string
	for _, u := range partial.Unread {
		what = append(what, u.What)
	}
	return fmt.Errorf("%s: could not read %s (%s); the report covers the rest",
		t, joinAnd(what), pgMessage(partial.Unread[0].Err))
}

// unreadNeeds lists, per kind of object a partial read missed, the rules
// whose verdicts need that kind ("policy-" stands for every policy-*
// rule). Without it they would report what is merely unread (no policy,
// no grant) as a mistake.
var unreadNeeds = map[string][]string{
	"partitions and inheritance": {"rls-disabled"},
	"indexes":                    {"tenant-column-unindexed"},
	"policies":                   {"rls-no-policy", "policy-", "team-scope-unenforced"},
	"view dependencies":          {"view-bypasses-rls", "matview-exposes-tenant-data"},
	"functions":                  {"policy-", "security-definer-unsafe"},
	"roles":                      {"role-bypasses-rls"},
	"role memberships":           {"role-bypasses-rls"},
}

// unreadEssential are the kinds without which tenant tables cannot be
// told apart at all.
var unreadEssential = map[string]bool{"tables and views": true, "columns": true, "constraints": true}

// withoutUnread drops from res the findings and checks of rules that
// needed what a partial read missed, and says which were not checked.
func withoutUnread(res *lint.Result, partial *introspect.PartialError) ([]string, error) {
	if partial == nil {
		return nil, nil
	}
	var prefixes []string
	for _, u := range partial.Unread {
		if unreadEssential[u.What] {
			return nil, fmt.Errorf("could not read %s (%s): tenant tables cannot be told apart without them", u.What, pgMessage(u.Err))
		}
		prefixes = append(prefixes, unreadNeeds[u.What]...)
	}
	drop := func(rule string) bool {
		for _, p := range prefixes {
			if rule == p || strings.HasSuffix(p, "-") && strings.HasPrefix(rule, p) {
				return true
			}
		}
		return false
	}
	var dropped []string
	keepF := res.Findings[:0]
	for _, f := range res.Findings {
		if !drop(f.Rule) {
			keepF = append(keepF, f)
		}
	}
	res.Findings = keepF
	keepC := res.Checks[:0]
	for _, c := range res.Checks {
		if !drop(c.Rule) {
			keepC = append(keepC, c)
		}
	}
	res.Checks = keepC
	keepR := res.Rules[:0]
	for _, r := range res.Rules {
		if drop(r.Name) {
			dropped = append(dropped, r.Name)
		} else {
			keepR = append(keepR, r)
		}
	}
	res.Rules = keepR
	if len(dropped) == 0 {
		return nil, nil
	}
	return []string{"not checked, for what could not be read: " + strings.Join(dropped, ", ")}, nil
}

// pgMessage is a server error's message without pgx's "ERROR: " prefix.
func pgMessage(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message + " (SQLSTATE " + pe.Code + ")"
	}
	return err.Error()
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	out := items[0]
	for i := 1; i < len(items)-1; i++ {
		out += ", " + items[i]
	}
	return out + " and " + items[len(items)-1]
}
