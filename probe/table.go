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
	// scope says which rows were looked at (unindexed tables).
	scope string
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
	case errors.As(err, &ie):
		reason = "not probed: " + ie.Error()
		p.note("%s: %s; everything was rolled back. Stack:\n%s", tg.rel.name, ie.Error(), strings.TrimSpace(ie.stack))
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
	locks := &txLocks{p: p}
	defer locks.release() // after the rollback
	err := inTx(ctx, p.pool, p.lim, p.seqGuard[tg.rel.oid], func(t *tx) error {
		s := &seeder{p: p, t: t, label: tg.rel.name.String(), locks: locks}
		lk := newLookup(tg)
		ids, err := p.discoverTenants(ctx, t, lk)
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
			a, _, err := p.pickTenants(ctx, t, lk)
			if err != nil {
				return err
			}
			r, err := s.seed(ctx, tg.rel, &a, nil, 0)
			if err != nil {
				return err
			}
			lk.addSeeded(a, r)
			x = a
		}
		stmt, ok := lk.countSQL(x)
		if !ok {
			return nil
		}
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
			tg.unset = append(tg.unset, unsetSeen{actor: act, stmt: stmt, count: res.count(), x: x, seeds: clone(t.seeds), scope: lk.scope(x)})
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
	locks := &txLocks{p: p}
	defer locks.release() // after the rollback
	err := inTx(ctx, p.pool, p.lim, p.seqGuard[tg.rel.oid], func(t *tx) error {
		c := &checker{p: p, t: t, tg: tg, lk: newLookup(tg), s: &seeder{p: p, t: t, label: tg.rel.name.String(), locks: locks}}
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
	p    *prober
	t    *tx
	tg   *target
	lk   *lookup
	s    *seeder
	a, b tenantRef
	rowA *row
	rowB *row
	user string
	actA actor
	// userSeeded: the member acting for A was seeded in this
	// transaction (it owns no row but those seeded for it). seat are the
	// columns the UPDATE policies tie to the current user, and seatOnly
	// whether every UPDATE policy does (Supabase).
	userSeeded bool
	seat       []string
	seatOnly   bool
	readSeen   int64
	// facts collects what the write and delete checks could do, for
	// one finding per rule.
	facts map[*lint.Rule][]fact
}

// fact is one thing a check could do: the statement, and what it did
// as a verb and its object ("delete", "a row of tenant B").
type fact struct {
	stmt      string
	verb, obj string
	affected  int64
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
	if c.a, c.b, err = p.pickTenants(ctx, t, c.lk); err != nil {
		return err
	}
	snap, err := p.snapshotBefore(ctx, t)
	if err != nil {
		return err
	}
	defer p.restore(ctx, t, snap)
	if c.rowB, err = p.rowFor(ctx, t, c.s, c.lk, c.b); err != nil {
		return fmt.Errorf("seeding a row of tenant B: %w", err)
	}
	if p.supabase != nil {
		c.seat, c.seatOnly = seatColumns(p.cat, tg.model, p.role)
	}
	// The member first when A's row must be theirs; else A's row first
	// (in a membership table, it may be the member's membership).
	for _, step := range []string{"row", "member", "row"} {
		switch {
		case step == "member" && p.supabase != nil:
			if c.user, c.userSeeded, err = p.memberOf(ctx, t, c.s, tg, c.a, c.b); err != nil {
				return fmt.Errorf("finding a member of tenant A: %w", err)
			}
		case step == "row" && !p.readOnly && c.rowA == nil && (len(c.seat) == 0) == (c.user == ""):
			if c.rowA, err = c.ownRowA(ctx); err != nil {
				return fmt.Errorf("seeding a row of tenant A: %w", err)
			}
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
		where := ""
		if !c.lk.indexed {
			where = fmt.Sprintf(" among its first %d rows (%s has no index)", sampleRows, c.tg.col.name)
		}
		c.p.note("%s: no rows of a second tenant%s and none may be seeded (%s): read checks skipped", c.tg.rel.name, where, c.p.res.ReadOnlyReason)
		return nil
	}
	if !c.p.on(rules.ProbeReadLeak) && c.p.supabase == nil {
		return nil
	}
	stmt := c.countB()
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
			seen:    fmt.Sprintf("rows of tenant B visible: %s%s", rowsText(c.readSeen), c.lk.scope(c.b)),
			message: fmt.Sprintf("tenant A (as %s) could read %s of tenant B in %s", c.p.role, rowsText(c.readSeen), c.tg.rel.name)})
	}
	return nil
}

