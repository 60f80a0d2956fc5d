package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tenantguard/tenantguard/lint/ddl"
	"github.com/tenantguard/tenantguard/lint/internal/par"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// Result is what a run produced.
type Result struct {
	Findings []Finding
	// Checks lists each rule applied to each object in its scope.
	Checks []Check
	// Rules are the rules that ran.
	Rules []*Rule
	// RuleTime is the time each rule took, by name (JUnit reports).
	RuleTime map[string]time.Duration
}

// Run applies the enabled rules to the catalog, then applies suppression
// comments and sorts the findings.
//
// Rules only read the catalog, so they run in parallel; their findings
// are merged in rule order before the (stable) sort, which makes the
// result the same as a serial run. The check list, which needs no policy
// analysis, is built while the analysis runs.
func Run(cat *model.Catalog, cfg *Config, rules []*Rule) *Result {
	tn := Classify(cat, cfg)
	res := &Result{RuleTime: map[string]time.Duration{}}
	var sevs []Severity
	for _, r := range rules {
		sev, on := cfg.SeverityOf(r)
		if !on || !r.AppliesTo(cat.Origin) {
			continue
		}
		res.Rules = append(res.Rules, r)
		sevs = append(sevs, sev)
	}
	prepareShared(cat)
	checks := make(chan []Check, 1)
	go func() { checks <- checkList(res.Rules, cat, cfg, tn) }()
	ddl.Analyze(cat, ddl.Settings{
		TenantColumn: func(t *model.Table) string {
			c, _ := tn.TenantColumn(t)
			return c
		},
		TenantSetting:   cfg.Probe.TenantSetting,
		TenantFunctions: cfg.TenantFunctions,
		AdminRoles:      cfg.AdminRoles,
	})
	found := make([][]Finding, len(res.Rules))
	took := make([]time.Duration, len(res.Rules))
	par.Do(len(res.Rules), func(i int) {
		r := res.Rules[i]
		start := time.Now()
		pass := &Pass{Rule: r, Catalog: cat, Config: cfg, Tenancy: tn, severity: sevs[i]}
		pass.report = func(f Finding) {
			found[i] = append(found[i], f)
		}
		if r.Run != nil {
			r.Run(pass)
		}
		for j := range found[i] {
			locate(&found[i][j])
		}
		took[i] = time.Since(start)
	})
	for i, r := range res.Rules {
		res.RuleTime[r.Name] = took[i]
	}
	res.Findings = slices.Concat(found...)
	res.Findings = append(res.Findings, applySuppressions(cat.Files, res.Findings, rules, res.Rules, cfg)...)
	par.Do(len(res.Findings), func(i int) {
		f := &res.Findings[i]
		f.Fingerprint = Fingerprint(f)
	})
	SortFindings(res.Findings)
	res.Checks = <-checks
	return res
}

// prepareShared fills the caches the catalog and its files build on first
// use (sorted object lists, line tables), so that the rules, which run in
// parallel, only read them.
func prepareShared(cat *model.Catalog) {
	cat.Tables()
	cat.Views()
	cat.Functions()
	par.Do(len(cat.Files), func(i int) { cat.Files[i].LineCount() })
}

// locate fills file, line and column from the span, and the statement
// that contains it.
func locate(f *Finding) {
	if !f.Span.IsValid() {
		return
	}
	start := f.Span.StartPos()
	f.File = f.Span.Path()
	f.Line, f.Column = start.Line, start.Column
	end := f.Span.EndPos()
	if f.Span.End > f.Span.Start {
		f.EndLine, f.EndColumn = end.Line, end.Column
	} else {
		f.EndLine, f.EndColumn = start.Line, start.Column
	}
	if !f.Statement.IsValid() {
		f.Statement = StatementAt(f.Span)
	}
}

// StatementAt returns the statement of the span's file that contains the
// span's start, or the span itself when none does.
func StatementAt(s source.Span) source.Span {
	stmts := s.File.Statements
	i := sort.Search(len(stmts), func(i int) bool { return stmts[i].End > s.Start })
	if i < len(stmts) && stmts[i].Start <= s.Start {
		return stmts[i]
	}
	return s
}

// Fingerprint identifies a finding by its rule, its object, its file and
// the normalised text of its statement, so it stays stable when unrelated
// lines move. Findings without a statement (live ones) use the message
// only when they have no object.
func Fingerprint(f *Finding) string {
	h := sha256.New()
	for _, part := range []string{f.Rule, f.Object, f.File} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	switch {
	case f.Statement.IsValid():
		h.Write([]byte(normalizeSQL(f.Statement.Text())))
	case f.Object == "":
		h.Write([]byte(f.Message))
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func normalizeSQL(s string) string {
	// Formatting must not move a fingerprint: comments go, case folds,
	// and whitespace survives only where it separates two words.
	var b strings.Builder
	b.Grow(len(s))
	prevWord, space := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			space = true
			continue
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			if end := strings.Index(s[i+2:], "*/"); end >= 0 {
				i += end + 3
			} else {
				i = len(s)
			}
			space = true
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			space = true
			continue
		}
		word := c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
		if space && prevWord && word {
			b.WriteByte(' ')
		}
		space, prevWord = false, word
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// SortFindings orders findings: by file, line, column, rule, message;
// findings without a file come last, by object.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if (a.File == "") != (b.File == "") {
			return a.File != ""
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Object != b.Object {
			return a.Object < b.Object
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}
