package lint_test

import (
	"testing"

	"github.com/tenantguard/tenantguard/lint"
)

// onlyTables turns tenant-column off so each case is about one rule.
func onlyTables() *lint.Config {
	cfg := lint.DefaultConfig()
	cfg.Rules["tenant-column"] = lint.RuleConfig{Off: true}
	return &cfg
}

func TestSuppressionPlacement(t *testing.T) {
	tests := []struct {
		name string
		sql  string
		want []string
	}{
		{"same line",
			"CREATE TABLE t (org_id uuid); -- tenantguard:ignore tenant-table trigger-only table",
			[]string{"a.sql:1:1 tenant-table tenant table public.t (org_id) [suppressed: trigger-only table]"}},
		{"line above",
			"-- tenantguard:ignore tenant-table legacy\nCREATE TABLE t (org_id uuid);",
			[]string{"a.sql:2:1 tenant-table tenant table public.t (org_id) [suppressed: legacy]"}},
		{"stacked comment lines above",
			"-- tenantguard:ignore tenant-table legacy\n-- more words\n  -- indented too\nCREATE TABLE t (org_id uuid);",
			[]string{"a.sql:4:1 tenant-table tenant table public.t (org_id) [suppressed: legacy]"}},
		{"on a later line of a multi-line statement",
			"CREATE TABLE t (\n  org_id uuid -- tenantguard:ignore tenant-table inline\n);",
			[]string{"a.sql:1:1 tenant-table tenant table public.t (org_id) [suppressed: inline]"}},
		{"a blank line breaks the block above",
			"-- tenantguard:ignore tenant-table legacy\n\nCREATE TABLE t (org_id uuid);",
			[]string{
				"a.sql:1:1 bad-ignore tenantguard:ignore tenant-table matched no finding: remove it",
				"a.sql:3:1 tenant-table tenant table public.t (org_id)",
			}},
		{"a statement between breaks it too",
			"-- tenantguard:ignore tenant-table legacy\nSELECT 1;\nCREATE TABLE t (org_id uuid);",
			[]string{
				"a.sql:1:1 bad-ignore tenantguard:ignore tenant-table matched no finding: remove it",
				"a.sql:3:1 tenant-table tenant table public.t (org_id)",
			}},
		{"only the statement it is on",
			"CREATE TABLE a (org_id uuid); -- tenantguard:ignore tenant-table one only\nCREATE TABLE b (org_id uuid);",
			[]string{
				"a.sql:1:1 tenant-table tenant table public.a (org_id) [suppressed: one only]",
				"a.sql:2:1 tenant-table tenant table public.b (org_id)",
			}},
		{"ignore-file anywhere in the file",
			"CREATE TABLE a (org_id uuid);\nCREATE TABLE b (org_id uuid);\n-- tenantguard:ignore-file tenant-table reporting schema",
			[]string{
				"a.sql:1:1 tenant-table tenant table public.a (org_id) [suppressed: reporting schema]",
				"a.sql:2:1 tenant-table tenant table public.b (org_id) [suppressed: reporting schema]",
			}},
		{"reason ends at a following --",
			"CREATE TABLE t (org_id uuid); -- tenantguard:ignore tenant-table the reason -- want \"x\"",
			[]string{"a.sql:1:1 tenant-table tenant table public.t (org_id) [suppressed: the reason]"}},
		{"no space after --",
			"--tenantguard:ignore tenant-table tight\nCREATE TABLE t (org_id uuid);",
			[]string{"a.sql:2:1 tenant-table tenant table public.t (org_id) [suppressed: tight]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := run(onlyTables(), fileSrc{"a.sql", tt.sql})
			wantFindings(t, res.Findings, tt.want...)
		})
	}
}

func TestSuppressionSeveralRules(t *testing.T) {
	res := run(nil, fileSrc{"a.sql", "CREATE TABLE t (org_id uuid); -- tenantguard:ignore tenant-table,tenant-column scratch table"})
	wantFindings(t, res.Findings,
		"a.sql:1:1 tenant-table tenant table public.t (org_id) [suppressed: scratch table]",
		"a.sql:1:17 tenant-column column public.t.org_id [suppressed: scratch table]",
	)
	for _, f := range res.Findings {
		if f.Active() {
			t.Errorf("suppressed finding is active: %+v", f)
		}
	}
}

