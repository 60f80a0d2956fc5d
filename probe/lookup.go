package probe

import (
	"context"
	"fmt"
	"strings"
)

// lookup finds a table's rows of a tenant, inside one probe transaction,
// at a cost that does not grow with the table.
//
// When an index leads with the tenant column, rows of tenant X are those
// WHERE col = X: an index lookup (LIMIT bounds what is counted). Without
// one, that condition is a sequential scan of the whole table, and a scan
// that finds nothing (a correct policy hides B's rows) reads every row.
// So the probe reads the first sampleRows rows once, as the connecting
// role, and looks at the rows of X among those, and at the rows it seeded
// for X, by ctid (a TID scan): a check then asks whether those rows are
// visible, never the whole table.
type lookup struct {
	tg      *target
	indexed bool
	// sample maps a tenant (as text) to the ctids of its rows among the
	// first sampleRows rows; tenants lists them sorted. Unindexed only.
	sample  map[string][]string
	tenants []string
	loaded  bool
	// seeded maps a tenant to the rows seeded for it in this transaction
	// (read by primary key when there is one: ctids of rows inserted in a
	// replay of the reproduction may differ).
	seeded map[string][]*row
}

// lookupRows bounds the rows of a tenant an unindexed table's checks look
// at: enough to tell, and the reproduction SQL stays readable.
const lookupRows = 10

func newLookup(tg *target) *lookup {
	return &lookup{tg: tg, indexed: tg.rel.leading[tg.col.name], seeded: map[string][]*row{}}
}

// load reads the sample (once per transaction).
func (l *lookup) load(ctx context.Context, t *tx) error {
	if l.loaded || l.indexed {
		return nil
	}
	// Sorted by the tenant column's own type, as the index path orders
	// tenants (text would put 10 before 9).
	rows, err := t.rows(ctx, "SELECT s.ctid::text, s.v::text FROM (SELECT ctid, "+l.tg.col.ident+" AS v FROM "+l.tg.rel.ident+
		" LIMIT "+itoa(sampleRows)+") s WHERE s.v IS NOT NULL ORDER BY s.v, s.ctid")
	if err != nil {
		return err
	}
	l.sample = map[string][]string{}
	for _, r := range rows {
		if r[0] == nil || r[1] == nil {
			continue
		}
		if _, ok := l.sample[*r[1]]; !ok {
			l.tenants = append(l.tenants, *r[1])
		}
		if len(l.sample[*r[1]]) < lookupRows {
			l.sample[*r[1]] = append(l.sample[*r[1]], *r[0])
		}
	}
	l.loaded = true
	return nil
}

// addSeeded records a row seeded for tenant x.
func (l *lookup) addSeeded(x tenantRef, r *row) {
	if r != nil && r.seeded && (len(r.key) > 0 || r.ctid != "") {
		l.seeded[x.id] = append(l.seeded[x.id], r)
	}
}

// known is the number of rows of tenant x the checks look at (unindexed
// tables).
func (l *lookup) known(x tenantRef) int { return len(l.sample[x.id]) + len(l.seeded[x.id]) }

// countSQL counts (up to countLimit+1) the rows of tenant x that whoever
// runs it can see; ok is false when there is no row of x to look at.
func (l *lookup) countSQL(x tenantRef) (sql string, ok bool) {
	if l.indexed {
		return countSQL(l.tg.rel.ident, l.tg.col.ident, x.literal()), true
	}
	ctids := append([]string(nil), l.sample[x.id]...)
	var keyed []string
	for _, r := range l.seeded[x.id] {
		if len(r.key) > 0 {
			keyed = append(keyed, "("+r.where()+")")
		} else {
			ctids = append(ctids, r.ctid)
		}
	}
	of := " AND " + l.tg.col.ident + " = " + x.literal()
	var parts []string
	if len(ctids) > 0 {
		parts = append(parts, "SELECT 1 FROM "+l.tg.rel.ident+" WHERE ctid = ANY ("+quoteLiteral("{"+strings.Join(quoteTIDs(ctids), ",")+"}")+"::tid[])"+of)
	}
	if len(keyed) > 0 {
		parts = append(parts, "SELECT 1 FROM "+l.tg.rel.ident+" WHERE ("+strings.Join(keyed, " OR ")+")"+of)
	}
	if len(parts) == 0 {
		return "", false
	}
	return "SELECT count(*) FROM (" + strings.Join(parts, " UNION ALL ") + " LIMIT " + itoa(countLimit+1) + ") s", true
}

// scope says, for unindexed tables, which rows a count looked at ("" for
// indexed ones).
func (l *lookup) scope(x tenantRef) string {
	if l.indexed {
		return ""
	}
	n := l.known(x)
	return fmt.Sprintf(" (of the %d %s of that tenant the probe looked up by key: %s has no index on %s, so it looks among its first %d rows and the rows it seeded)",
		n, plural(n, "row"), l.tg.rel.name, l.tg.col.name, sampleRows)
}

func quoteTIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = `"` + id + `"`
	}
	return out
}

// row returns a row of tenant x among the sample (nil when none), with
// its primary key read by ctid.
func (l *lookup) row(ctx context.Context, t *tx, x tenantRef) (*row, error) {
	if err := l.load(ctx, t); err != nil {
		return nil, err
	}
	ids := l.sample[x.id]
	if len(ids) == 0 {
		return nil, nil
	}
	return keyOf(ctx, t, l.tg, "ctid = "+quoteLiteral(ids[0])+"::tid")
}
