package ddl

import (
	"fmt"

	"github.com/tenantguard/tenantguard/lint/model"
)

// A rename must retarget every reference to the relation (foreign keys,
// the relations policies, views and functions read). Scanning the whole
// catalog on each rename made replay quadratic for large schemas, so the
// replayer indexes each reference by the name it holds when it is stored
// (ref) and a rename visits only the references to the old name.
// Partition and inheritance parents are found through the list of child
// tables (children.go) instead.

// replayIndex is the replayer's lookup state. It is shared by pointer with
// the sub-replayers that resolve function bodies.
type replayIndex struct {
	// refs maps a relation name to the places that hold it.
	refs map[model.QName][]*model.QName
	// childTables are the tables with a parent, in the order they got one.
	childTables []*model.Table
	isChild     map[*model.Table]bool
}

func newReplayIndex() *replayIndex {
	return &replayIndex{refs: map[model.QName][]*model.QName{}, isChild: map[*model.Table]bool{}}
}

// ref records a reference to a relation stored in the model at p. Every
// relation name the model keeps (outside Table.PartitionOf and
// Table.Inherits) must be recorded, or a rename will miss it.
func (r *replayer) ref(p *model.QName) {
	if p == nil || p.Name == "" {
		return
	}
	r.idx.refs[*p] = append(r.idx.refs[*p], p)
}

// refReads records the relations a view reads.
func (r *replayer) refReads(v *model.View) {
	for i := range v.Reads {
		r.ref(&v.Reads[i])
	}
}

// retarget points references to a relation at its new name.
func (r *replayer) retarget(from, to model.QName) {
	if from == to {
		return
	}
	for _, c := range r.idx.childTables {
		if c.PartitionOf != nil && *c.PartitionOf == from {
			*c.PartitionOf = to
		}
		for i := range c.Inherits {
			if c.Inherits[i] == from {
				c.Inherits[i] = to
			}
		}
	}
	moved := r.idx.refs[from]
	delete(r.idx.refs, from)
	for _, p := range moved {
		// A place whose name changed since (a dropped object's, or one
		// reused) is no longer a reference to from.
		if *p == from {
			*p = to
			r.idx.refs[to] = append(r.idx.refs[to], p)
		}
	}
	if verifyRenames {
		r.verifyRetarget(from)
	}
}

// verifyRenames makes every rename check, by scanning the whole catalog,
// that no reference to the old name was left behind (tests turn it on).
var verifyRenames bool

// verifyRetarget panics when a reference to from survived a rename: a
// place in the model that stores a relation name without ref.
func (r *replayer) verifyRetarget(from model.QName) {
	check := func(q *model.QName, where string) {
		if q != nil && *q == from {
			panic(fmt.Sprintf("ddl: rename of %s left a reference behind in %s (stored without replayer.ref)", from, where))
		}
	}
	// Column references carry the relation they resolve to (Expr.Rel).
	exprs := func(where string) func(*model.Expr) bool {
		return func(x *model.Expr) bool {
			check(x.Rel, where)
			return true
		}
	}
	for t := range r.cat.AllTables() {
		check(t.PartitionOf, "partition "+t.QName().String())
		for i := range t.Inherits {
			check(&t.Inherits[i], "inheritance of "+t.QName().String())
		}
		for _, c := range t.Constraints {
			check(&c.RefTable, "constraint "+c.Name+" of "+t.QName().String())
		}
		for _, p := range t.Policies {
			where := "policy " + p.Name + " on " + t.QName().String()
			for _, e := range []*model.Expr{p.Using, p.WithCheck} {
				model.Walk(e, func(x *model.Expr) bool {
					check(x.Rel, where)
					fixQueryRefs(x.Query, func(q *model.QName) { check(q, where) })
					return true
				})
			}
		}
	}
	for v := range r.cat.AllViews() {
		for i := range v.Reads {
			check(&v.Reads[i], "relations read by view "+v.QName().String())
		}
		fixQueryRefs(v.Query, func(q *model.QName) { check(q, "query of view "+v.QName().String()) })
		model.WalkQuery(v.Query, exprs("query of view "+v.QName().String()))
	}
	for f := range r.cat.AllFunctions() {
		for _, q := range f.Queries {
			fixQueryRefs(q, func(n *model.QName) { check(n, "body of function "+f.String()) })
			model.WalkQuery(q, exprs("body of function "+f.String()))
		}
	}
}