func TestIgnoreFileStaysInItsFile(t *testing.T) {
	res := run(onlyTables(),
		fileSrc{"a.sql", "-- tenantguard:ignore-file tenant-table generated\nCREATE TABLE a (org_id uuid);"},
		fileSrc{"b.sql", "CREATE TABLE b (org_id uuid);"},
	)
	wantFindings(t, res.Findings,
		"a.sql:2:1 tenant-table tenant table public.a (org_id) [suppressed: generated]",
		"b.sql:1:1 tenant-table tenant table public.b (org_id)",
	)
}

func TestBadIgnores(t *testing.T) {
	sql := `CREATE TABLE a (org_id uuid); -- tenantguard:ignore tenant-table
-- tenantguard:ignore tenant-tabel typo here
CREATE TABLE b (org_id uuid);
-- tenantguard:ignore
CREATE TABLE c (id int);
-- tenantguard:ignore bad-ignore nice try
-- tenantguard:ignore-file tenant-table
-- tenantguard:ignore live-only not run on migrations, so not reported as unused
CREATE TABLE d (id int); -- tenantguard:ignore tenant-table d has no tenant column
`
	res := run(onlyTables(), fileSrc{"a.sql", sql})
	wantFindings(t, res.Findings,
		"a.sql:1:1 tenant-table tenant table public.a (org_id)",
		"a.sql:1:31 bad-ignore tenantguard:ignore tenant-table has no reason: say why the finding does not apply (the comment is not honoured without one)",
		"a.sql:2:1 bad-ignore tenantguard:ignore names unknown rule \"tenant-tabel\" (see `tenantguard rules`)",
		"a.sql:3:1 tenant-table tenant table public.b (org_id)",
		"a.sql:4:1 bad-ignore tenantguard:ignore names no rule: write tenantguard:ignore RULE[,RULE] reason",
		"a.sql:6:1 bad-ignore tenantguard:ignore cannot silence bad-ignore",
		"a.sql:7:1 bad-ignore tenantguard:ignore-file tenant-table has no reason: say why the finding does not apply (the comment is not honoured without one)",
		"a.sql:9:26 bad-ignore tenantguard:ignore tenant-table matched no finding: remove it",
	)
	for _, f := range res.Findings {
		if f.Rule == lint.BadIgnoreRule && (f.Severity != lint.Warning || f.ObjectKind != "file" || f.Object != "a.sql" || f.Fingerprint == "") {
			t.Errorf("bad-ignore finding = %+v", f)
		}
	}
}

func TestBadIgnoreFollowsConfig(t *testing.T) {
	sql := "CREATE TABLE a (org_id uuid); -- tenantguard:ignore tenant-table\n-- tenantguard:ignore tenant-column unused because the rule is off\n"
	cfg := onlyTables()
	cfg.Rules[lint.BadIgnoreRule] = lint.RuleConfig{Severity: lint.Error}
	res := run(cfg, fileSrc{"a.sql", sql})
	wantFindings(t, res.Findings,
		"a.sql:1:1 tenant-table tenant table public.a (org_id)",
		"a.sql:1:31 bad-ignore tenantguard:ignore tenant-table has no reason: say why the finding does not apply (the comment is not honoured without one)",
	)
	if res.Findings[1].Severity != lint.Error {
		t.Errorf("bad-ignore severity %v, want the configured error", res.Findings[1].Severity)
	}
	cfg.Rules[lint.BadIgnoreRule] = lint.RuleConfig{Off: true}
	res = run(cfg, fileSrc{"a.sql", sql})
	wantFindings(t, res.Findings, "a.sql:1:1 tenant-table tenant table public.a (org_id)")
}

func TestSuppressionNeedsAFile(t *testing.T) {
	// Findings without a position (a live catalog) are never suppressed,
	// and files without directives cost nothing.
	res := run(onlyTables(), fileSrc{"a.sql", "CREATE TABLE a (org_id uuid);"})
	if len(res.Findings) != 1 || res.Findings[0].Suppressed {
		t.Fatalf("findings = %v", briefs(res.Findings))
	}
}
