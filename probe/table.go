package probe

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/rules"
)

// countLimit caps the rows a check counts: enough to say "many", and the
// cost stays bounded however large the table is.
const countLimit = 100

// countSQL counts (up to countLimit+1) the rows of rel whose column col
// equals v, as whoever runs it. Equality on the tenant column lets the
// planner use its index, or turn a tenant policy into a one-time filter.
func countSQL(rel, col, v string) string {
	return "SELECT count(*) FROM (SELECT 1 FROM " + rel + " WHERE " + col + " = " + v + " LIMIT " + strconv.Itoa(countLimit+1) + ") s"
}

func rowsText(n int64) string {
	switch {
	case n > countLimit:
		return fmt.Sprintf("more than %d rows", countLimit)
	case n == 1:
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// unsetSeen is what one context without a tenant saw (phase 1 and the
// empty-tenant check of phase 2).
type unsetSeen struct {
	actor actor
	stmt  string
	count int64
	x     tenantRef
	seeds []string
}

// ownerBypass reports whether the probe role bypasses the table's
// policies as its owner (or a member of the owner): RLS on but not forced.
func (p *prober) ownerBypass(tg *target) bool {
	return tg.rel.rls && !tg.rel.forced && p.actsAsOwner[tg.rel.owner]
}

// lockSequences serialises the transactions whose writes may fire
// triggers, so that each can tell the sequences it moved from those
// another probe transaction moved (sequences.go).
func (p *prober) lockSequences(tg *target) func() {
	if p.readOnly || !p.seqGuard[tg.rel.oid] {
		return func() {}
	}
	p.seqMu.Lock()
	return p.seqMu.Unlock
}

// guard turns what ended a table's probe into a "not probed" entry;
// fatal errors (connection lost, run cancelled) stop the run.
func (p *prober) guard(ctx context.Context, tg *target, err error) error {
	if err == nil {
		return nil
	}
	var ie *internalError
	if fatal(ctx, err) && !errors.As(err, &ie) {
		return fmt.Errorf("%s: %w", tg.rel.name, err)
	}
	var reason string
	switch {
	case isLockTimeout(err):
		reason = fmt.Sprintf("not probed: locked by another session (lock_timeout %s)", p.lim.lock)
	case isStatementTimeout(err):
		reason = fmt.Sprintf("not probed: a statement ran longer than statement_timeout %s", p.lim.statement)
	default:
		reason = "not probed: " + errText(err)
	}
	p.notProbed(tg.rel.name.String(), "%s", reason)
	tg.failed = true
	return nil
}

// checkErr turns a failed check statement into the error that ends the
// table's probe (a lock or statement timeout), or nil when the failure is
// the check's answer.
func checkErr(res attemptResult) error {
	if isLockTimeout(res.err) || isStatementTimeout(res.err) {
		return res.err
	}
	return nil
}

func (r attemptResult) count() int64 {
	if r.err != nil || len(r.rows) == 0 || len(r.rows[0]) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(r.rows[0][0], 10, 64)
	return n
}

// unsetPhase reads each table with no tenant set, on connections that
// never set one (a setting once set reads as the empty string afterwards, never again
// as unset).
func (p *prober) unsetPhase(ctx context.Context, tg *target) error {
	if !p.on(rules.ProbeUnsetContextLeak) || p.ownerBypass(tg) {
		return nil
	}
	unlock := p.lockSequences(tg)
	defer unlock()
	err := inTx(ctx, p.pool, p.lim, p.seqGuard[tg.rel.oid], func(t *tx) error {
		s := &seeder{p: p, t: t, label: tg.rel.name.String()}
		ids, err := p.discoverTenants(ctx, t, tg)
		if err != nil {
			return err
		}
		var x tenantRef
		if len(ids) > 0 {
			x = tg.ref(ids[0])
		} else {
			if p.readOnly {
				return nil // no rows: nothing to see
			}
			snap, err := p.snapshotBefore(ctx, t)
			if err != nil {
				return err
			}
			defer p.restore(ctx, t, snap)
			a, _, err := p.pickTenants(ctx, t, tg)
			if err != nil {
				return err
			}
			if _, err := s.seed(ctx, tg.rel, &a, nil, 0); err != nil {
				return err
			}
			x = a
		}
		stmt := countSQL(tg.rel.ident, tg.col.ident, x.literal())
		for _, act := range p.ten.unset() {
			res, err := t.attempt(ctx, act.statements(), stmt)
			if err != nil {
				return err
			}
			if res.setupErr {
				return fmt.Errorf("acting as %s: %w", act.who, res.err)
			}
			if err := checkErr(res); err != nil {
				return err
			}
			tg.unset = append(tg.unset, unsetSeen{actor: act, stmt: stmt, count: res.count(), x: x, seeds: clone(t.seeds)})
		}
		return nil
	})
	return p.guard(ctx, tg, err)
}

// tablePhase runs every other check on one table, in one transaction.
func (p *prober) tablePhase(ctx context.Context, tg *target) error {
	if tg.failed {
		return nil // reported by the first phase
	}
	unlock := p.lockSequences(tg)
	defer unlock()
	err := inTx(ctx, p.pool, p.lim, p.seqGuard[tg.rel.oid], func(t *tx) error {
		c := &checker{p: p, t: t, tg: tg, s: &seeder{p: p, t: t, label: tg.rel.name.String()}}
		return c.run(ctx)
	})
	if gerr := p.guard(ctx, tg, err); gerr != nil || tg.failed {
		return gerr
	}
	p.mu.Lock()
	p.res.Tables++
	p.mu.Unlock()
	return nil
}

// checker probes one table inside its transaction.
type checker struct {
	p        *prober
	t        *tx
	tg       *target
	s        *seeder
	a, b     tenantRef
	rowA     *row
	rowB     *row
	user     string
	actA     actor
	readSeen int64
	// facts collects what the write and delete checks could do, for
	// one finding per rule.
	facts map[*lint.Rule][]fact
}

// fact is one thing a check could do: the statement, and what it did
// as a verb and its object ("delete", "a row of tenant B").
type fact struct {
	stmt      string
	verb, obj string
}

// describe joins facts: "update and delete a row of tenant B".
func describe(facts []fact) string {
	var parts []string
	for i := 0; i < len(facts); {
		j := i
		var verbs []string
		for j < len(facts) && facts[j].obj == facts[i].obj {
			verbs = append(verbs, facts[j].verb)
			j++
		}
		parts = append(parts, strings.Join(verbs, " and ")+" "+facts[i].obj)
		i = j
	}
	return strings.Join(parts, " and ")
}

func (c *checker) run(ctx context.Context) error {
	p, t, tg := c.p, c.t, c.tg
	var err error
	if c.a, c.b, err = p.pickTenants(ctx, t, tg); err != nil {
		return err
	}
	snap, err := p.snapshotBefore(ctx, t)
	if err != nil {
		return err
	}
	defer p.restore(ctx, t, snap)
	if c.rowB, err = p.rowFor(ctx, t, c.s, tg, c.b); err != nil {
		return fmt.Errorf("seeding a row of tenant B: %w", err)
	}
	if !p.readOnly {
		if c.rowA, err = p.rowFor(ctx, t, c.s, tg, c.a); err != nil {
			return fmt.Errorf("seeding a row of tenant A: %w", err)
		}
	}
	if p.supabase != nil {
		if c.user, _, err = p.memberOf(ctx, t, c.s, tg, c.a, c.b); err != nil {
			return fmt.Errorf("finding a member of tenant A: %w", err)
		}
	}
	c.actA = p.ten.asTenant(c.a, c.user)
	if p.ownerBypass(tg) {
		return c.ownerAsApp(ctx)
	}
	steps := []func(context.Context) error{c.read, c.insert, c.move, c.modify, c.empty, c.owner, c.spoof, c.views}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// check runs stmt as act and returns the result; lock and statement
// timeouts end the table's probe.
func (c *checker) check(ctx context.Context, act actor, stmt string) (attemptResult, error) {
	res, err := c.t.attempt(ctx, act.statements(), stmt)
	if err != nil {
		return res, err
	}
	if res.setupErr {
		// Not an answer: the probe could not become the actor.
		return res, fmt.Errorf("acting as %s: %w", act.who, res.err)
	}
	return res, checkErr(res)
}

func (c *checker) passed(r *lint.Rule, obj lint.Object) {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	c.p.res.Checks = append(c.p.res.Checks, lint.Check{Rule: r.Name, Object: obj.Name, ObjectKind: obj.Kind})
}

func (c *checker) obj() lint.Object { return lint.Object{Kind: "table", Name: c.tg.rel.name.String()} }

func (c *checker) inconclusive(what string, err error) {
	c.p.note("%s: %s was inconclusive: %s", c.tg.rel.name, what, errText(err))
}

// read: as tenant A, are rows of tenant B visible?
func (c *checker) read(ctx context.Context) error {
	if c.rowB == nil {
		c.p.note("%s: no rows of a second tenant and none may be seeded (%s): read checks skipped", c.tg.rel.name, c.p.res.ReadOnlyReason)
		return nil
	}
	if !c.p.on(rules.ProbeReadLeak) && c.p.supabase == nil {
		return nil
	}
	stmt := countSQL(c.tg.rel.ident, c.tg.col.ident, c.b.literal())
	res, err := c.check(ctx, c.actA, stmt)
	if err != nil {
		return err
	}
	c.readSeen = res.count()
	if !c.p.on(rules.ProbeReadLeak) {
		return nil
	}
	c.passed(rules.ProbeReadLeak, c.obj())
	if c.readSeen > 0 {
		c.p.report(leak{rule: rules.ProbeReadLeak, obj: c.obj(), actor: c.actA, a: c.a, b: c.b, stmt: stmt, seeds: clone(c.t.seeds),
			seen:    fmt.Sprintf("rows of tenant B visible: %s", rowsText(c.readSeen)),
			message: fmt.Sprintf("tenant A (as %s) could read %s of tenant B in %s", c.p.role, rowsText(c.readSeen), c.tg.rel.name)})
	}
	return nil
}

// ownerAsApp: the application role owns the table (or is a member of its
// owner) and RLS is not forced, so no policy applies to it. One finding
// says so; the other checks would only repeat it.
func (c *checker) ownerAsApp(ctx context.Context) error {
	if c.rowB == nil || !c.p.on(rules.ProbeOwnerBypass) {
		return nil
	}
	stmt := countSQL(c.tg.rel.ident, c.tg.col.ident, c.b.literal())
	res, err := c.check(ctx, c.actA, stmt)
	if err != nil {
		return err
	}
	c.passed(rules.ProbeOwnerBypass, c.obj())
	if n := res.count(); n > 0 {
		how := "owns the table"
		if c.tg.rel.owner != c.p.role {
			how = "is a member of its owner " + c.tg.rel.owner
		}
		c.p.report(leak{rule: rules.ProbeOwnerBypass, obj: c.obj(), actor: c.actA, a: c.a, b: c.b, stmt: stmt, seeds: clone(c.t.seeds),
			seen: fmt.Sprintf("rows of tenant B visible: %s", rowsText(n)),
			message: fmt.Sprintf("tenant A (as %s) could read %s of tenant B in %s: the application role %s and row level security is not forced, so no policy applies to it (writes and deletes are open too); add ALTER TABLE %s FORCE ROW LEVEL SECURITY",
				c.p.role, rowsText(n), c.tg.rel.name, how, c.tg.rel.name)})
	}
	return nil
}

// write runs a write as tenant A: affected rows are a fact for rule;
// a refusal is the expected answer; other errors are inconclusive.
func (c *checker) write(ctx context.Context, r *lint.Rule, stmt, verb, obj, label string) error {
	c.t.wrote = true
	res, err := c.check(ctx, c.actA, stmt)
	if err != nil {
		return err
	}
	switch {
	case res.err == nil && res.affected > 0:
		if c.facts == nil {
			c.facts = map[*lint.Rule][]fact{}
		}
		c.facts[r] = append(c.facts[r], fact{stmt: stmt, verb: verb, obj: obj})
	case res.err != nil && !denied(res.err):
		c.inconclusive(label, res.err)
	}
	return nil
}

// insert: as tenant A, insert a row for tenant B.
func (c *checker) insert(ctx context.Context) error {
	if c.p.readOnly || !c.p.on(rules.ProbeWriteLeak) {
		return nil
	}
	var stmt string
	err := c.t.savepoint(ctx, func() error {
		vals, overriding, err := c.s.values(ctx, c.tg.rel, &c.b, nil, 0, nil)
		if err != nil {
			return err
		}
		stmt = insertSQL(c.tg.rel, vals, overriding)
		return nil
	})
	if err != nil {
		if fatal(ctx, err) || isLockTimeout(err) || isStatementTimeout(err) {
			return err
		}
		c.inconclusive("inserting a row for tenant B", err)
		return nil
	}
	return c.write(ctx, rules.ProbeWriteLeak, stmt, "insert", "a row for tenant B", "inserting a row for tenant B")
}

// move: as tenant A, move one of A's rows to tenant B.
func (c *checker) move(ctx context.Context) error {
	if c.p.readOnly || !c.p.on(rules.ProbeWriteLeak) {
		return nil
	}
	c.passed(rules.ProbeWriteLeak, c.obj())
	if c.rowA != nil {
		stmt := "UPDATE " + c.tg.rel.ident + " SET " + c.tg.col.ident + " = " + c.b.literal() + " WHERE " + c.rowA.where()
		if err := c.write(ctx, rules.ProbeWriteLeak, stmt, "move", "one of its rows to tenant B", "moving a row of tenant A to tenant B"); err != nil {
			return err
		}
	}
	c.emit(rules.ProbeWriteLeak, "tenant A (as %s) could %s in %s: the policies' WITH CHECK does not pin the tenant column")
	return nil
}

// modify: as tenant A, update and delete one of B's rows.
func (c *checker) modify(ctx context.Context) error {
	if c.p.readOnly || !c.p.on(rules.ProbeDeleteLeak) || c.rowB == nil {
		return nil
	}
	c.passed(rules.ProbeDeleteLeak, c.obj())
	rel, col := c.tg.rel.ident, c.tg.col.ident
	if err := c.write(ctx, rules.ProbeDeleteLeak, "UPDATE "+rel+" SET "+col+" = "+col+" WHERE "+c.rowB.where(), "update", "a row of tenant B", "updating a row of tenant B"); err != nil {
		return err
	}
	if err := c.write(ctx, rules.ProbeDeleteLeak, "DELETE FROM "+rel+" WHERE "+c.rowB.where(), "delete", "a row of tenant B", "deleting a row of tenant B"); err != nil {
		return err
	}
	c.emit(rules.ProbeDeleteLeak, "tenant A (as %s) could %s in %s: the UPDATE/DELETE policies do not limit rows to the current tenant")
	return nil
}

// emit reports the facts of a rule as one finding.
func (c *checker) emit(r *lint.Rule, format string) {
	facts := c.facts[r]
	if len(facts) == 0 {
		return
	}
	var stmts []string
	for _, f := range facts {
		stmts = append(stmts, f.stmt)
	}
	what := describe(facts)
	c.p.report(leak{rule: r, obj: c.obj(), actor: c.actA, a: c.a, b: c.b, stmts: stmts, seeds: clone(c.t.seeds),
		seen:    "tenant A could " + what + " (statements below)",
		message: fmt.Sprintf(format, c.p.role, what, c.tg.rel.name)})
}

// empty: with the tenant set to the empty string (Supabase: a signed-in
// user of no tenant), then one finding with what phase 1 saw.
func (c *checker) empty(ctx context.Context) error {
	if !c.p.on(rules.ProbeUnsetContextLeak) {
		return nil
	}
	seen := c.tg.unset
	if c.rowB != nil {
		act := c.p.ten.empty(c.tg.rel.name.String())
		stmt := countSQL(c.tg.rel.ident, c.tg.col.ident, c.b.literal())
		res, err := c.check(ctx, act, stmt)
		if err != nil {
			return err
		}
		seen = append(seen, unsetSeen{actor: act, stmt: stmt, count: res.count(), x: c.b, seeds: clone(c.t.seeds)})
	}
	if len(seen) == 0 {
		return nil
	}
	c.passed(rules.ProbeUnsetContextLeak, c.obj())
	var parts, details []string
	var first *unsetSeen
	for i := range seen {
		u := &seen[i]
		if u.count == 0 {
			continue
		}
		if first == nil {
			first = u
		}
		parts = append(parts, fmt.Sprintf("%s %s", rowsText(u.count), u.actor.when))
		details = append(details, fmt.Sprintf("%s: %s of tenant %s", u.actor.who, rowsText(u.count), quoteLiteral(u.x.id)))
	}
	if first == nil {
		return nil
	}
	c.p.report(leak{rule: rules.ProbeUnsetContextLeak, obj: c.obj(), actor: first.actor, a: first.x, stmt: first.stmt, seeds: first.seeds,
		noTenant: true, seen: strings.Join(details, "\n"),
		message: fmt.Sprintf("with no tenant set, tenant rows of %s could be read: %s", c.tg.rel.name, strings.Join(parts, "; "))})
	return nil
}

// owner: as the table's owner (not a superuser, not the application
// role) with tenant A set, are B's rows visible?
func (c *checker) owner(ctx context.Context) error {
	rel := c.tg.rel
	if !c.p.on(rules.ProbeOwnerBypass) || c.rowB == nil || !rel.rls || rel.ownerSuper || rel.owner == c.p.role {
		return nil
	}
	if !rel.ownerBypass && rel.forced {
		c.passed(rules.ProbeOwnerBypass, c.obj())
		return nil
	}
	if !c.p.canBecome[rel.owner] {
		c.p.note("%s: the connection cannot SET ROLE to the owner %s: owner check skipped", rel.name, rel.owner)
		return nil
	}
	act := c.p.ten.asOwner(rel.owner, c.a, c.user)
	stmt := countSQL(rel.ident, c.tg.col.ident, c.b.literal())
	res, err := c.check(ctx, act, stmt)
	if err != nil {
		return err
	}
	c.passed(rules.ProbeOwnerBypass, c.obj())
	if n := res.count(); n > 0 {
		why := "row level security is not forced"
		fix := "ALTER TABLE " + rel.name.String() + " FORCE ROW LEVEL SECURITY"
		if rel.ownerBypass {
			why, fix = rel.owner+" has BYPASSRLS", "ALTER ROLE "+quoteIdent(rel.owner)+" NOBYPASSRLS, or give the table to another owner"
		}
		c.p.report(leak{rule: rules.ProbeOwnerBypass, obj: c.obj(), actor: act, a: c.a, b: c.b, stmt: stmt, seeds: clone(c.t.seeds),
			seen: fmt.Sprintf("rows of tenant B visible to the owner: %s", rowsText(n)),
			message: fmt.Sprintf("the table owner %s, with tenant A set, could read %s of tenant B in %s: %s; whatever connects as the owner (migrations, workers, SECURITY DEFINER functions) skips the policies; %s",
				rel.owner, rowsText(n), rel.name, why, fix)})
	}
	return nil
}

// spoof (Supabase): with tenant B written into user_metadata, does a
// member of A see more of B's rows than without?
func (c *checker) spoof(ctx context.Context) error {
	if c.p.supabase == nil || !c.p.on(rules.ProbeClaimSpoof) || c.rowB == nil {
		return nil
	}
	act := c.p.supabase.forged(c.a, c.user, c.b)
	stmt := countSQL(c.tg.rel.ident, c.tg.col.ident, c.b.literal())
	res, err := c.check(ctx, act, stmt)
	if err != nil {
		return err
	}
	c.passed(rules.ProbeClaimSpoof, c.obj())
	if n := res.count(); n > c.readSeen {
		c.p.report(leak{rule: rules.ProbeClaimSpoof, obj: c.obj(), actor: act, a: c.a, b: c.b, stmt: stmt, seeds: clone(c.t.seeds),
			seen: fmt.Sprintf("rows of tenant B visible: %s with honest claims, %s with forged user_metadata", rowsText(c.readSeen), rowsText(n)),
			message: fmt.Sprintf("a member of tenant A who writes tenant B's id into user_metadata (which every user can edit) could read %s of tenant B in %s instead of %d: the policies trust user-editable metadata",
				rowsText(n), c.tg.rel.name, c.readSeen)})
	}
	return nil
}

// viewLeak is a view finding and the table it was found through (a
// view over several tenant tables is reported once).
type viewLeak struct {
	table   string
	finding lint.Finding
}

// views: read as tenant A, does a view over the table return rows of
// tenant B? Views with the tenant column are asked for B's rows; others
// are read before and after a row of B is added (writes allowed only).
func (c *checker) views(ctx context.Context) error {
	if !c.p.on(rules.ProbeViewLeak) || c.rowB == nil {
		return nil
	}
	for _, v := range c.tg.views {
		obj := lint.Object{Kind: v.kindName(), Name: v.name.String()}
		if vc := v.byName[c.tg.col.name]; vc != nil {
			stmt := countSQL(v.ident, vc.ident, lit(c.b.id, vc.typ).String())
			res, err := c.check(ctx, c.actA, stmt)
			if err != nil {
				return err
			}
			if res.err != nil {
				continue // not readable by the application: nothing leaks through it
			}
			c.passed(rules.ProbeViewLeak, obj)
			if n := res.count(); n > 0 {
				c.viewLeak(v, leak{rule: rules.ProbeViewLeak, obj: obj, actor: c.actA, a: c.a, b: c.b, stmt: stmt, seeds: clone(c.t.seeds),
					seen:    fmt.Sprintf("rows of tenant B returned by the view: %s", rowsText(n)),
					message: c.viewMessage(v, fmt.Sprintf("returned %s of tenant B", rowsText(n)))})
			}
			continue
		}
		if v.kind == "m" || c.p.readOnly {
			continue // a snapshot does not change; and the differential check writes
		}
		if err := c.viewDiff(ctx, v, obj); err != nil {
			return err
		}
	}
	return nil
}

// viewSig reads a digest of (up to countLimit) rows of a view.
func viewSig(v *relation) string {
	return "SELECT count(*)::text || ' ' || coalesce(md5(string_agg(x, ',' ORDER BY x)), '') FROM (SELECT v::text AS x FROM " +
		v.ident + " v LIMIT " + strconv.Itoa(countLimit) + ") s"
}

// viewDiff reads a view without the tenant column as tenant A, adds a row
// of tenant B, and reads it again: a change means B's data shows through.
func (c *checker) viewDiff(ctx context.Context, v *relation, obj lint.Object) error {
	stmt := viewSig(v)
	before, err := c.check(ctx, c.actA, stmt)
	if err != nil {
		return err
	}
	if before.err != nil || len(before.rows) == 0 {
		return nil
	}
	seedsBefore := clone(c.t.seeds)
	b := c.b
	if _, err := c.s.seed(ctx, c.tg.rel, &b, nil, 0); err != nil {
		if fatal(ctx, err) {
			return err
		}
		c.inconclusive("reading view "+v.name.String()+" before and after adding a row of tenant B", err)
		return nil
	}
	after, err := c.check(ctx, c.actA, stmt)
	if err != nil {
		return err
	}
	if after.err != nil || len(after.rows) == 0 {
		return nil
	}
	c.passed(rules.ProbeViewLeak, obj)
	if before.rows[0][0] != after.rows[0][0] {
		added := c.t.seeds[len(seedsBefore):]
		stmts := []string{stmt, "RESET ROLE"}
		stmts = append(stmts, added...)
		stmts = append(stmts, c.actA.statements()...)
		stmts = append(stmts, stmt)
		c.viewLeak(v, leak{rule: rules.ProbeViewLeak, obj: obj, actor: c.actA, a: c.a, b: c.b, stmts: stmts, seeds: seedsBefore,
			seen:    "the view's rows (count and digest) before and after adding a row of tenant B: " + before.rows[0][0] + " / " + after.rows[0][0],
			message: c.viewMessage(v, "changed when a row of tenant B was added to "+c.tg.rel.name.String())})
	}
	return nil
}

func (c *checker) viewMessage(v *relation, what string) string {
	why := "it runs with its owner's rights"
	switch {
	case v.kind == "m":
		why = "materialized views have no row level security"
	case v.securityInvoker:
		why = "it reads the table with the caller's rights, so the table's policies let B's rows through"
	case v.ownerSuper:
		why = "it runs with the rights of its owner " + v.owner + ", a superuser (no security_invoker)"
	default:
		why = "it runs with the rights of its owner " + v.owner + " (no security_invoker)"
	}
	return fmt.Sprintf("read by tenant A (as %s), %s %s %s: %s", c.p.role, v.kindName(), v.name, what, why)
}

func (c *checker) viewLeak(v *relation, l leak) {
	f := c.p.finding(l)
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	c.p.views[v.oid] = append(c.p.views[v.oid], viewLeak{table: c.tg.rel.name.String(), finding: f})
}

func clone(s []string) []string { return append([]string(nil), s...) }
