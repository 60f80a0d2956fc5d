package ddl

import "github.com/tenantguard/tenantguard/lint/model"

// Partitions and inheritance children are few; the replayer keeps them in
// a list so that ALTER TABLE, CREATE INDEX and DROP TABLE find a table's
// children without scanning (and sorting) every table of a large schema.

// noteChild records that t has, or may have, a parent (PARTITION OF,
// INHERITS, ATTACH PARTITION, INHERIT).
func (r *replayer) noteChild(t *model.Table) {
	if !r.idx.isChild[t] {
		r.idx.isChild[t] = true
		r.idx.childTables = append(r.idx.childTables, t)
	}
}

// children returns the tables in the catalog whose partition parent is
// parent or, unless partitionsOnly, that inherit from it; in the order they
// became children.
func (r *replayer) children(parent model.QName, partitionsOnly bool) []*model.Table {
	var out []*model.Table
	ix := r.idx
	live := ix.childTables[:0]
	for _, c := range ix.childTables {
		if r.cat.Table(c.QName()) != c {
			// Dropped, or replaced by a table of the same name.
			delete(ix.isChild, c)
			continue
		}
		live = append(live, c)
		isChild := c.PartitionOf != nil && *c.PartitionOf == parent
		if !partitionsOnly {
			for _, p := range c.Inherits {
				isChild = isChild || p == parent
			}
		}
		if isChild {
			out = append(out, c)
		}
	}
	clear(ix.childTables[len(live):])
	ix.childTables = live
	return out
}
