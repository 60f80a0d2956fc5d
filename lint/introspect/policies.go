package introspect

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/lint/ddl"
)

// policyTexts prints the policies' expressions as pg_get_expr does, with
// as few pg_get_expr calls as the catalog allows. Printing an expression
// makes the server open its table (and parse every policy on it), which
// for thousands of tables costs seconds; but a catalog of thousands of
// tables is nearly always the same few policies over and over. Policies
// whose stored trees are equal (source positions aside) on tables whose
// columns are equal print equal, but for the name of their own table where
// it qualifies the row's columns in a sub-select: one of each is printed,
// and the others get its text with their own name (ddl.RenameSelf); when
// that cannot be done surely, they are printed themselves. At most two
// queries, whatever the number of tables.
func (b *builder) policyTexts(ctx context.Context, conn *pgx.Conn) ([]Unread, error) {
	if len(b.policies) == 0 {
		return nil, nil
	}
	reps := map[string]*policy{}
	members := map[*policy][]*policy{}
	var order []*policy
	for _, p := range b.policies {
		key := b.policyKey(p)
		if rep, ok := reps[key]; ok {
			members[rep] = append(members[rep], p)
			continue
		}
		reps[key] = p
		order = append(order, p)
	}
	unread, err := b.printPolicies(ctx, conn, order)
	if err != nil || len(unread) > 0 {
		return unread, err
	}
	var again []*policy
	for _, rep := range order {
		for _, m := range members[rep] {
			using, ok1 := renamed(rep.using, rep.t.Name, m.t.Name)
			check, ok2 := renamed(rep.check, rep.t.Name, m.t.Name)
			if !ok1 || !ok2 {
				again = append(again, m)
				continue
			}
			m.using, m.check = using, check
		}
	}
	if len(again) > 0 {
		if unread, err := b.printPolicies(ctx, conn, again); err != nil || len(unread) > 0 {
			return unread, err
		}
	}
	for _, p := range b.policies {
		p.usingTree, p.checkTree = nil, nil
	}
	return nil, nil
}

// renamed is ddl.RenameSelf for an optional text.
func renamed(text *string, from, to string) (*string, bool) {
	if text == nil {
		return nil, true
	}
	s, ok := ddl.RenameSelf(*text, from, to)
	return &s, ok
}

// printPolicies asks the server to print the expressions of ps.
func (b *builder) printPolicies(ctx context.Context, conn *pgx.Conn, ps []*policy) ([]Unread, error) {
	byOID := make(map[uint32]*policy, len(ps))
	oids := make([]int64, len(ps))
	for i, p := range ps {
		byOID[p.oid] = p
		oids[i] = int64(p.oid)
	}
	return run(ctx, conn, []step{{what: "policies", sql: queryPolicyTexts, args: []any{oids}, row: func(rows pgx.Rows) error {
		var (
			oid          uint32
			using, check *string
		)
		if err := rows.Scan(&oid, &using, &check); err != nil {
			return err
		}
		if p := byOID[oid]; p != nil {
			p.using, p.check = using, check
		}
		return nil
	}}})
}

// policyKey is what makes two policies print the same but for their
// table's name: their stored expressions without source positions, and
// their table's columns by number.
func (b *builder) policyKey(p *policy) string {
	var k strings.Builder
	for _, tree := range []*string{p.usingTree, p.checkTree} {
		if tree == nil {
			k.WriteString("-")
		} else {
			k.WriteString(stripLocations(*tree))
		}
		k.WriteByte(0)
	}
	k.WriteString(b.columnSignature(p.relid))
	return k.String()
}

// columnSignature lists a table's columns as number:name.
func (b *builder) columnSignature(relid uint32) string {
	if s, ok := b.colSigs[relid]; ok {
		return s
	}
	cols := b.attnums[relid]
	nums := make([]int, 0, len(cols))
	for n := range cols {
		nums = append(nums, int(n))
	}
	sort.Ints(nums)
	var s strings.Builder
	for _, n := range nums {
		s.WriteString(strconv.Itoa(n))
		s.WriteByte(':')
		s.WriteString(cols[int16(n)])
		s.WriteByte(0)
	}
	b.colSigs[relid] = s.String()
	return s.String()
}

// stripLocations drops the ":location N" fields of a stored node tree:
// where the expression stood in the statement that created it, the only
// part of the tree that differs between copies of one policy.
func stripLocations(tree string) string {
	const field = ":location "
	if !strings.Contains(tree, field) {
		return tree
	}
	var b strings.Builder
	b.Grow(len(tree))
	for {
		i := strings.Index(tree, field)
		if i < 0 {
			b.WriteString(tree)
			return b.String()
		}
		b.WriteString(tree[:i])
		j := i + len(field)
		if j < len(tree) && tree[j] == '-' {
			j++
		}
		for j < len(tree) && tree[j] >= '0' && tree[j] <= '9' {
			j++
		}
		tree = tree[j:]
	}
}
