package linttest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/linttest"
)

// fakeT records what linttest reports instead of failing the real test.
// Methods linttest does not use are left to the nil embedded TB (they
// panic, which fails the test loudly).
type fakeT struct {
	testing.TB
	errors []string
	fatal  bool
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeT) Fatalf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
	f.fatal = true
	panic(f) // unwound by capture, as runtime.Goexit would end a test
}

// capture runs fn with a fake TB and returns what it reported.
func capture(fn func(t testing.TB)) *fakeT {
	ft := &fakeT{}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil && r != any(ft) {
				panic(r)
			}
		}()
		fn(ft)
	}()
	wg.Wait()
	return ft
}

// tableRule reports each tenant table; columnRule each tenant column.
var tableRule = &lint.Rule{Name: "tenant-table", Code: "TST001", Severity: lint.Error, Scope: lint.ScopeTenantTables,
	Run: func(p *lint.Pass) {
		for _, t := range p.TenantTables(p.Catalog) {
			p.Reportf(t.Span, lint.TableObject(t), "tenant table %s", t.QName())
		}
	}}

var columnRule = &lint.Rule{Name: "tenant-column", Code: "TST002", Severity: lint.Warning, Scope: lint.ScopeTenantTables,
	Run: func(p *lint.Pass) {
		for _, t := range p.TenantTables(p.Catalog) {
			col, _ := p.TenantColumn(t)
			p.Reportf(t.Span, lint.TableObject(t), "tenant column %s of %s", col, t.QName())
		}
	}}

var badIgnore = &lint.Rule{Name: lint.BadIgnoreRule, Code: "TST009", Severity: lint.Warning, Scope: lint.ScopeFiles}

func writeFixture(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRunAllMet(t *testing.T) {
	dir := writeFixture(t, map[string]string{"f.sql": `
CREATE TABLE a (org_id uuid); -- want "tenant table public.a" "tenant column org_id of public.a"
CREATE TABLE b (id int);
-- tenantguard:ignore tenant-table,tenant-column reporting only
CREATE TABLE c (org_id uuid); -- want-suppressed "tenant table public.c" "tenant column org_id of public.c"
CREATE TABLE d (org_id uuid); -- tenantguard:ignore tenant-table,tenant-column reason -- want-suppressed ` + "`public\\.d$`" + `
`})
	ft := capture(func(tb testing.TB) {
		res := linttest.Run(tb, filepath.Join(dir, "f.sql"), nil, tableRule, columnRule, badIgnore)
		if len(res.Findings) != 6 {
			tb.Errorf("result has %d findings, want 6", len(res.Findings))
		}
	})
	if len(ft.errors) != 0 {
		t.Errorf("unexpected reports:\n%s", strings.Join(ft.errors, "\n"))
	}
}

func TestRunReportsUnexpectedAndUnmet(t *testing.T) {
	dir := writeFixture(t, map[string]string{"f.sql": `CREATE TABLE a (org_id uuid); -- want "tenant table public.a"
CREATE TABLE b (id int); -- want "nothing reports this"
CREATE TABLE c (org_id uuid); -- want-suppressed "public.c"
CREATE TABLE d (org_id uuid); -- want "public.d" "public.d"
`})
	ft := capture(func(tb testing.TB) {
		linttest.Run(tb, filepath.Join(dir, "f.sql"), nil, tableRule, badIgnore)
	})
	f := filepath.ToSlash(filepath.Join(dir, "f.sql"))
	want := []string{
		f + `:2: no finding matching "nothing reports this"`,
		f + `:3: no suppressed finding matching "public.c"`,
		f + `:4: no finding matching "public.d"`,
		f + ":3:1: unexpected finding tenant-table: tenant table public.c",
	}
	if ft.fatal {
		t.Fatalf("Fatalf called: %q", ft.errors)
	}
	for _, w := range want {
		found := false
		for _, e := range ft.errors {
			found = found || e == w
		}
		if !found {
			t.Errorf("missing report %q; got:\n%s", w, strings.Join(ft.errors, "\n"))
		}
	}
	if len(ft.errors) != len(want) {
		t.Errorf("%d reports, want %d:\n%s", len(ft.errors), len(want), strings.Join(ft.errors, "\n"))
	}
}

func TestRunRegexpMustMatchMessage(t *testing.T) {
	// A want on the right line whose regexp does not match leaves both an
	// unexpected finding and an unmet expectation.
	dir := writeFixture(t, map[string]string{"f.sql": "CREATE TABLE a (org_id uuid); -- want `^tenant table public\\.b$`\n"})
	ft := capture(func(tb testing.TB) { linttest.Run(tb, filepath.Join(dir, "f.sql"), nil, tableRule) })
	if len(ft.errors) != 2 || !strings.Contains(ft.errors[0], "unexpected finding") || !strings.Contains(ft.errors[1], "no finding matching") {
		t.Errorf("reports = %q", ft.errors)
	}
}

func TestRunWrongLine(t *testing.T) {
	dir := writeFixture(t, map[string]string{"f.sql": "-- want \"public.a\"\nCREATE TABLE a (org_id uuid);\n"})
	ft := capture(func(tb testing.TB) { linttest.Run(tb, filepath.Join(dir, "f.sql"), nil, tableRule) })
	if len(ft.errors) != 2 {
		t.Errorf("a want on the line above must not match: %q", ft.errors)
	}
}

func TestRunFolderInNameOrder(t *testing.T) {
	// 2_b.sql enables RLS... on a table 1_a.sql creates: order matters,
	// and expectations are matched per file.
	dir := writeFixture(t, map[string]string{
		"1_a.sql":   "CREATE TABLE a (org_id uuid); -- want \"public.a\"\n",
		"2_b.sql":   "CREATE TABLE b (org_id uuid); -- want \"public.b\"\nDROP TABLE a;\n",
		"notes.txt": "-- want \"never read\"\n",
	})
	ft := capture(func(tb testing.TB) { linttest.Run(tb, dir, nil, tableRule) })
	if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], `1_a.sql:1: no finding matching "public.a"`) {
		t.Errorf("reports = %q (public.a is dropped by the later file)", ft.errors)
	}
}

