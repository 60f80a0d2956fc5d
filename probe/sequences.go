package probe

import (
	"context"

	"github.com/tenantguard/tenantguard/lint/model"
)

// Sequences are not transactional: a nextval() survives the ROLLBACK.
// The probe's own inserts give identity and serial columns explicit
// values, so they never call nextval(). Triggers and rules may (an audit
// trigger writing to a table with a bigserial key): the transactions of
// tables whose writes can reach a trigger (through foreign keys, either
// way) run one at a time, read every sequence before and after, and set
// back those that moved, provided no other session used them meanwhile
// (the value is still the one the probe left). A sequence another session
// advanced is left alone, with a note: a gap in a sequence is harmless,
// reusing a value another session was given is not.

// triggerReach marks the tables whose probe may fire a trigger: those in
// a group of tables linked by foreign keys (seeding writes parents,
// deletes cascade to children) where some table has a trigger or rule.
// With the Supabase preset, triggers on auth.users or a membership table
// (seeded members) reach every table.
func (p *prober) triggerReach() map[uint32]bool {
	parent := map[uint32]uint32{}
	var find func(x uint32) uint32
	find = func(x uint32) uint32 {
		if px, ok := parent[x]; ok && px != x {
			r := find(px)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for _, r := range p.lc.byOID {
		for _, fk := range r.fks {
			a, b := find(r.oid), find(fk.parent)
			if a != b {
				parent[a] = b
			}
		}
	}
	triggered := map[uint32]bool{}
	for _, r := range p.lc.byOID {
		if r.hasTriggers {
			triggered[find(r.oid)] = true
		}
	}
	all := false
	if p.supabase != nil {
		for _, tg := range p.targets {
			for _, m := range p.memberships(tg) {
				all = all || triggered[find(m.rel.oid)]
			}
		}
		if u := p.lc.relation(model.QName{Schema: "auth", Name: "users"}); u != nil {
			all = all || triggered[find(u.oid)]
		}
	}
	out := map[uint32]bool{}
	for _, tg := range p.targets {
		out[tg.rel.oid] = all || triggered[find(tg.rel.oid)]
	}
	return out
}

// seqState is a sequence's last value ("" when nextval was never called)
// and its start value.
type seqState struct {
	ident string
	last  string
	start string
}

const querySequences = `SELECT c.oid::text, quote_ident(n.nspname) || '.' || quote_ident(c.relname), s.seqstart::text,
  CASE WHEN has_sequence_privilege(c.oid, 'SELECT') THEN pg_sequence_last_value(c.oid)::text END
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace`

// snapshot reads every sequence, when writes may move some (nil
// otherwise).
func (p *prober) snapshot(ctx context.Context, t *tx) (map[string]seqState, error) {
	if p.readOnly || !t.seqGuard {
		return nil, nil
	}
	rows, err := t.rows(ctx, querySequences)
	if err != nil {
		return nil, err
	}
	out := make(map[string]seqState, len(rows))
	for _, r := range rows {
		out[deref(r[0])] = seqState{ident: deref(r[1]), start: deref(r[2]), last: deref(r[3])}
	}
	return out, nil
}

// snapshotBefore is snapshot at the start of a transaction: it also marks
// where restore rolls back to when a statement left the transaction
// failed, so that the sequences can still be read.
func (p *prober) snapshotBefore(ctx context.Context, t *tx) (map[string]seqState, error) {
	snap, err := p.snapshot(ctx, t)
	if err != nil || snap == nil {
		return snap, err
	}
	return snap, t.exec(ctx, "SAVEPOINT tenantguard_sequences")
}

// restore sets back the sequences the transaction moved. It runs before
// the transaction ends (setval is not rolled back either).
func (p *prober) restore(ctx context.Context, t *tx, before map[string]seqState) {
	if before == nil || !t.wrote || t.pg.IsClosed() {
		return
	}
	if t.pg.TxStatus() == 'E' {
		// A failed statement left the transaction aborted: undo the
		// table's rows now (the whole transaction is rolled back anyway)
		// so that the sequences can be read and set back.
		if err := t.exec(ctx, "ROLLBACK TO SAVEPOINT tenantguard_sequences"); err != nil {
			p.note("could not check sequences after probing: %s", errText(err))
			return
		}
	}
	after, err := p.snapshot(ctx, t)
	if err != nil {
		p.note("could not check sequences after probing: %s", errText(err))
		return
	}
	for oid, a := range after {
		b, ok := before[oid]
		if !ok || a.last == b.last {
			continue
		}
		target, called := b.last, "true"
		if b.last == "" {
			target, called = b.start, "false"
		}
		// Set back only if nobody else moved it since the probe read it.
		sql := "SELECT setval(" + quoteLiteral(oid) + "::oid::regclass, " + target + ", " + called + ") WHERE pg_sequence_last_value(" +
			quoteLiteral(oid) + "::oid::regclass) IS NOT DISTINCT FROM " + nullable(a.last) + "::bigint"
		rows, err := t.rows(ctx, sql)
		switch {
		case err != nil:
			p.note("sequence %s moved from %s to %s during the probe (a trigger called nextval) and could not be set back: %s",
				a.ident, orNone(b.last), a.last, errText(err))
			if t.pg.TxStatus() == 'E' {
				return
			}
		case len(rows) == 0:
			p.note("sequence %s moved during the probe and another session used it meanwhile: left as it is (a gap in a sequence is harmless)", a.ident)
		}
	}
}

func nullable(s string) string {
	if s == "" {
		return "NULL"
	}
	return quoteLiteral(s)
}

func orNone(s string) string {
	if s == "" {
		return "(never called)"
	}
	return s
}
