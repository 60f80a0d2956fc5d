package probe

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/tenantguard/tenantguard/lint/model"
)

// target is a tenant-scoped table to probe.
type target struct {
	rel   *relation
	col   *column
	model *model.Table
	// views are the views over the table in checked schemas.
	views []*relation
	// root is the tenant root the tenant column references (nil when it
	// references nothing) and rootCol the referenced column.
	root    *relation
	rootCol string
	// unset is what the first phase saw with no tenant set; failed
	// marks a table reported as not probed.
	unset  []unsetSeen
	failed bool
}

func (tg *target) ref(id string) tenantRef { return tenantRef{id: id, typ: tg.col.typ} }

// sampleRows bounds the rows read to find tenants in a table without an
// index on its tenant column: the cost does not grow with the table.
const sampleRows = 1000

// discoverTenants finds up to two tenants with rows in the table, in a
// stable order: through an index on the tenant column when there is one
// (two index probes), else among the first sampleRows rows.
func (p *prober) discoverTenants(ctx context.Context, t *tx, l *lookup) ([]string, error) {
	tg := l.tg
	col, rel := tg.col.ident, tg.rel.ident
	if !l.indexed {
		if err := l.load(ctx, t); err != nil {
			return nil, err
		}
		return append([]string(nil), l.tenants[:min(2, len(l.tenants))]...), nil
	}
	// Two index probes in one query: the smallest tenant, and the next.
	first := "(SELECT " + col + " FROM " + rel + " WHERE " + col + " IS NOT NULL ORDER BY " + col + " LIMIT 1)"
	got, err := t.one(ctx, "SELECT "+first+"::text, (SELECT "+col+" FROM "+rel+" WHERE "+col+" > "+first+" ORDER BY "+col+" LIMIT 1)::text")
	if err != nil || got == nil || got[0] == nil {
		return nil, err
	}
	if got[1] == nil {
		return []string{*got[0]}, nil
	}
	return []string{*got[0], *got[1]}, nil
}

// moreTenants returns tenants of the root table other than those given
// (through its key index), for tables with rows of fewer than two.
func (p *prober) moreTenants(ctx context.Context, t *tx, tg *target, have []string, n int) ([]string, error) {
	if tg.root == nil || n <= 0 {
		return nil, nil
	}
	rc := tg.root.byName[tg.rootCol]
	if rc == nil {
		return nil, nil
	}
	// ORDER BY r.col, not col: an unqualified name would be the text
	// output column, sorted by a full scan instead of read off the index.
	q := "SELECT r." + rc.ident + "::text AS v FROM " + tg.root.ident + " r WHERE r." + rc.ident + " IS NOT NULL"
	for _, h := range have {
		q += " AND r." + rc.ident + " <> " + lit(h, rc.typ).String()
	}
	rows, err := t.rows(ctx, q+" ORDER BY r."+rc.ident+" LIMIT "+itoa(n))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rows {
		if r[0] != nil {
			out = append(out, *r[0])
		}
	}
	return out, nil
}

// pickTenants chooses tenants A and B for a table: the configured ids,
// else two tenants with rows in the table, completed from the tenant
// root, else made up (and seeded into the root when rows are seeded).
func (p *prober) pickTenants(ctx context.Context, t *tx, l *lookup) (a, b tenantRef, err error) {
	tg := l.tg
	if ids := p.cfg.Probe.Tenants; len(ids) == 2 {
		return tg.ref(ids[0]), tg.ref(ids[1]), nil
	}
	ids, err := p.discoverTenants(ctx, t, l)
	if err != nil {
		return a, b, err
	}
	if len(ids) < 2 {
		more, err := p.moreTenants(ctx, t, tg, ids, 2-len(ids))
		if err != nil {
			return a, b, err
		}
		ids = append(ids, more...)
	}
	for i := len(ids); i < 2; i++ {
		// Made up per table: parallel transactions seeding the same
		// tenant root row would wait on each other's uncommitted keys.
		v, ok := freshValue(tg.col, "tenant", tg.rel.name.String(), itoa(i))
		if !ok {
			return a, b, softErrorf("cannot make up a tenant id of type %s", tg.col.typ)
		}
		ids = append(ids, v.text)
	}
	return tg.ref(ids[0]), tg.ref(ids[1]), nil
}

