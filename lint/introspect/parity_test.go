package introspect_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tenantguard/tenantguard/internal/config"
	"github.com/tenantguard/tenantguard/internal/ephemeral"
	"github.com/tenantguard/tenantguard/internal/ephemeral/ephemeraltest"
	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/ddl/discover"
	"github.com/tenantguard/tenantguard/lint/introspect"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
	"github.com/tenantguard/tenantguard/rules"
)

// parityCase is a set of migrations from testdata, with what the parity
// test must know about it.
type parityCase struct {
	name  string
	dir   string   // working directory (config is looked up from here)
	paths []string // PATHs as given to lint (nil: the default folders)
	// skip says why the migrations cannot be applied to a bare server.
	skip string
	// defaultConfig ignores the case's tenantguard.yaml (a broken one).
	defaultConfig bool
	// preset overrides the preset chosen from the layout.
	preset string
	// setup runs before the migrations (database settings they need).
	setup string
	// apply relaxes how the migrations apply; why says why.
	apply ephemeral.ApplyOptions
	why   string
	// differ lists the verdicts expected on one side only, as
	// "lint-only RULE OBJECT" or "live-only RULE OBJECT", with why.
	differ map[string]string
}

// missingTable tolerates statements on a table the files never created
// (or no longer have under that name): lint notes and ignores them, the
// server refuses them; skipping them keeps both sides the same.
var missingTable = ephemeral.ApplyOptions{Tolerate: []string{"42P01"}}

// parityExceptions holds, per case, what the parity test knows
// beforehand. Every case found in testdata is compared unless it is
// skipped here with a reason.
var parityExceptions = map[string]parityCase{
	"e2e/broken-middle": {skip: "002_oops.sql is deliberately broken (a parse error): the server refuses it, as it should"},
	"e2e/garbage":       {skip: "deliberately not SQL (random bytes, Latin-1, a NUL byte): the server refuses it, as it should"},
	"e2e/unreadable":    {skip: "a dangling symlink among the migrations: nothing can apply what cannot be read"},
	"e2e/no-sql":        {skip: "no migration files: nothing to apply"},
	"e2e/extension-objects": {skip: "needs PostGIS (a column of type extensions.geography), which this server does not have; " +
		"lint tolerates the extension's objects without knowing them"},
	"rules/parse-error": {skip: "deliberately broken SQL: the server refuses it, as it should"},
	"e2e/bad-input":     {paths: []string{"ok.sql"}},
	"e2e/bad-config":    {defaultConfig: true},

	"e2e/quoted-identifiers": {apply: missingTable, why: "ALTER TABLE Org_Members names a table that does not exist, on purpose"},
	"e2e/renames":            {apply: missingTable, why: "004 renames a column of projects after projects was renamed, on purpose"},
	"e2e/set-schema":         {apply: missingTable, why: "02 alters public.payments after moving it to billing, on purpose"},
	"e2e/pgdump": {apply: ephemeral.ApplyOptions{SkipData: true},
		why: "the dump's COPY data references an org it does not contain, so the foreign key added after it would fail; data does not change the schema"},

	"rules/policy-no-tenant-predicate": {preset: ephemeral.PresetSupabase,
		// s10 calls a helper the fixture leaves out on purpose (lint
		// trusts helpers it cannot see); a live database has its body:
		// here one that scopes to the caller's memberships.
		setup: `CREATE SCHEMA private;
		CREATE FUNCTION private.is_org_member(p_org uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
		BEGIN
			RETURN EXISTS (SELECT 1 FROM public.members m WHERE m.org_id = p_org AND m.user_id = auth.uid());
		END
		$$`},
	"rules/policy-user-metadata":   {preset: ephemeral.PresetSupabase},
	"rules/policy-write-unchecked": {preset: ephemeral.PresetSupabase},
	"rules/matview-exposes-tenant-data": {setup: `DO $$ BEGIN
		EXECUTE format('ALTER DATABASE %I SET app.current_tenant = %L', current_database(), '00000000-0000-0000-0000-000000000000');
	END $$`},

	// Policy shapes from Supabase projects: auth.uid(), auth.jwt(),
	// storage.foldername() come from the platform.
	"rules/shapes-supabase":        {preset: ephemeral.PresetSupabase},
	"rules/shapes-views-functions": {preset: ephemeral.PresetSupabase},
}

