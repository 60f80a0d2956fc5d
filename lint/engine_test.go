package lint_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// The engine is tested with rules of its own, so that these tests do not
// move when the real rules change.

// tenantTableRule reports every tenant table at its CREATE TABLE.
var tenantTableRule = &lint.Rule{
	Name: "tenant-table", Code: "TST001", Severity: lint.Error, Scope: lint.ScopeTenantTables,
	Run: func(p *lint.Pass) {
		for _, t := range p.TenantTables(p.Catalog) {
			col, _ := p.TenantColumn(t)
			p.Reportf(t.Span, lint.TableObject(t), "tenant table %s (%s)", t.QName(), col)
		}
	},
}

// columnRule reports the tenant column of every tenant table at the
// column (a span inside a statement).
var columnRule = &lint.Rule{
	Name: "tenant-column", Code: "TST002", Severity: lint.Warning, Scope: lint.ScopeTenantTables,
	Run: func(p *lint.Pass) {
		for _, t := range p.TenantTables(p.Catalog) {
			col, _ := p.TenantColumn(t)
			p.Reportf(t.Column(col).Span, lint.TableObject(t), "column %s.%s", t.QName(), col)
		}
	},
}

// liveOnlyRule would report everything, but only runs on live catalogs.
var liveOnlyRule = &lint.Rule{
	Name: "live-only", Code: "TST003", Severity: lint.Error, Scope: lint.ScopeTables,
	Origins: []model.Origin{model.FromDatabase},
	Run: func(p *lint.Pass) {
		for _, t := range p.Catalog.Tables() {
			p.Reportf(t.Span, lint.TableObject(t), "live %s", t.QName())
		}
	},
}

var badIgnoreRule = &lint.Rule{Name: lint.BadIgnoreRule, Code: "TST009", Severity: lint.Warning, Scope: lint.ScopeFiles}

var allTestRules = []*lint.Rule{tenantTableRule, columnRule, liveOnlyRule, badIgnoreRule}

type fileSrc struct{ path, sql string }

func load(files ...fileSrc) *model.Catalog {
	var fs []*source.File
	for _, f := range files {
		fs = append(fs, source.NewFile(f.path, []byte(f.sql)))
	}
	return ddl.Load(fs)
}

func run(cfg *lint.Config, files ...fileSrc) *lint.Result {
	if cfg == nil {
		c := lint.DefaultConfig()
		cfg = &c
	}
	return lint.Run(load(files...), cfg, allTestRules)
}

// brief renders a finding as file:line:col rule [suppressed: reason] message.
func brief(f lint.Finding) string {
	s := fmt.Sprintf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Rule, f.Message)
	if f.Suppressed {
		s += " [suppressed: " + f.Justification + "]"
	}
	return s
}

func briefs(fs []lint.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, brief(f))
	}
	return out
}