// findRow returns a row of the table for tenant id (nil when none): by the
// tenant column's index, or among the sample of an unindexed table.
func (p *prober) findRow(ctx context.Context, t *tx, l *lookup, id tenantRef) (*row, error) {
	if !l.indexed {
		return l.row(ctx, t, id)
	}
	return keyOf(ctx, t, l.tg, l.tg.col.ident+" = "+id.literal())
}

// keyOf returns the first row of the table matching cond, with its ctid
// and primary key (nil when none).
func keyOf(ctx context.Context, t *tx, tg *target, cond string) (*row, error) {
	sel := []string{"ctid::text"}
	for _, c := range tg.rel.pk {
		sel = append(sel, tg.rel.byName[c].ident+"::text")
	}
	got, err := t.one(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+tg.rel.ident+" WHERE "+cond+" LIMIT 1")
	if err != nil || got == nil {
		return nil, err
	}
	r := &row{rel: tg.rel, ctid: deref(got[0])}
	if len(tg.rel.pk) > 0 {
		r.key = map[string]value{}
		for i, c := range tg.rel.pk {
			if got[i+1] == nil {
				r.key = nil
				break
			}
			r.key[c] = lit(*got[i+1], tg.rel.byName[c].typ)
		}
	}
	return r, nil
}

// rowFor finds a row of the tenant, or seeds one when writes are allowed.
func (p *prober) rowFor(ctx context.Context, t *tx, s *seeder, l *lookup, id tenantRef) (*row, error) {
	r, err := p.findRow(ctx, t, l, id)
	if err != nil || r != nil {
		return r, err
	}
	if p.readOnly {
		return nil, nil
	}
	r, err = s.seed(ctx, l.tg.rel, &id, nil, 0)
	l.addSeeded(id, r)
	return r, err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func itoa(i int) string { return strconv.Itoa(i) }

// membership is a table that says which users belong to which tenant
// (account_user, memberships): the Supabase preset acts as one of the
// tenant's members.
type membership struct {
	rel       *relation
	tenantCol *column
	userCol   *column
}

// memberships finds the membership tables a table's policies read (or,
// when they read none, any table that ties users to tenants).
func (p *prober) memberships(tg *target) []membership {
	users := p.usersRel()
	var out []membership
	consider := func(r *relation) {
		if r == nil || r.isView() {
			return
		}
		m := membership{rel: r}
		for _, fk := range r.fks {
			if len(fk.cols) != 1 {
				continue
			}
			c := r.byName[fk.cols[0]]
			switch {
			case users != nil && fk.parent == users.oid && m.userCol == nil:
				m.userCol = c
			case tg.root != nil && fk.parent == tg.root.oid && m.tenantCol == nil:
				m.tenantCol = c
			}
		}
		if m.tenantCol == nil {
			if col := p.tenantCol[r.oid]; col != "" {
				m.tenantCol = r.byName[col]
			} else {
				for _, name := range p.cfg.TenantColumns {
					if c := r.byName[name]; c != nil {
						m.tenantCol = c
						break
					}
				}
			}
		}
		if m.userCol == nil {
			for _, name := range []string{"user_id", "member_id", "profile_id"} {
				if c := r.byName[name]; c != nil {
					m.userCol = c
					break
				}
			}
		}
		if m.tenantCol != nil && m.userCol != nil && m.tenantCol != m.userCol {
			out = append(out, m)
		}
	}
	for _, q := range relationsRead(p.cat, tg.model) {
		consider(p.lc.relation(q))
	}
	if len(out) == 0 {
		for _, r := range sortedRelations(p.lc) {
			if users != nil {
				has := false
				for _, fk := range r.fks {
					has = has || fk.parent == users.oid
				}
				if !has {
					continue
				}
			}
			consider(r)
		}
	}
	return out
}

// memberOf returns a user of tenant id for the Supabase preset: an
// existing member, else one seeded with its membership rows (and its
// auth.users row); the user is the tenant itself when the tenant column
// references auth.users. seeded reports a seeded member.
func (p *prober) memberOf(ctx context.Context, t *tx, s *seeder, tg *target, id, other tenantRef) (user string, seeded bool, err error) {
	users := p.usersRel()
	if users != nil && tg.root == users {
		return id.id, false, nil
	}
	ms := p.memberships(tg)
	for _, m := range ms {
		// A member of this tenant who is not also a member of the other
		// (consultants belong to several): otherwise every row of the
		// other tenant would be rightly visible.
		tc, uc := m.tenantCol.ident, m.userCol.ident
		got, err := t.one(ctx, "SELECT m."+uc+"::text FROM "+m.rel.ident+" m WHERE m."+tc+" = "+lit(id.id, m.tenantCol.typ).String()+
			" AND m."+uc+" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "+m.rel.ident+" o WHERE o."+uc+" = m."+uc+
			" AND o."+tc+" = "+lit(other.id, m.tenantCol.typ).String()+") LIMIT 1")
		if err != nil {
			return "", false, err
		}
		if got != nil && got[0] != nil {
			return *got[0], false, nil
		}
	}
	if p.readOnly {
		return s.userOf(id), false, nil
	}
	return p.seedMember(ctx, s, tg, id)
}

// seedMember seeds the probe's user of tenant id (seeder.userOf) into
// auth.users and the membership table the table's policies read.
func (p *prober) seedMember(ctx context.Context, s *seeder, tg *target, id tenantRef) (user string, seeded bool, err error) {
	users := p.usersRel()
	ms := p.memberships(tg)
	user = s.userOf(id)
	if users != nil && users.byName["id"] != nil {
		if err := s.ensureParent(ctx, users, "id", lit(user, users.byName["id"].typ), 0); err != nil {
			return "", false, err
		}
		seeded = true
	}
	for _, m := range ms {
		fixed := map[string]value{
			m.tenantCol.name: lit(id.id, m.tenantCol.typ),
			m.userCol.name:   lit(user, m.userCol.typ),
		}
		var mt *tenantRef
		if p.tenantCol[m.rel.oid] == m.tenantCol.name {
			r := tenantRef{id: id.id, typ: m.tenantCol.typ}
			mt = &r
		}
		if _, err := s.seed(ctx, m.rel, mt, fixed, 0); err != nil {
			return "", false, softErrorf("seeding a member of tenant %s in %s: %s", id.id, m.rel.name, errText(err))
		}
		seeded = true
		break
	}
	return user, seeded, nil
}

// usersRel is Supabase's auth.users, when the database has it.
func (p *prober) usersRel() *relation {
	return p.lc.relation(model.QName{Schema: "auth", Name: "users"})
}

// userOf is the user the probe seeds for a tenant in the table being
// probed: the same in every run, different in every table, so that
// tables probed at once never insert the same auth.users or membership
// key (the second transaction would wait on the first's uncommitted row
// until lock_timeout).
func (s *seeder) userOf(t tenantRef) string { return stableUUID("member", t.id, s.label) }

// sortedRelations lists the tables of the live catalog by name.
func sortedRelations(lc *liveCatalog) []*relation {
	out := make([]*relation, 0, len(lc.byOID))
	for _, r := range lc.byOID {
		if !r.isView() {
			out = append(out, r)
		}
	}
	sortRelations(out)
	return out
}

func sortRelations(rs []*relation) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].name.Less(rs[j].name) })
}
