package probe

import (
	"context"
	"fmt"
	"strings"
)

// Seeding: when a table has no rows for a tenant, the probe inserts some
// inside its transaction (rolled back with it). A seeded row has a value
// for every NOT NULL column; identity and serial columns get explicit
// values (with OVERRIDING SYSTEM VALUE), so no sequence moves; foreign keys
// point at existing rows of the same tenant, or at parents seeded the same
// way; the primary key is always explicit, so the reproduction SQL names
// the same row.

// maxSeedDepth bounds the chain of parents seeded for one row.
const maxSeedDepth = 6

// row is a row of a relation the probe found or seeded.
type row struct {
	rel *relation
	// key holds the primary key values (nil when the table has none);
	// ctid locates the row inside the probe's transaction.
	key  map[string]value
	ctid string
	// values are the values of a seeded row (nil for found rows).
	values map[string]value
	seeded bool
}

// where returns a condition naming the row: by primary key when there is
// one, else by ctid (valid inside the transaction only).
func (r *row) where() string {
	if len(r.key) > 0 && len(r.rel.pk) > 0 {
		var parts []string
		for _, c := range r.rel.pk {
			parts = append(parts, r.rel.byName[c].ident+" = "+r.key[c].String())
		}
		return strings.Join(parts, " AND ")
	}
	return "ctid = " + quoteLiteral(r.ctid) + "::tid"
}

// seeder builds and inserts rows for one probe transaction.
type seeder struct {
	p     *prober
	t     *tx
	label string // the table being probed: seeded values derive from it
	n     int
	// locks is what the transaction holds in the run (nil: nothing).
	locks *txLocks
}

// txLocks are the run-wide locks a probe transaction takes, released once
// it has rolled back.
//
// Seeded values derive from the table probed (seeder.label), so tables
// probed at once never insert the same key and never wait on each other.
// The exception is a configured tenant (probe.tenants) missing from the
// tenant root: every table needs that very row. The transactions that
// seed one take shared in turn, so the second does not wait on the first's
// uncommitted row until lock_timeout (the row cannot be committed once
// for all: every probe transaction rolls back).
type txLocks struct {
	p    *prober
	held bool
}

func (l *txLocks) shared() {
	if l != nil && !l.held {
		l.p.sharedMu.Lock()
		l.held = true
	}
}

func (l *txLocks) release() {
	if l != nil && l.held {
		l.held = false
		l.p.sharedMu.Unlock()
	}
}

// tenantOf returns the tenant column of a tenant-scoped relation.
func (s *seeder) tenantOf(r *relation) string { return s.p.tenantCol[r.oid] }

