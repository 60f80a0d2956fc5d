package probe

import (
	"fmt"
	"strings"

	"github.com/tenantguard/tenantguard/lint"
)

// leak is what a check proved, before it becomes a finding.
type leak struct {
	rule    *lint.Rule
	obj     lint.Object
	message string
	// actor is who the probe acted as; a and b the tenants (b is empty
	// for checks without a tenant).
	actor actor
	a, b  tenantRef
	// noTenant marks checks made with no tenant set (a is then the
	// tenant whose rows were looked for).
	noTenant bool
	// seen says what was visible or affected.
	seen string
	// stmt (or stmts) is what the actor ran; seeds the statements that
	// seeded rows before it.
	stmt  string
	stmts []string
	seeds []string
}

// finding turns a leak into a finding, with the reproduction SQL in its
// detail.
func (p *prober) finding(l leak) lint.Finding {
	st := p.rules[l.rule.Name]
	return lint.Finding{
		Rule:       l.rule.Name,
		Code:       l.rule.Code,
		Severity:   st.sev,
		Message:    l.message,
		Object:     l.obj.Name,
		ObjectKind: l.obj.Kind,
		Source:     "probe",
		Detail:     p.detail(l),
	}
}

// report records a finding.
func (p *prober) report(l leak) {
	f := p.finding(l)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.res.Findings = append(p.res.Findings, f)
}

// detail says who the probe acted as, with which tenants, what it saw,
// whether rows were seeded, and the SQL that reproduces it in psql.
func (p *prober) detail(l leak) string {
	var b strings.Builder
	if !l.noTenant {
		fmt.Fprintf(&b, "tenant A: %s (acting as %s)\n", quoteLiteral(l.a.id), l.actor.who)
		if l.b.id != "" {
			fmt.Fprintf(&b, "tenant B: %s\n", quoteLiteral(l.b.id))
		}
	}
	for _, line := range strings.Split(l.seen, "\n") {
		fmt.Fprintf(&b, "%s\n", line)
	}
	if n := len(l.seeds); n > 0 {
		fmt.Fprintf(&b, "data seeded: yes, %d %s inserted inside the probe's transaction and rolled back (first statements below)\n", n, plural(n, "row"))
	} else {
		b.WriteString("data seeded: no (rows already in the database)\n")
	}
	fmt.Fprintf(&b, "reproduce (psql, as %s; everything is rolled back):\n", p.user)
	stmts := []string{"BEGIN"}
	stmts = append(stmts, l.seeds...)
	stmts = append(stmts, l.actor.statements()...)
	if l.stmt != "" {
		stmts = append(stmts, l.stmt)
	}
	stmts = append(stmts, l.stmts...)
	stmts = append(stmts, "ROLLBACK")
	for _, s := range stmts {
		fmt.Fprintf(&b, "  %s;\n", s)
	}
	return strings.TrimRight(b.String(), "\n")
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
