package lint

import (
	"github.com/tenantguard/tenantguard/lint/source"
)

// Finding is one problem, in the shape of the JSON contract.
type Finding struct {
	Rule     string   `json:"rule"`
	Code     string   `json:"id"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Object is schema.name of the database object (policies:
	// schema.table.policy; functions: schema.name(args)).
	Object string `json:"object,omitempty"`
	// ObjectKind is table, view, materialized view, policy, function,
	// role or file.
	ObjectKind string `json:"object_kind,omitempty"`
	File       string `json:"file,omitempty"`
	Line       int    `json:"line,omitempty"`
	Column     int    `json:"column,omitempty"`
	EndLine    int    `json:"end_line,omitempty"`
	EndColumn  int    `json:"end_column,omitempty"`
	// Source is what produced the finding: lint, inspect or probe.
	Source     string `json:"source"`
	Suppressed bool   `json:"suppressed"`
	// Justification is the reason given in the ignore comment.
	Justification string `json:"justification,omitempty"`
	// Baseline marks a finding recorded in the --baseline file.
	Baseline bool `json:"baseline,omitempty"`
	// Fingerprint identifies the finding across unrelated edits.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Detail is extra context: the tenants used and the SQL that
	// reproduces a probe finding, or what the analysis trusted.
	Detail string `json:"detail,omitempty"`

	// Span is the location in a file (zero for live findings).
	Span source.Span `json:"-"`
	// Statement is the whole statement the finding is about.
	Statement source.Span `json:"-"`
}

// Active reports whether the finding counts towards the exit status.
func (f *Finding) Active() bool { return !f.Suppressed && !f.Baseline }

// Check is one rule applied to one object; the reports list checks that
// passed as well as those that failed.
type Check struct {
	Rule       string
	Object     string
	ObjectKind string
	File       string
	Line       int
}