// parityCases lists every set of migrations in testdata: the e2e cases
// (the PATHs of their first lint run), the bundled examples and the rule
// fixtures.
func parityCases(t *testing.T) []parityCase {
	t.Helper()
	var out []parityCase
	add := func(c parityCase) {
		if ex, ok := parityExceptions[c.name]; ok {
			ex.name, ex.dir = c.name, c.dir
			if ex.paths == nil {
				ex.paths = c.paths
			}
			c = ex
		}
		out = append(out, c)
	}
	root := filepath.Join("..", "..")
	e2e, _ := filepath.Glob(filepath.Join(root, "testdata", "e2e", "*", "cmd"))
	for _, cmd := range e2e {
		dir := filepath.Dir(cmd)
		c := parityCase{name: "e2e/" + filepath.Base(dir), dir: dir}
		var isLint bool
		c.dir, c.paths, isLint = lintRun(t, cmd)
		if !isLint {
			// check --ephemeral cases run the migrations of another case
			// or of an example; bad-input cases have none.
			c.skip = "no `run: lint` line: the case runs other commands on migrations compared elsewhere, or on none"
			out = append(out, c)
			continue
		}
		add(c)
	}
	examples, _ := filepath.Glob(filepath.Join(root, "testdata", "examples", "*"))
	for _, ex := range examples {
		add(parityCase{name: "examples/" + filepath.Base(ex), dir: ex, paths: []string{"."}})
	}
	fixtures, _ := filepath.Glob(filepath.Join(root, "rules", "testdata", "*"))
	for _, fx := range fixtures {
		name := strings.TrimSuffix(filepath.Base(fx), ".sql")
		add(parityCase{name: "rules/" + name, dir: filepath.Dir(fx), paths: []string{filepath.Base(fx)}})
	}
	for name := range parityExceptions {
		found := false
		for _, c := range out {
			found = found || c.name == name
		}
		if !found {
			t.Errorf("parityExceptions names %s, which is not in testdata any more", name)
		}
	}
	return out
}

// lintRun returns the working directory and PATHs of a case's first
// `run: lint` line, and whether it has one.
func lintRun(t *testing.T, cmd string) (dir string, paths []string, found bool) {
	t.Helper()
	b, err := os.ReadFile(cmd)
	if err != nil {
		t.Fatal(err)
	}
	dir = filepath.Dir(cmd)
	for _, line := range strings.Split(string(b), "\n") {
		key, val, _ := strings.Cut(strings.TrimSpace(line), ":")
		val = strings.TrimSpace(val)
		switch key {
		case "dir":
			dir = filepath.Join(filepath.Dir(cmd), val)
		case "run":
			args := strings.Fields(val)
			if len(args) == 0 || args[0] != "lint" || found {
				continue
			}
			found = true
			for i := 1; i < len(args); i++ {
				switch a := args[i]; {
				case a == "-c" || a == "--config" || a == "--format" || a == "-o" || a == "--output" || a == "--fail-on" ||
					a == "--report" || a == "--baseline":
					i++
				case strings.HasPrefix(a, "-"):
				default:
					paths = append(paths, a)
				}
			}
		}
	}
	return dir, paths, found
}

// verdict is a rule firing on an object.
type verdict struct{ rule, object string }

func (v verdict) String() string { return v.rule + " " + v.object }

// TestLiveParity applies each set of migrations in testdata to a real
// PostgreSQL and checks that inspecting the result gives the same verdict
// per rule and object as linting the files. Only what DESIGN.md allows
// may differ: lint-only rules (parse-error, dynamic-sql, bad-ignore),
// rls-disabled-by-migration (which the live side sees as rls-disabled or
// rls-not-forced), live-only rules (role-bypasses-rls), and the
// differences listed per case with their reason.
func TestLiveParity(t *testing.T) {
	for _, c := range parityCases(t) {
		t.Run(c.name, func(t *testing.T) {
			if c.skip != "" {
				t.Skip(c.skip) // listed, with its reason, in parityExceptions
			}
			checkParity(t, c)
		})
	}
}