func wantFindings(t *testing.T, got []lint.Finding, want ...string) {
	t.Helper()
	if g := briefs(got); !slices.Equal(g, want) {
		t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(g, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestRunLocatesAndSorts(t *testing.T) {
	res := run(nil,
		fileSrc{"b.sql", "CREATE TABLE zeta (org_id uuid);\n"},
		fileSrc{"a.sql", "-- é\nCREATE TABLE beta (\n  id int,\n  org_id uuid\n);\nCREATE TABLE alpha (org_id uuid);"},
	)
	wantFindings(t, res.Findings,
		"a.sql:2:1 tenant-table tenant table public.beta (org_id)",
		"a.sql:4:3 tenant-column column public.beta.org_id",
		"a.sql:6:1 tenant-table tenant table public.alpha (org_id)",
		"a.sql:6:21 tenant-column column public.alpha.org_id",
		"b.sql:1:1 tenant-table tenant table public.zeta (org_id)",
		"b.sql:1:20 tenant-column column public.zeta.org_id",
	)
	f := res.Findings[0]
	if f.EndLine != 5 || f.EndColumn != 2 || f.Code != "TST001" || f.Severity != lint.Error ||
		f.Source != "lint" || f.ObjectKind != "table" || f.Object != "public.beta" {
		t.Errorf("first finding = %+v", f)
	}
	if f.Statement.Text() != "CREATE TABLE beta (\n  id int,\n  org_id uuid\n)" {
		t.Errorf("statement = %q", f.Statement.Text())
	}
	// A point span ends where it starts; its statement is found.
	if c := res.Findings[1]; c.EndLine != 4 || c.EndColumn != 3 || c.Statement != f.Statement {
		t.Errorf("column finding: end %d:%d, statement %q", c.EndLine, c.EndColumn, c.Statement.Text())
	}
	var ran []string
	for _, r := range res.Rules {
		ran = append(ran, r.Name)
	}
	if !slices.Equal(ran, []string{"tenant-table", "tenant-column", lint.BadIgnoreRule}) {
		t.Errorf("rules that ran: %q (live-only must not run on migrations)", ran)
	}
}

func TestRunConfigSeverityAndOff(t *testing.T) {
	cfg := lint.DefaultConfig()
	cfg.Rules["tenant-table"] = lint.RuleConfig{Severity: lint.Info}
	cfg.Rules["tenant-column"] = lint.RuleConfig{Off: true}
	res := run(&cfg, fileSrc{"a.sql", "CREATE TABLE t (org_id uuid);"})
	if len(res.Findings) != 1 || res.Findings[0].Rule != "tenant-table" || res.Findings[0].Severity != lint.Info {
		t.Errorf("findings = %v", briefs(res.Findings))
	}
	for _, c := range res.Checks {
		if c.Rule == "tenant-column" {
			t.Errorf("a rule that is off lists checks: %+v", c)
		}
	}
	if !slices.ContainsFunc(res.Checks, func(c lint.Check) bool {
		return c.Rule == "tenant-table" && c.Object == "public.t" && c.File == "a.sql" && c.Line == 1
	}) {
		t.Errorf("checks = %+v", res.Checks)
	}
}

func TestSeverityOf(t *testing.T) {
	cfg := lint.Config{Rules: map[string]lint.RuleConfig{
		"a": {Off: true}, "b": {Severity: lint.Warning}, "c": {},
	}}
	for name, want := range map[string]struct {
		sev lint.Severity
		on  bool
	}{"a": {0, false}, "b": {lint.Warning, true}, "c": {lint.Error, true}, "d": {lint.Error, true}} {
		sev, on := cfg.SeverityOf(&lint.Rule{Name: name, Severity: lint.Error})
		if sev != want.sev || on != want.on {
			t.Errorf("%s: %v %v, want %v %v", name, sev, on, want.sev, want.on)
		}
	}
}

func TestSeverityAndThreshold(t *testing.T) {
	for in, want := range map[string]lint.Severity{"error": lint.Error, " WARNING ": lint.Warning, "warn": lint.Warning, "info": lint.Info, "note": lint.Info} {
		if got, err := lint.ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := lint.ParseSeverity("fatal"); err == nil || !strings.Contains(err.Error(), `"fatal"`) {
		t.Errorf("ParseSeverity(fatal) error = %v", err)
	}
	none, err := lint.ParseThreshold("none")
	if err != nil || none.Fails(lint.Error) || none.String() != "none" {
		t.Errorf("none: %v %v", none, err)
	}
	warn, _ := lint.ParseThreshold("warning")
	if !warn.Fails(lint.Error) || !warn.Fails(lint.Warning) || warn.Fails(lint.Info) || warn.String() != "warning" {
		t.Errorf("warning threshold wrong")
	}
	if _, err := lint.ParseThreshold("sometimes"); err == nil || !strings.Contains(err.Error(), "--fail-on") {
		t.Errorf("bad threshold error = %v", err)
	}
	var s lint.Severity
	if err := s.UnmarshalText([]byte("warning")); err != nil || s != lint.Warning {
		t.Errorf("UnmarshalText: %v %v", s, err)
	}
	if b, _ := lint.Info.MarshalText(); string(b) != "info" || lint.Severity(0).String() != "none" {
		t.Errorf("MarshalText = %s", b)
	}
}

func TestStatementAt(t *testing.T) {
	cat := load(fileSrc{"a.sql", "SELECT 1;\n\nCREATE TABLE t (\n org_id uuid\n);"})
	f := cat.Files[0]
	in := source.Span{File: f, Start: strings.Index(string(f.Content), "org_id"), End: 0}
	in.End = in.Start
	if got := lint.StatementAt(in).Text(); got != "CREATE TABLE t (\n org_id uuid\n)" {
		t.Errorf("StatementAt = %q", got)
	}
	between := source.Span{File: f, Start: 10, End: 10} // the blank line
	if got := lint.StatementAt(between); got != between {
		t.Errorf("StatementAt outside any statement = %q, want the span itself", got.Text())
	}
}

func TestSortFindingsWithoutFileLast(t *testing.T) {
	fs := []lint.Finding{
		{Rule: "r", Object: "public.b"},
		{Rule: "r", File: "b.sql", Line: 1, Column: 1},
		{Rule: "r", Object: "public.a"},
		{Rule: "z", File: "a.sql", Line: 2, Column: 1},
		{Rule: "a", File: "a.sql", Line: 2, Column: 1},
		{Rule: "r", File: "a.sql", Line: 1, Column: 9},
	}
	lint.SortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Rule, f.Object))
	}
	want := []string{"a.sql:1:9 r ", "a.sql:2:1 a ", "a.sql:2:1 z ", "b.sql:1:1 r ", ":0:0 r public.a", ":0:0 r public.b"}
	if !slices.Equal(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}