// seed inserts a row of rel for tenant (nil for a table that is not
// tenant-scoped), with some columns fixed, inside a savepoint. The
// statement is recorded for the reproduction SQL.
func (s *seeder) seed(ctx context.Context, rel *relation, tenant *tenantRef, fixed map[string]value, depth int) (*row, error) {
	if depth > maxSeedDepth {
		return nil, softErrorf("foreign keys nest deeper than %d tables", maxSeedDepth)
	}
	if rel.kind == "v" || rel.kind == "m" {
		return nil, softErrorf("%s is a %s", rel.name, rel.kindName())
	}
	var r *row
	insert := func(tmpl map[string]*string) error {
		return s.t.savepoint(ctx, func() error {
			vals, overriding, err := s.values(ctx, rel, tenant, fixed, depth, tmpl)
			if err != nil {
				return err
			}
			sql := insertSQL(rel, vals, overriding)
			res, err := s.t.one(ctx, sql+" RETURNING ctid::text")
			if err != nil {
				return err
			}
			s.t.wrote = true
			s.t.seeds = append(s.t.seeds, sql)
			r = &row{rel: rel, values: vals, seeded: true}
			if res != nil && res[0] != nil {
				r.ctid = *res[0]
			}
			if len(rel.pk) > 0 {
				r.key = map[string]value{}
				for _, c := range rel.pk {
					v, ok := vals[c]
					if !ok {
						r.key = nil
						break
					}
					r.key[c] = v
				}
			}
			return nil
		})
	}
	err := insert(nil)
	if err != nil && retryWithTemplate(err) {
		// A check constraint or a partition bound refused made-up values:
		// copy the ordinary columns of an existing row.
		if tmpl, terr := s.template(ctx, rel); terr == nil && tmpl != nil {
			err = insert(tmpl)
		}
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// retryWithTemplate reports errors that copied values may avoid: check
// constraints and partition bounds (23514), bad input (22xxx).
func retryWithTemplate(err error) bool {
	st := sqlState(err)
	return st == "23514" || strings.HasPrefix(st, "22")
}

func insertSQL(rel *relation, vals map[string]value, overriding bool) string {
	if len(vals) == 0 {
		return "INSERT INTO " + rel.ident + " DEFAULT VALUES"
	}
	var cols, exprs []string
	for _, c := range rel.cols {
		if v, ok := vals[c.name]; ok {
			cols = append(cols, c.ident)
			exprs = append(exprs, v.String())
		}
	}
	sql := "INSERT INTO " + rel.ident + " (" + strings.Join(cols, ", ") + ")"
	if overriding {
		sql += " OVERRIDING SYSTEM VALUE"
	}
	return sql + " VALUES (" + strings.Join(exprs, ", ") + ")"
}

// values decides the columns of a new row. tmpl, when given, holds an
// existing row's values (as text) for the ordinary columns.
func (s *seeder) values(ctx context.Context, rel *relation, tenant *tenantRef, fixed map[string]value, depth int, tmpl map[string]*string) (map[string]value, bool, error) {
	s.n++
	seq := fmt.Sprint(s.n)
	vals := map[string]value{}
	for k, v := range fixed {
		vals[k] = v
	}
	tcol := s.tenantOf(rel)
	if tenant != nil && tcol != "" {
		if _, ok := vals[tcol]; !ok {
			vals[tcol] = lit(tenant.id, rel.byName[tcol].typ)
		}
	}
	// Partition keys: a value inside some partition's bounds.
	if tmpl == nil && (rel.kind == "p" || rel.partition) {
		pv, err := s.partitionValues(ctx, rel)
		if err != nil {
			return nil, false, err
		}
		for col, v := range pv {
			if c := rel.byName[col]; c != nil {
				if _, ok := vals[col]; !ok {
					vals[col] = lit(v, c.typ)
				}
			}
		}
	}
	// Foreign keys first: they decide several columns at once.
	for _, fk := range rel.fks {
		if err := s.foreignKey(ctx, rel, fk, tenant, vals, depth); err != nil {
			return nil, false, err
		}
	}
	overriding := false
	for _, c := range rel.cols {
		if _, ok := vals[c.name]; ok || c.generated {
			continue
		}
		inPK := contains(rel.pk, c.name)
		switch {
		case c.usesSequence() || inPK && !c.hasDefault:
			v, ok := freshValue(c, s.label, rel.name.String(), c.name, seq)
			if !ok {
				if c.notNull && !c.hasDefault {
					return nil, false, softErrorf("cannot make up a value for %s.%s (%s)", rel.name, c.name, c.typ)
				}
				continue
			}
			vals[c.name] = v
			overriding = overriding || c.identity != ""
		case inPK:
			// A key with a default (gen_random_uuid()): explicit anyway,
			// so the reproduction SQL finds the same row.
			if v, ok := freshValue(c, s.label, rel.name.String(), c.name, seq); ok {
				vals[c.name] = v
			}
		case tmpl != nil && tmpl[c.name] != nil && !rel.isUnique(c.name):
			vals[c.name] = lit(*tmpl[c.name], c.typ)
		case !c.notNull || c.hasDefault:
			// NULL or the default will do.
		case rel.isUnique(c.name):
			v, ok := freshValue(c, s.label, rel.name.String(), c.name, seq)
			if !ok {
				return nil, false, softErrorf("cannot make up a unique value for %s.%s (%s)", rel.name, c.name, c.typ)
			}
			vals[c.name] = v
		default:
			v, ok := plainValue(c, s.label, rel.name.String(), c.name, seq)
			if !ok {
				if tmpl == nil {
					// Let the insert fail; the retry copies a row.
					vals[c.name] = value{text: "NULL", expr: true}
					continue
				}
				return nil, false, softErrorf("cannot make up a value for %s.%s (%s)", rel.name, c.name, c.typ)
			}
			vals[c.name] = v
		}
	}
	return vals, overriding, nil
}

// foreignKey fills the columns of one foreign key: NULL when they may be
// (and are not the tenant column), else the key of an existing parent row
// of the same tenant, else of a seeded one.
func (s *seeder) foreignKey(ctx context.Context, rel *relation, fk *foreignKey, tenant *tenantRef, vals map[string]value, depth int) error {
	parent := fk.parentRel
	// Undecided columns that may be NULL: one NULL is enough for the
	// foreign key not to be checked (MATCH SIMPLE).
	var decided = true
	var nullable []string
	for _, c := range fk.cols {
		if _, ok := vals[c]; !ok {
			decided = false
			if !rel.byName[c].notNull {
				nullable = append(nullable, c)
			}
		}
	}
	if parent == nil {
		if decided || len(nullable) > 0 {
			return nil
		}
		return softErrorf("%s references a relation the probe cannot see", rel.name)
	}
	if decided {
		// A fixed single-column reference (the tenant column to the
		// tenant root, a member's user id): the parent must exist.
		if v := vals[fk.cols[0]]; len(fk.cols) == 1 && !v.expr {
			return s.ensureParent(ctx, parent, fk.refCols[0], v, depth)
		}
		return nil
	}
	if len(nullable) > 0 {
		for _, c := range nullable {
			vals[c] = value{text: "NULL", expr: true}
		}
		return nil
	}
	// A reference to a Supabase user: the tenant's own (seeded) user, so
	// that a row seeded for tenant B never names tenant A's member.
	if users := s.p.usersRel(); parent == users && tenant != nil && len(fk.cols) == 1 {
		u := lit(s.userOf(*tenant), rel.byName[fk.cols[0]].typ)
		vals[fk.cols[0]] = u
		return s.ensureParent(ctx, parent, fk.refCols[0], u, depth)
	}
	// Conditions on the parent: columns already decided (the tenant
	// column of a composite key), and the parent's own tenant.
	var conds []string
	indexed := false // some condition can use an index
	for i, c := range fk.cols {
		if v, ok := vals[c]; ok && !v.expr {
			conds = append(conds, parent.byName[fk.refCols[i]].ident+" = "+v.String())
			indexed = indexed || parent.leading[fk.refCols[i]]
		}
	}
	ptcol := s.tenantOf(parent)
	var ptenant *tenantRef
	if ptcol != "" && tenant != nil {
		pt := tenantRef{id: tenant.id, typ: parent.byName[ptcol].typ}
		ptenant = &pt
		conds = append(conds, parent.byName[ptcol].ident+" = "+pt.literal())
		indexed = indexed || parent.leading[ptcol]
	}
	var sel []string
	for _, rc := range fk.refCols {
		sel = append(sel, parent.byName[rc].ident+"::text")
	}
	from := parent.ident
	if len(conds) > 0 && !indexed {
		// No index for the conditions: look among the first rows only
		// (else seed a parent), so the cost does not grow with the table.
		from = "(SELECT * FROM " + parent.ident + " LIMIT " + itoa(sampleRows) + ") p"
	}
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + from
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	found, err := s.t.one(ctx, q+" LIMIT 1")
	if err != nil {
		return err
	}
	if found != nil {
		for i, c := range fk.cols {
			if found[i] == nil {
				return softErrorf("%s: parent row with NULL key", rel.name)
			}
			vals[c] = lit(*found[i], rel.byName[c].typ)
		}
		return nil
	}
	if parent == rel {
		return softErrorf("%s references itself and has no row to point at", rel.name)
	}
	fixed := map[string]value{}
	for i, c := range fk.cols {
		if v, ok := vals[c]; ok && !v.expr {
			fixed[fk.refCols[i]] = lit(v.text, parent.byName[fk.refCols[i]].typ)
		}
	}
	pr, err := s.seed(ctx, parent, ptenant, fixed, depth+1)
	if err != nil {
		return softErrorf("seeding a parent row in %s: %s", parent.name, errText(err))
	}
	for i, c := range fk.cols {
		v, ok := pr.values[fk.refCols[i]]
		if !ok {
			return softErrorf("the seeded parent row in %s has no explicit %s", parent.name, fk.refCols[i])
		}
		vals[c] = lit(v.text, rel.byName[c].typ)
	}
	return nil
}

// ensureParent makes sure a row with col = v exists in parent (the tenant
// root), seeding it when it does not.
func (s *seeder) ensureParent(ctx context.Context, parent *relation, col string, v value, depth int) error {
	c := parent.byName[col]
	if c == nil {
		return softErrorf("%s has no column %s", parent.name, col)
	}
	got, err := s.t.one(ctx, "SELECT 1 FROM "+parent.ident+" WHERE "+c.ident+" = "+lit(v.text, c.typ).String()+" LIMIT 1")
	if err != nil || got != nil {
		return err
	}
	if contains(s.p.cfg.Probe.Tenants, v.text) {
		// A configured tenant: other tables may be seeding it too.
		s.locks.shared()
		if got, err := s.t.one(ctx, "SELECT 1 FROM "+parent.ident+" WHERE "+c.ident+" = "+lit(v.text, c.typ).String()+" LIMIT 1"); err != nil || got != nil {
			return err
		}
	}
	_, err = s.seed(ctx, parent, nil, map[string]value{col: lit(v.text, c.typ)}, depth+1)
	if err != nil {
		return softErrorf("seeding tenant %s in %s: %s", v.text, parent.name, errText(err))
	}
	return nil
}

// template returns the values of some row of rel, as text.
func (s *seeder) template(ctx context.Context, rel *relation) (map[string]*string, error) {
	var sel []string
	for _, c := range rel.cols {
		sel = append(sel, c.ident+"::text")
	}
	got, err := s.t.one(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+rel.ident+" LIMIT 1")
	if err != nil || got == nil {
		return nil, err
	}
	out := map[string]*string{}
	for i, c := range rel.cols {
		out[c.name] = got[i]
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
