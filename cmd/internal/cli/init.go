package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// InitOptions are the inputs of `tenantguard init`.
type InitOptions struct {
	Factory *Factory
	Paths   []string
	Output  string
	Force   bool
}

func newCmdInit(f *Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{Factory: f}
	c := &cobra.Command{
		Use:   "init [PATH...]",
		Short: "Write a commented starter tenantguard.yaml",
		Long: `Write tenantguard.yaml in the working directory. The tenant columns are
filled in from the migrations (PATH, or the default folders): columns named
like tenant columns, and foreign keys to a table that looks like the tenant
root (orgs, organizations, tenants, accounts, workspaces, companies).`,
		Example: `  tenantguard init
  tenantguard init db/migrations
  tenantguard init -o - # print instead of writing`,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
	c.Flags().StringVarP(&opts.Output, "output", "o", "tenantguard.yaml", "`FILE` to write (- for stdout)")
	c.Flags().BoolVar(&opts.Force, "force", false, "overwrite an existing file")
	return c
}

func initRun(opts *InitOptions) error {
	f := opts.Factory
	dir, err := f.Getwd()
	if err != nil {
		return err
	}
	out := opts.Output
	if out != "-" && !filepath.IsAbs(out) {
		out = filepath.Join(dir, out)
	}
	if out != "-" && !opts.Force {
		if _, err := os.Stat(out); err == nil {
			return fmt.Errorf("%s already exists (use --force to overwrite)", opts.Output)
		}
	}
	var cat *model.Catalog
	layout := discover.Layout("")
	migs, _, derr := discover.Discover(opts.Paths, discover.Options{Dir: dir})
	if derr != nil && len(opts.Paths) > 0 {
		return derr
	}
	files := make([]*source.File, len(migs))
	for i, m := range migs {
		files[i] = m.File
		layout = m.Layout
	}
	cat = ddl.Load(files)
	text := starterConfig(cat, layout == discover.LayoutSupabase)
	if err := writeTo(f.IO.Out, out, func(w io.Writer) error {
		_, err := io.WriteString(w, text)
		return err
	}); err != nil {
		return err
	}
	if opts.Output != "-" {
		fmt.Fprintf(f.IO.ErrOut, "wrote %s (%d migration files read)\n", opts.Output, len(migs))
		if derr != nil {
			fmt.Fprintf(f.IO.ErrOut, "note: %v: tenant_columns left at the defaults\n", derr)
		}
	}
	return nil
}

// rootNameRE matches table names that look like the tenant root
// (Organization, organizations, tenant, ...).
var rootNameRE = regexp.MustCompile(`(?i)^(orgs?|organi[sz]ations?|tenants?|accounts?|workspaces?|compan(y|ies)|customers?)$`)

// tenantCandidates returns tenant-like columns with the number of tables
// that have each, most common first.
func tenantCandidates(cat *model.Catalog) []string {
	count := map[string]int{}
	defaults := lint.DefaultConfig()
	for _, t := range cat.Tables() {
		seen := map[string]bool{}
		for _, c := range t.Columns {
			if defaults.LooksLikeTenantColumn(c.Name) {
				seen[c.Name] = true
			}
		}
		for _, con := range t.Constraints {
			if con.Kind == model.ForeignKey && len(con.Columns) == 1 && rootNameRE.MatchString(con.RefTable.Name) && con.RefTable != t.QName() {
				seen[con.Columns[0]] = true
			}
		}
		for c := range seen {
			count[c]++
		}
	}
	out := make([]string, 0, len(count))
	for c := range count {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if count[out[i]] != count[out[j]] {
			return count[out[i]] > count[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}

func starterConfig(cat *model.Catalog, supabase bool) string {
	cols := tenantCandidates(cat)
	var b strings.Builder
	b.WriteString("# tenantguard.yaml: what tenantguard needs to know about your tenancy.\n")
	b.WriteString("# Docs: `tenantguard rules` lists the rules; `tenantguard rules NAME` explains one.\n\n")
	b.WriteString("# Columns that mark a tenant-scoped table (found in your migrations).\n")
	if len(cols) == 0 {
		b.WriteString("# None found: these are the defaults.\n")
		cols = lint.DefaultConfig().TenantColumns
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = yamlName(c)
	}
	fmt.Fprintf(&b, "tenant_columns: [%s]\n\n", strings.Join(quoted, ", "))
	b.WriteString("# Columns that scope rows to a team inside a tenant.\n")
	b.WriteString("team_columns: [team_id]\n\n")
	b.WriteString("# Schemas to check (default: all but system and platform schemas).\n")
	b.WriteString("# schemas: [public]\n\n")
	b.WriteString("# Tables shared by every tenant on purpose (plans, countries, feature flags).\n")
	var global []string
	cfg := lint.Config{TenantColumns: cols}
	tn := lint.Classify(cat, &cfg)
	for _, t := range cat.Tables() {
		if !tn.IsTenantTable(t) && !tn.IsRoot(t.QName()) && cfg.ChecksSchema(t.Schema) && !t.Temporary {
			global = append(global, t.QName().String())
		}
	}
	if len(global) > 0 {
		b.WriteString("# These tables have no tenant column; keep the ones that are shared:\n")
		fmt.Fprintf(&b, "# global_tables: [%s]\n", strings.Join(global, ", "))
	} else {
		b.WriteString("# global_tables: [public.plans]\n")
	}
	b.WriteString("\n# Roles allowed to bypass row level security.\n")
	b.WriteString("admin_roles: [postgres, supabase_admin, service_role]\n\n")
	b.WriteString("# Helper functions trusted to scope rows to the current tenant.\n")
	b.WriteString("# tenant_functions: [public.is_org_member]\n\n")
	b.WriteString("# Change a rule's severity (error, warning, info) or turn it off.\n")
	b.WriteString("rules:\n  table-unclassified: info\n\n")
	b.WriteString("# How `tenantguard probe` acts as your application.\n")
	b.WriteString("probe:\n")
	line := func(kv, comment string) {
		fmt.Fprintf(&b, "  %-34s # %s\n", kv, comment)
	}
	if supabase {
		line("preset: supabase", "role authenticated, tenant through JWT claims")
	} else {
		role, setting := probeGuess(cat, tn)
		if role != "" {
			line("role: "+yamlName(role), "the role your application connects as (found in your policies and grants)")
		} else {
			line("role: app_user", "the role your application connects as: none found in the migrations, set it")
		}
		if setting != "" {
			line("tenant_setting: "+yamlName(setting), "the setting your policies read the current tenant from")
		} else {
			line("tenant_setting: app.current_tenant", "the setting that holds the current tenant: none found in your policies, set it")
		}
	}
	line("tenants: auto", "or two tenant ids: [id-a, id-b]")
	return b.String()
}

// probeGuess reads, from the policies on tenant tables, the setting they
// take the current tenant from (current_setting('app.tenant_id')) and the
// role they apply to; failing a policy role, a login role the migrations
// create, or the role granted the most tenant tables. Empty when unknown.
func probeGuess(cat *model.Catalog, tn *lint.Tenancy) (role, setting string) {
	admin := lint.DefaultConfig()
	settings, policyRoles, granted := map[string]int{}, map[string]int{}, map[string]int{}
	for _, t := range cat.Tables() {
		if !tn.IsTenantTable(t) {
			continue
		}
		for _, p := range t.Policies {
			for _, r := range p.Roles {
				if r != "PUBLIC" && !admin.IsAdminRole(r) && r != "anon" {
					policyRoles[r]++
				}
			}
			for _, e := range []*model.Expr{p.Using, p.WithCheck} {
				model.Walk(e, func(x *model.Expr) bool {
					if x.Kind == model.FuncCall && x.FuncName() == "current_setting" && len(x.Args) > 0 &&
						x.Args[0].Kind == model.Const && x.Args[0].Type == "string" && !strings.HasPrefix(x.Args[0].Value, "request.") {
						settings[x.Args[0].Value]++
					}
					return true
				})
			}
		}
		for _, g := range t.Grants {
			if g.Grantee != "PUBLIC" && !admin.IsAdminRole(g.Grantee) && g.Grantee != "anon" {
				granted[g.Grantee]++
			}
		}
	}
	setting = mostCommon(settings)
	if role = mostCommon(policyRoles); role != "" {
		return role, setting
	}
	logins := map[string]int{}
	for _, r := range cat.SortedRoles() {
		if r.Login && !r.Superuser && !r.BypassRLS && !admin.IsAdminRole(r.Name) {
			logins[r.Name] = 1 + granted[r.Name]
		}
	}
	if role = mostCommon(logins); role != "" {
		return role, setting
	}
	return mostCommon(granted), setting
}

// mostCommon returns the key with the highest count (the first by name on
// a tie), or "".
func mostCommon(m map[string]int) string {
	best := ""
	for k, n := range m {
		if best == "" || n > m[best] || n == m[best] && k < best {
			best = k
		}
	}
	return best
}

var plainNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)

// yamlName quotes a name that YAML would not read back as the same string.
func yamlName(s string) string {
	if plainNameRE.MatchString(s) {
		switch strings.ToLower(s) {
		case "true", "false", "yes", "no", "on", "off", "null", "y", "n":
		default:
			return s
		}
	}
	return strconv.Quote(s)
}
