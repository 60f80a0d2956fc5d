package model

import "github.com/tenantguard/tenantguard/lint/source"

// Command is the command a policy applies to.
type Command string

// Policy commands.
const (
	AllCommands Command = "ALL"
	Select      Command = "SELECT"
	Insert      Command = "INSERT"
	Update      Command = "UPDATE"
	Delete      Command = "DELETE"
)

// Policy is a row level security policy.
type Policy struct {
	Name  string
	Table QName
	// Permissive policies OR together; restrictive ones AND on top.
	Permissive bool
	Command    Command
	// Roles the policy applies to; "PUBLIC" when none is given.
	Roles []string
	// Using and WithCheck are nil when absent.
	Using     *Expr
	WithCheck *Expr
	// Span is the CREATE POLICY statement; AlteredAt the last ALTER
	// POLICY that changed it.
	Span      source.Span
	AlteredAt source.Span

	// Analysis is filled by lint/ddl.Analyze before rules run.
	Analysis *PolicyAnalysis
}

// Applies reports whether the policy applies to cmd.
func (p *Policy) Applies(cmd Command) bool {
	return p.Command == AllCommands || p.Command == cmd
}

// At returns the span that best locates the policy: its last ALTER, or
// its CREATE.
func (p *Policy) At() source.Span {
	if p.AlteredAt.IsValid() {
		return p.AlteredAt
	}
	return p.Span
}
