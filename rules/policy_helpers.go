package rules

import (
	"fmt"
	"strings"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// adminOnly reports whether a policy applies only to roles allowed to
// bypass tenant isolation (TO service_role).
func adminOnly(pass *lint.Pass, p *model.Policy) bool {
	for _, r := range p.Roles {
		if !pass.Config.IsAdminRole(r) {
			return false
		}
	}
	return len(p.Roles) > 0
}

// rolesCover reports whether a policy for roles `outer` applies to every
// role a policy for `inner` applies to.
func rolesCover(outer, inner []string) bool {
	set := map[string]bool{}
	for _, r := range outer {
		if r == "PUBLIC" {
			return true
		}
		set[r] = true
	}
	for _, r := range inner {
		if !set[r] {
			return false
		}
	}
	return true
}

// effectiveCheck returns the expression PostgreSQL checks new rows
// against: WITH CHECK, or USING when WITH CHECK is absent (UPDATE and
// ALL policies; verified against PostgreSQL 15 in pg_semantics_test.go).
func effectiveCheck(p *model.Policy) *model.ExprAnalysis {
	if p.Analysis == nil {
		return nil
	}
	if p.Analysis.Check != nil {
		return p.Analysis.Check
	}
	if p.Command == model.Update || p.Command == model.AllCommands {
		return p.Analysis.Using
	}
	return nil
}

// allScoped reports whether every branch reaches at least min.
func allScoped(a *model.ExprAnalysis, min model.Scope) bool {
	if a == nil || len(a.Branches) == 0 {
		return false
	}
	for _, b := range a.Branches {
		if b.Scope < min {
			return false
		}
	}
	return true
}

// restrictiveCover returns a restrictive policy of t for cmd that covers
// p's roles and scopes every row it lets through (reads: USING; writes:
// the effective check), or nil. Restrictive policies AND on top of the
// permissive ones, so such a policy fixes a permissive policy's gap.
func restrictiveCover(t *model.Table, p *model.Policy, cmd model.Command, write bool) *model.Policy {
	for _, r := range t.Policies {
		if r.Permissive || !r.Applies(cmd) || !rolesCover(r.Roles, p.Roles) || r.Analysis == nil {
			continue
		}
		if write {
			if allScoped(effectiveCheck(r), model.TenantScoped) {
				return r
			}
		} else if allScoped(r.Analysis.Using, model.SeatScoped) {
			return r
		}
	}
	return nil
}

// exprSpan locates a sub-expression, falling back to the policy.
func exprSpan(e *model.Expr, p *model.Policy) source.Span {
	if e != nil && e.Pos.IsValid() {
		return e.Pos
	}
	return p.At()
}

// exprOr returns e's SQL text or a placeholder.
func exprOr(e *model.Expr, placeholder string) string {
	if e == nil {
		return placeholder
	}
	return e.String()
}

// uncovered returns the commands of cmds for which no restrictive policy
// covers p, and, when some are covered and some not, a note naming the
// open ones for the message (" on UPDATE, DELETE (a restrictive policy
// covers only SELECT)").
func uncovered(t *model.Table, p *model.Policy, cmds []model.Command, write bool) ([]model.Command, string) {
	var open, closed []string
	var out []model.Command
	for _, cmd := range cmds {
		if restrictiveCover(t, p, cmd, write) == nil {
			out = append(out, cmd)
			open = append(open, string(cmd))
		} else {
			closed = append(closed, string(cmd))
		}
	}
	if len(open) == 0 || len(closed) == 0 {
		return out, ""
	}
	return out, fmt.Sprintf(" on %s (restrictive policies cover only %s)", strings.Join(open, ", "), strings.Join(closed, ", "))
}
