package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/rules"
)

// RulesOptions are the inputs of `tenantguard rules`.
type RulesOptions struct {
	Factory *Factory
	Name    string
}

func newCmdRules(f *Factory, runF func(*RulesOptions) error) *cobra.Command {
	opts := &RulesOptions{Factory: f}
	return &cobra.Command{
		Use:   "rules [NAME]",
		Short: "List the rules, or print one rule's documentation",
		Long: `Without NAME, list every rule with its code, default severity and summary.
With NAME (or a code such as RLS002), print the rule's documentation: what
goes wrong for a customer, and bad and good SQL.`,
		Example: `  tenantguard rules
  tenantguard rules rls-not-forced
  tenantguard rules RLS002`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return rulesRun(opts)
		},
	}
}

func rulesRun(opts *RulesOptions) error {
	out := opts.Factory.IO.Out
	if opts.Name == "" {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCODE\tSEVERITY\tSUMMARY")
		for _, r := range rules.All() {
			summary := r.Summary
			if r.Probe {
				summary = "(probe) " + summary
			} else if len(r.Origins) == 1 && r.Origins[0] == "inspect" {
				summary = "(live) " + summary
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Code, r.Severity, summary)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintln(out, "\nRun `tenantguard rules NAME` for a rule's documentation.")
		return err
	}
	r := findRule(opts.Name)
	if r == nil {
		if c := rules.Closest(opts.Name); c != "" {
			return fmt.Errorf("unknown rule %q: did you mean %s? (run `tenantguard rules` for the list)", opts.Name, c)
		}
		return fmt.Errorf("unknown rule %q (run `tenantguard rules` for the list)", opts.Name)
	}
	_, err := fmt.Fprint(out, r.Doc)
	return err
}

// findRule looks a rule up by name or code.
func findRule(name string) *lint.Rule {
	if r := rules.Lookup(name); r != nil {
		return r
	}
	for _, r := range rules.All() {
		if strings.EqualFold(r.Code, name) {
			return r
		}
	}
	return nil
}
