package model

import (
	"strings"

	"github.com/tenantguard/tenantguard/lint/source"
)

// Function is a function or procedure.
type Function struct {
	Schema string
	Name   string
	// ArgTypes are the input argument types, normalised lower case.
	ArgTypes []string
	// ArgNames are the argument names ("" when unnamed).
	ArgNames []string
	Returns  string
	Language string
	// SecurityDefiner functions run with their owner's rights.
	SecurityDefiner bool
	// Config holds SET clauses (e.g. "search_path" -> "public, pg_temp").
	Config map[string]string
	// Body is the function's source text (for SQL and plpgsql).
	Body string
	// BodySpan locates Body in the file (zero when unknown or live).
	BodySpan source.Span
	// Queries are the SQL statements the body runs, when the body could
	// be analysed; Dynamic reports a body that builds SQL at run time
	// (EXECUTE), which static analysis cannot follow.
	Queries []*Query
	Dynamic bool
	// BodyParsed reports whether Queries is complete.
	BodyParsed bool
	Owner      string
	Procedure  bool
	Span       source.Span

	// Analysis is filled by lint/ddl.Analyze before rules run.
	Analysis *FunctionAnalysis
}

// QName returns the function's qualified name.
func (f *Function) QName() QName { return QName{f.Schema, f.Name} }

// Signature returns the argument types joined by commas.
func (f *Function) Signature() string { return strings.Join(f.ArgTypes, ",") }

// String returns schema.name(argtypes).
func (f *Function) String() string { return f.QName().String() + "(" + f.Signature() + ")" }

// Role is a database role.
type Role struct {
	Name      string
	Login     bool
	Superuser bool
	BypassRLS bool
	// MemberOf lists roles this role is a member of.
	MemberOf []string
	// Implicit roles were referenced (GRANT, TO role) but never created
	// in the files read: they come from the platform (Supabase's
	// authenticated) or were made by hand.
	Implicit bool
	Span     source.Span
}