func TestRunConfig(t *testing.T) {
	dir := writeFixture(t, map[string]string{"f.sql": "CREATE TABLE a (customer uuid); -- want \"public.a\"\n"})
	cfg := lint.DefaultConfig()
	cfg.TenantColumns = []string{"customer"}
	ft := capture(func(tb testing.TB) { linttest.Run(tb, filepath.Join(dir, "f.sql"), &cfg, tableRule) })
	if len(ft.errors) != 0 {
		t.Errorf("reports = %q", ft.errors)
	}
}

func TestFixtureErrors(t *testing.T) {
	tests := map[string]struct {
		files map[string]string
		path  string
		want  string
	}{
		"unquoted pattern":   {map[string]string{"f.sql": "SELECT 1; -- want public.a\n"}, "f.sql", "bad want comment"},
		"unclosed quote":     {map[string]string{"f.sql": "SELECT 1; -- want \"public.a\n"}, "f.sql", "bad want comment"},
		"empty want":         {map[string]string{"f.sql": "SELECT 1; -- want   \n"}, "f.sql", "bad want comment"},
		"bad regexp":         {map[string]string{"f.sql": "SELECT 1; -- want \"(\"\n"}, "f.sql", "bad regexp"},
		"missing fixture":    {nil, "nope.sql", "linttest:"},
		"folder without sql": {map[string]string{"x.txt": ""}, ".", "no .sql files"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := writeFixture(t, tt.files)
			ft := capture(func(tb testing.TB) { linttest.Run(tb, filepath.Join(dir, tt.path), nil, tableRule) })
			if !ft.fatal || len(ft.errors) != 1 || !strings.Contains(ft.errors[0], tt.want) {
				t.Errorf("fatal %v, reports %q; want one fatal containing %q", ft.fatal, ft.errors, tt.want)
			}
		})
	}
}
