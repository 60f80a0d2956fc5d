package introspect

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/lint/ddl"
)

// Printing a policy's expressions (pg_get_expr) makes the server open its
// table and parse every policy on it, which for thousands of tables costs
// seconds; but a catalog of thousands of tables is nearly always the same
// few policies over and over. Policies whose stored trees are equal
// (source positions aside) on tables whose columns are equal print equal,
// but for the name of their own table where it qualifies the row's
// columns in a sub-select. So the policies are grouped as they are read,
// by their trees and their table's columns, without keeping the trees
// (tens of megabytes on such a catalog); one policy of each group is
// printed, and the others get its text with their own table's name. Where
// that cannot be done surely, they are printed themselves: at most two
// queries, whatever the number of tables.

// policyGroup is policies that print the same but for their table's name;
// rep is the first read, the one printed.
type policyGroup struct {
	rep     *policy
	members []*policy
}

// groupPolicy files p under the key of its stored expressions (raw text
// values, nil when absent) and its table's columns.
func (b *builder) groupPolicy(p *policy, using, check []byte) {
	k := b.keyBuf[:0]
	for _, tree := range [][]byte{using, check} {
		if tree == nil {
			k = append(k, '-')
		} else {
			k = appendStripped(k, tree)
		}
		k = append(k, 0)
	}
	k = append(k, b.columnSignature(p.relid)...)
	b.keyBuf = k
	if i, ok := b.groupIndex[string(k)]; ok { // no allocation to look up
		g := b.groups[i]
		g.members = append(g.members, p)
		return
	}
	b.groupIndex[string(k)] = len(b.groups)
	b.groups = append(b.groups, &policyGroup{rep: p})
}

// policyTexts prints the policies' expressions as pg_get_expr does, with
// as few pg_get_expr calls as the catalog allows (see above).
func (b *builder) policyTexts(ctx context.Context, conn *pgx.Conn) ([]Unread, error) {
	if len(b.groups) == 0 {
		return nil, nil
	}
	reps := make([]*policy, len(b.groups))
	for i, g := range b.groups {
		reps[i] = g.rep
	}
	unread, err := b.printPolicies(ctx, conn, reps)
	if err != nil || len(unread) > 0 {
		return unread, err
	}
	var again []*policy
	for _, g := range b.groups {
		if len(g.members) == 0 {
			continue
		}
		using, check := newSelfText(g.rep.using, g.rep.t.Name), newSelfText(g.rep.check, g.rep.t.Name)
		for _, m := range g.members {
			u, ok1 := using.forTable(m.t.Name)
			c, ok2 := check.forTable(m.t.Name)
			if !ok1 || !ok2 {
				again = append(again, m)
				continue
			}
			m.using, m.check = u, c
		}
	}
	if len(again) > 0 {
		return b.printPolicies(ctx, conn, again)
	}
	return nil, nil
}

// selfMark stands for the policy's own table in a selfText's template. It
// cannot occur in a text ddl.RenameSelf accepts (which has no '$'), so
// every occurrence of its quoted form is one it put there.
const selfMark = "tenantguard$self"

var quotedSelfMark = quoteIdent(selfMark)

// selfText is a policy expression as printed for one table, ready to be
// given the name of another table with the same policy.
type selfText struct {
	text *string // as printed; nil: no expression
	self string  // the table it was printed for
	// tmpl is text with selfMark where the table's name qualifies the
	// row's columns; ok is false when that cannot be done surely.
	tmpl string
	ok   bool
	// lower is text in lower case, for a quick look for other names.
	lower string
}

func newSelfText(text *string, self string) *selfText {
	s := &selfText{text: text, self: self}
	if text == nil {
		return s
	}
	s.tmpl, s.ok = ddl.RenameSelf(*text, self, selfMark)
	s.lower = strings.ToLower(*text)
	return s
}

// forTable returns the text the server prints for the same expression on
// a table named name (with the same columns), or false when it may print
// something else. It does when name already names something in the text
// (a relation the expression reads, an alias, a column): the server then
// picks another alias for one of them (g_1), so such copies are printed
// on their own.
func (s *selfText) forTable(name string) (*string, bool) {
	switch {
	case s.text == nil:
		return nil, true
	case name == s.self:
		return s.text, true
	case !s.ok:
		return nil, false
	}
	if strings.Contains(name, `"`) || strings.Contains(s.lower, strings.ToLower(name)) {
		// Perhaps there: look closely (unquoted names are folded to
		// lower case, quoted ones are not).
		if other, ok := ddl.RenameSelf(*s.text, name, name+"_"); !ok || other != *s.text {
			return nil, false
		}
	}
	out := strings.ReplaceAll(s.tmpl, quotedSelfMark, quoteIdent(name))
	return &out, true
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

// columnSignature lists a table's columns as number:name.
func (b *builder) columnSignature(relid uint32) string {
	if s, ok := b.colSigs[relid]; ok {
		return s
	}
	var s strings.Builder
	for n, c := range b.columns[relid] {
		if c == nil {
			continue
		}
		s.WriteString(strconv.Itoa(n))
		s.WriteByte(':')
		s.WriteString(c.Name)
		s.WriteByte(0)
	}
	b.colSigs[relid] = s.String()
	return s.String()
}

// appendStripped appends a stored node tree to dst without its
// ":location N" fields: where the expression stood in the statement that
// created it, the only part of the tree that differs between copies of one
// policy. (Names in a tree have their blanks escaped, so the field cannot
// be mistaken for part of one.)
func appendStripped(dst, tree []byte) []byte {
	for {
		i := bytes.Index(tree, locationField)
		if i < 0 {
			return append(dst, tree...)
		}
		dst = append(dst, tree[:i]...)
		j := i + len(locationField)
		if j < len(tree) && tree[j] == '-' {
			j++
		}
		for j < len(tree) && tree[j] >= '0' && tree[j] <= '9' {
			j++
		}
		tree = tree[j:]
	}
}

var locationField = []byte(":location ")