func checkParity(t *testing.T, c parityCase) {
	cfg := lint.DefaultConfig()
	if path := config.Find(c.dir); path != "" && !c.defaultConfig {
		var err error
		if cfg, err = config.Load(path, func(n string) bool { return rules.Lookup(n) != nil }); err != nil {
			t.Fatal(err)
		}
	}
	migs, problems, err := discover.Discover(c.paths, discover.Options{Dir: c.dir})
	if err != nil || len(problems) > 0 {
		t.Fatalf("discover: %v %v", err, problems)
	}
	files := make([]*source.File, len(migs))
	for i, m := range migs {
		files[i] = m.File
	}
	static := ddl.Load(files)
	lintRes := lint.Run(static, &cfg, rules.All())

	preset := c.preset
	if preset == "" {
		if preset, err = ephemeral.PresetFor("auto", migs, cfg.Probe.Preset); err != nil {
			t.Fatal(err)
		}
	}
	url := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if c.setup != "" {
		if _, err := connect(t, url).Exec(ctx, c.setup); err != nil {
			t.Fatal(err)
		}
	}
	if c.why != "" {
		t.Logf("applied with %+v: %s", c.apply, c.why)
	}
	ephemeraltest.Apply(t, url, ephemeral.Options{Preset: preset, Migrations: migs, Apply: c.apply,
		Roles: ephemeral.ImplicitRoles(static), Notes: func(n string) { t.Log(n) }})
	live, err := introspect.Read(ctx, connect(t, url), introspect.Options{Schemas: cfg.Schemas})
	if err != nil {
		t.Fatal(err)
	}
	liveRes := lint.Run(live, &cfg, rules.All())

	both := map[string]bool{}
	for _, r := range rules.All() {
		if r.AppliesTo(model.FromMigrations) && r.AppliesTo(model.FromDatabase) {
			both[r.Name] = true
		}
	}
	want := map[verdict]bool{}
	for _, f := range lintRes.Findings {
		switch {
		case both[f.Rule]:
			want[verdict{f.Rule, f.Object}] = true
		case f.Rule == "rls-disabled-by-migration":
			// Live, a table whose RLS a migration switched off is simply
			// a table without RLS (or without FORCE).
			if t := static.Table(qname(f.Object)); t != nil && !t.RLS.Enabled {
				want[verdict{"rls-disabled", f.Object}] = true
			} else {
				want[verdict{"rls-not-forced", f.Object}] = true
			}
		}
	}
	got := map[verdict]bool{}
	for _, f := range liveRes.Findings {
		if both[f.Rule] {
			got[verdict{f.Rule, f.Object}] = true
		}
	}
	var diffs []string
	for v := range want {
		if !got[v] {
			diffs = append(diffs, "lint-only "+v.String())
		}
	}
	for v := range got {
		if !want[v] {
			diffs = append(diffs, "live-only "+v.String())
		}
	}
	sort.Strings(diffs)
	for _, d := range diffs {
		why, ok := c.differ[d]
		if !ok && preset == ephemeral.PresetSupabase && strings.HasPrefix(d, "live-only grant-public-tenant-table ") {
			// Supabase's default privileges grant every new public table
			// to anon: the platform's grants, which only the live side sees.
			why, ok = "Supabase's default grants to anon", true
		}
		if ok {
			t.Logf("expected difference: %s (%s)", d, why)
			continue
		}
		t.Errorf("%s", d)
	}
	for d := range c.differ {
		found := false
		for _, x := range diffs {
			found = found || x == d
		}
		if !found {
			t.Errorf("expected difference %q did not occur: remove it from parityExceptions", d)
		}
	}
	if t.Failed() {
		t.Logf("lint:\n%s\nlive:\n%s", findings(lintRes.Findings), findings(liveRes.Findings))
	}
	if len(want) == 0 && len(got) == 0 {
		t.Logf("no findings on either side")
	}
}

func qname(s string) model.QName {
	schema, name, _ := strings.Cut(s, ".")
	return model.QName{Schema: schema, Name: name}
}

func findings(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %s:%d %s\n", f.Rule, f.Object, f.File, f.Line, f.Message)
	}
	return b.String()
}