// countB counts the rows of tenant B whoever runs it can see (rowB is
// set: there is a row of B to look at).
func (c *checker) countB() string {
	stmt, ok := c.lk.countSQL(c.b)
	if !ok {
		// Not reached: rowB was found or seeded, and the lookup knows it.
		return countSQL(c.tg.rel.ident, c.tg.col.ident, c.b.literal())
	}
	return stmt
}

// ownerAsApp: the application role owns the table (or is a member of its
// owner) and RLS is not forced, so no policy applies to it. One finding
// says so; the other checks would only repeat it.
func (c *checker) ownerAsApp(ctx context.Context) error {
	if c.rowB == nil || !c.p.on(rules.ProbeOwnerBypass) {
		return nil
	}
	stmt := c.countB()
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
			seen: fmt.Sprintf("rows of tenant B visible: %s%s", rowsText(n), c.lk.scope(c.b)),
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
		c.facts[r] = append(c.facts[r], fact{stmt: stmt, verb: verb, obj: obj, affected: res.affected})
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

// ownRowA returns a row of tenant A to move. When the UPDATE policies tie
// rows to their user (author_id = auth.uid()), a user may only update
// their own rows: the row must be the acting member's, found or seeded
// with those columns set to the member.
func (c *checker) ownRowA(ctx context.Context) (*row, error) {
	p, tg := c.p, c.tg
	var fixed map[string]value
	conds := []string{tg.col.ident + " = " + c.a.literal()}
	for _, name := range c.seat {
		col := tg.rel.byName[name]
		if col == nil || name == tg.col.name || c.user == "" {
			continue
		}
		if fixed == nil {
			fixed = map[string]value{}
		}
		fixed[name] = lit(c.user, col.typ)
		conds = append(conds, col.ident+" = "+fixed[name].String())
	}
	if fixed == nil {
		return p.rowFor(ctx, c.t, c.s, c.lk, c.a)
	}
	if c.lk.indexed {
		// The tenant's index finds the tenant's rows; the member's own
		// among them are few (a seeded member has none).
		r, err := keyOf(ctx, c.t, tg, strings.Join(conds, " AND "))
		if err != nil || r != nil {
			return r, err
		}
	}
	a := c.a
	r, err := c.s.seed(ctx, tg.rel, &a, fixed, 0)
	if err != nil {
		return nil, err
	}
	c.lk.addSeeded(a, r)
	return r, nil
}

// move: as tenant A, move one of A's rows to tenant B.
func (c *checker) move(ctx context.Context) error {
	if c.p.readOnly || !c.p.on(rules.ProbeWriteLeak) {
		return nil
	}
	c.passed(rules.ProbeWriteLeak, c.obj())
	if c.rowA != nil {
		if err := c.moveRow(ctx); err != nil {
			return err
		}
	} else {
		c.p.note("%s: moving a row of tenant A to tenant B was not tried: no row of tenant A", c.tg.rel.name)
	}
	c.emit(rules.ProbeWriteLeak, "tenant A (as %s) could %s in %s: the policies' WITH CHECK does not pin the tenant column")
	return nil
}

// moveRow tries to move rowA to tenant B, by its key. An UPDATE whose
// WHERE reads the row also checks the new row against the SELECT
// policies, which usually refuse a row of B; an UPDATE that reads no
// column (PostgREST's PATCH without filters) does not, and only the
// UPDATE policies' WITH CHECK (else USING) guard the new row. So when the
// keyed UPDATE is refused, and the UPDATE policies let a user update only
// their own rows and the member was seeded (its own rows are the ones
// seeded in this transaction), the UPDATE is tried without WHERE.
func (c *checker) moveRow(ctx context.Context) error {
	const label = "moving a row of tenant A to tenant B"
	set := "UPDATE " + c.tg.rel.ident + " SET " + c.tg.col.ident + " = " + c.b.literal()
	stmt := set + " WHERE " + c.rowA.where()
	c.t.wrote = true
	res, err := c.check(ctx, c.actA, stmt)
	if err != nil {
		return err
	}
	switch {
	case res.err == nil && res.affected > 0:
		c.fact(rules.ProbeWriteLeak, fact{stmt: stmt, verb: "move", obj: "one of its rows to tenant B", affected: res.affected})
		return nil
	case res.err != nil && !denied(res.err):
		c.inconclusive(label, res.err)
		return nil
	case len(c.seat) == 0:
		return nil // refused, or no row to update: the policies hold
	case !c.seatOnly:
		c.p.note("%s: %s was inconclusive: the UPDATE by key was refused (%s), and an UPDATE without WHERE, which skips the SELECT policies, was not tried: some UPDATE policy is not limited to the user's own rows, so it would touch all of tenant A's rows",
			c.tg.rel.name, label, refusal(res))
		return nil
	case !c.userSeeded:
		// An existing member may own many rows: act from now on as a
		// member seeded for the probe, who owns only the rows seeded
		// for it, so that the UPDATE without WHERE touches those only.
		if err := c.becomeSeededMember(ctx); err != nil {
			if fatal(ctx, err) || isLockTimeout(err) || isStatementTimeout(err) {
				return err
			}
			c.p.note("%s: %s was inconclusive: the UPDATE by key was refused (%s), and an UPDATE without WHERE, which skips the SELECT policies, was not tried: seeding a member of tenant A who owns only a seeded row failed: %s",
				c.tg.rel.name, label, refusal(res), errText(err))
			return nil
		}
	}
	res, err = c.check(ctx, c.actA, set)
	if err != nil {
		return err
	}
	switch {
	case res.err == nil && res.affected > 0:
		c.fact(rules.ProbeWriteLeak, fact{stmt: set, verb: "move (with an UPDATE without WHERE, as a PATCH without filters sends)", obj: "one of its rows to tenant B", affected: res.affected})
	case res.err != nil && !denied(res.err):
		c.inconclusive(label+" with an UPDATE without WHERE", res.err)
	}
	return nil
}

// becomeSeededMember seeds a member of tenant A and a row of A they own,
// and acts as that member for the rest of the table's checks (a member of
// A and not of B, like the one it replaces).
func (c *checker) becomeSeededMember(ctx context.Context) error {
	var user string
	var row *row
	err := c.t.savepoint(ctx, func() error {
		var err error
		if user, _, err = c.p.seedMember(ctx, c.s, c.tg, c.a); err != nil {
			return err
		}
		old := c.user
		c.user = user
		row, err = c.ownRowA(ctx)
		c.user = old
		return err
	})
	if err != nil {
		return err
	}
	if row == nil {
		return softErrorf("no row of tenant A")
	}
	c.user, c.userSeeded, c.rowA = user, true, row
	c.actA = c.p.ten.asTenant(c.a, user)
	return nil
}

func refusal(res attemptResult) string {
	if res.err != nil {
		return errText(res.err)
	}
	return "no row updated"
}

func (c *checker) fact(r *lint.Rule, f fact) {
	if c.facts == nil {
		c.facts = map[*lint.Rule][]fact{}
	}
	c.facts[r] = append(c.facts[r], f)
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
	var stmts, done []string
	for _, f := range facts {
		stmts = append(stmts, f.stmt)
		done = append(done, fmt.Sprintf("%s %s (%s affected)", f.verb, f.obj, rowsText(f.affected)))
	}
	what := describe(facts)
	c.p.report(leak{rule: r, obj: c.obj(), actor: c.actA, a: c.a, b: c.b, stmts: stmts, seeds: clone(c.t.seeds),
		seen:    "what tenant A could do (statements below): " + strings.Join(done, "; "),
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
		stmt := c.countB()
		res, err := c.check(ctx, act, stmt)
		if err != nil {
			return err
		}
		seen = append(seen, unsetSeen{actor: act, stmt: stmt, count: res.count(), x: c.b, seeds: clone(c.t.seeds), scope: c.lk.scope(c.b)})
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
		details = append(details, fmt.Sprintf("%s: %s of tenant %s%s", u.actor.who, rowsText(u.count), quoteLiteral(u.x.id), u.scope))
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
	stmt := c.countB()
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
			seen: fmt.Sprintf("rows of tenant B visible to the owner: %s%s", rowsText(n), c.lk.scope(c.b)),
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
	stmt := c.countB()
	res, err := c.check(ctx, act, stmt)
	if err != nil {
		return err
	}
	c.passed(rules.ProbeClaimSpoof, c.obj())
	if n := res.count(); n > c.readSeen {
		c.p.report(leak{rule: rules.ProbeClaimSpoof, obj: c.obj(), actor: act, a: c.a, b: c.b, stmt: stmt, seeds: clone(c.t.seeds),
			seen: fmt.Sprintf("rows of tenant B visible: %s with honest claims, %s with forged user_metadata%s", rowsText(c.readSeen), rowsText(n), c.lk.scope(c.b)),
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
