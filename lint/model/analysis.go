package model

// Scope says how an expression ties a row to the current tenant or user.
type Scope uint8

// Scopes, from none to strongest.
const (
	// Unscoped: the expression lets rows through without tying them to
	// the current tenant or user (USING (true), a role check, a literal
	// tenant, a membership check that ignores the row).
	Unscoped Scope = iota
	// ParentScoped: the row is tied through another of its columns
	// (project_id) to a row that is scoped, not through its own tenant
	// column.
	ParentScoped
	// SeatScoped: a column of the row is tied to the current user's own
	// id (user_id = auth.uid()).
	SeatScoped
	// TenantScoped: the tenant column is tied to a trusted tenant value:
	// the configured session setting, a trusted JWT claim, a membership
	// lookup keyed on the current user, or a trusted helper function.
	TenantScoped
	// NoRows: the expression lets no row through for the tenants' users:
	// a constant false or NULL, or a check that passes only for the
	// configured admin roles (auth.role() = 'service_role').
	NoRows
)

func (s Scope) String() string {
	switch s {
	case ParentScoped:
		return "parent-scoped"
	case SeatScoped:
		return "seat-scoped"
	case TenantScoped:
		return "tenant-scoped"
	case NoRows:
		return "no-rows"
	}
	return "unscoped"
}

// PolicyAnalysis is what a policy's expressions let through, computed by
// lint/ddl for policies from migrations and from live catalogs alike.
type PolicyAnalysis struct {
	// Using and Check analyse the USING and WITH CHECK expressions (nil
	// when absent).
	Using *ExprAnalysis
	Check *ExprAnalysis
	// UserMetadata lists reads of user-editable metadata in the policy or
	// in functions it calls.
	UserMetadata []MetadataRead
	// Trusted lists what the analysis took on trust (helper functions not
	// defined in the files read), for --verbose.
	Trusted []string
}

// ExprAnalysis is the analysis of one policy expression.
type ExprAnalysis struct {
	// Branches are the top-level OR branches; a row passes when any does.
	Branches []*Branch
	// Fallbacks are parts that pass every row when the tenant setting is
	// unset or empty.
	Fallbacks []*Fallback
}

// Weakest returns the least scoped branch (nil for no branches).
func (a *ExprAnalysis) Weakest() *Branch {
	var w *Branch
	for _, b := range a.Branches {
		if w == nil || b.Scope < w.Scope {
			w = b
		}
	}
	return w
}

// Branch is one OR branch of a policy expression.
type Branch struct {
	Expr  *Expr
	Scope Scope
	// Tenant is the tenant column the branch constrains ("" when none).
	Tenant string
	// How says what the branch is tied to, for scoped branches:
	// "current_setting('app.current_tenant')", "membership lookup in
	// public.members keyed on auth.uid()", ...
	How string
	// Why says why an unscoped branch is not tied to the tenant.
	Why string
	// At is the sub-expression at fault (or that does the scoping).
	At *Expr
}

// Fallback is a predicate that passes when the tenant setting is unset
// or empty.
type Fallback struct {
	// At is the sub-expression that passes.
	At *Expr
	// Setting is the setting involved; When is "unset" or "empty".
	Setting string
	When    string
}

// MetadataRead is a read of user-editable metadata.
type MetadataRead struct {
	At *Expr
	// Via lists the functions through which the read happens, outermost
	// first (empty when the policy reads it directly).
	Via []string
	// What is the metadata read: "auth.jwt() -> 'user_metadata'",
	// "auth.users.raw_user_meta_data".
	What string
}

// FunctionAnalysis says how a function treats tenant data.
type FunctionAnalysis struct {
	// TenantReads lists the tenant tables the function's queries read
	// (directly or through views).
	TenantReads []QName
	// UnscopedReads are queries over a tenant table whose WHERE does not
	// tie the tenant column to a trusted tenant value or the current
	// user.
	UnscopedReads []UnscopedRead
}

// UnscopedRead is one query over a tenant table without a tenant
// predicate.
type UnscopedRead struct {
	Table QName
	Query *Query
	// Why explains, e.g. "filters on parameter p_org, which the caller
	// chooses".
	Why string
}

// ViewAnalysis says which tenant tables a view exposes.
type ViewAnalysis struct {
	// TenantReads are the tenant tables the view reads, directly or
	// through other views.
	TenantReads []QName
	// Scoped are tenant tables the view's own WHERE ties to the current
	// tenant or user (so the view filters them even with its owner's
	// rights).
	Scoped []QName
}

// Unscoped returns the tenant tables the view reads without scoping them.
func (a *ViewAnalysis) Unscoped() []QName {
	var out []QName
	for _, q := range a.TenantReads {
		scoped := false
		for _, s := range a.Scoped {
			scoped = scoped || s == q
		}
		if !scoped {
			out = append(out, q)
		}
	}
	return out
}
