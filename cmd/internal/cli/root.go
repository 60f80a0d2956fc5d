package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "tenantguard <command>",
		Short: "Keep multi-tenant PostgreSQL honest: find what lets one tenant see another's rows",
		Long: `tenantguard checks that Row Level Security really separates your customers' data.

  lint     read migration SQL (no database needed) and check the final schema
  inspect  read a live database's catalog (read-only) and check it with the same rules
  check    lint + inspect in one report: --db URL, or --ephemeral to apply the
           migrations to a throwaway PostgreSQL first
  probe    try to cross tenants on a live database as your application
           (everything rolled back)
  rules    list the rules, or explain one
  init     write a starter tenantguard.yaml

Exit status: 0 no finding at or above --fail-on; 1 findings at or above it;
2 the run could not be done (bad flag or config, unreadable path, unreachable
database, missing privilege, ...).`,
		Example: `  tenantguard lint
  tenantguard lint supabase/migrations --format json
  tenantguard check --ephemeral supabase/migrations
  tenantguard inspect --db "$DATABASE_URL"
  tenantguard rules rls-not-forced`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see `%s --help`)", err, c.CommandPath())
	})
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(
		newCmdLint(f, nil), newCmdInspect(f, nil), newCmdCheck(f, nil), newCmdProbe(f, nil),
		newCmdRules(f, nil),
		newCmdInit(f, nil),
		newCmdVersion(f),
	)
	return root
}
