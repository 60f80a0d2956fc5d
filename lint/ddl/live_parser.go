package ddl

import (
	"fmt"
	"strings"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/tenantguard/tenantguard/lint/model"
)

// ExprParser is ParseExpr for a whole live catalog. A database with
// thousands of tables repeats the same policy on each, often naming the
// table itself (EXISTS (... WHERE m.org_id = invoices.org_id)): each
// distinct text, with the policy's own table name replaced by a
// placeholder where that is unambiguous, is parsed once, and the tree is
// converted per table (names resolve against that table). It is safe for
// concurrent use as long as the catalog does not change meanwhile.
type ExprParser struct {
	cat *model.Catalog

	mu    sync.Mutex
	trees map[string]*exprTree
}

type exprTree struct {
	once sync.Once
	node *pg_query.Node
	err  error
}

// selfAlias stands for the policy's own table in a normalised text.
const selfAlias = "tenantguard$self"

// NewExprParser returns a parser resolving names against cat.
func NewExprParser(cat *model.Catalog) *ExprParser {
	return &ExprParser{cat: cat, trees: map[string]*exprTree{}}
}

// Parse parses a policy expression of table t as PostgreSQL prints it,
// like ParseExpr.
func (p *ExprParser) Parse(t *model.Table, text string) (*model.Expr, error) {
	var node *pg_query.Node
	alias := ""
	if t != nil {
		alias = t.Name
		// The placeholder is one quoted identifier where the name was
		// one: the normalised text parses whenever the text does (and
		// the text itself is parsed when it does not).
		if norm, ok := normalizeSelf(text, t.Name); ok {
			if n, err := p.tree("self:", norm); err == nil {
				node, alias = n, selfAlias
			}
		}
	}
	if node == nil {
		n, err := p.tree("raw:", text)
		if err != nil {
			return nil, err
		}
		node = n
	}
	r := newReplayer(p.cat)
	sc := &scope{}
	if t != nil {
		q := t.QName()
		sc = &scope{rels: []scopeRel{{alias: alias, q: &q, table: t, known: true}}}
	}
	e := r.exprIn(node, sc)
	if alias == selfAlias {
		renameSelf(e, t.Name)
	}
	return e, nil
}

// tree returns the parse tree of a text, parsing it on first use.
func (p *ExprParser) tree(kind, text string) (*pg_query.Node, error) {
	p.mu.Lock()
	tr := p.trees[kind+text]
	if tr == nil {
		tr = &exprTree{}
		p.trees[kind+text] = tr
	}
	p.mu.Unlock()
	tr.once.Do(func() { tr.node, tr.err = parseExprTree(text) })
	return tr.node, tr.err
}

// parseExprTree parses "SELECT text" and returns the expression's node;
// conversion only reads it, so one tree serves every table.
func parseExprTree(text string) (*pg_query.Node, error) {
	tree, err := pg_query.Parse("SELECT " + text)
	if err != nil {
		return nil, fmt.Errorf("parse expression %q: %w", text, err)
	}
	if len(tree.Stmts) != 1 {
		return nil, fmt.Errorf("parse expression %q: not a single expression", text)
	}
	sel := tree.Stmts[0].Stmt.GetSelectStmt()
	if sel == nil || len(sel.TargetList) != 1 {
		return nil, fmt.Errorf("parse expression %q: not a single expression", text)
	}
	return sel.TargetList[0].GetResTarget().Val, nil
}

// normalizeSelf replaces the table's name where pg_get_expr uses it to
// qualify a column of the policy's own row (table.column) with a
// placeholder, so that the same policy on many tables is one text. It
// declines (false) when there is nothing to replace, or the name also
// appears in another role (a relation, an alias, a column, a function), or
// the text holds anything its small lexer does not fully understand.
func normalizeSelf(text, table string) (string, bool) {
	refs, ok := selfRefs(text, table)
	if !ok || len(refs) == 0 {
		return "", false
	}
	return replaceSpans(text, refs, `"`+selfAlias+`"`), true
}

// RenameSelf rewrites a policy expression that pg_get_expr printed for a
// table named from into the text it prints for the same expression on a
// table named to (with the same columns): the only difference is the name
// that qualifies the row's own columns inside sub-selects. It reports
// false when it cannot be sure (from also names something else, or the
// text holds what its lexer does not follow); print the expression for
// the other table then.
func RenameSelf(text, from, to string) (string, bool) {
	if from == to {
		return text, true
	}
	refs, ok := selfRefs(text, from)
	if !ok {
		return "", false
	}
	return replaceSpans(text, refs, quoteIdent(to)), true
}

// quoteIdent quotes a name as an identifier.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func replaceSpans(text string, spans [][2]int, with string) string {
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(text[last:sp[0]])
		b.WriteString(with)
		last = sp[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// selfRefs finds the identifiers equal to table that qualify a column
// (table.column, not after a dot). ok is false when table appears as an
// identifier in any other role, or the text has escapes, dollar quotes or
// comments (pg_get_expr prints none of them for plain policies).
func selfRefs(text, table string) (spans [][2]int, ok bool) {
	if strings.ContainsAny(text, "\\$") || strings.Contains(text, "--") || strings.Contains(text, "/*") {
		return nil, false
	}
	type token struct {
		start, end int
		ident      string // identifier value
		isIdent    bool
	}
	// Policy texts are short: their tokens fit on the stack (this runs
	// for every policy of a live catalog, tens of thousands of times).
	toks := make([]token, 0, 128)
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			i++
		case c == '\'':
			j := i + 1
			for ; j < len(text); j++ {
				if text[j] == '\'' {
					if j+1 < len(text) && text[j+1] == '\'' {
						j++
						continue
					}
					break
				}
			}
			if j >= len(text) {
				return nil, false
			}
			toks = append(toks, token{start: i, end: j + 1})
			i = j + 1
		case c == '"':
			var v strings.Builder
			j := i + 1
			for ; j < len(text); j++ {
				if text[j] == '"' {
					if j+1 < len(text) && text[j+1] == '"' {
						v.WriteByte('"')
						j++
						continue
					}
					break
				}
				v.WriteByte(text[j])
			}
			if j >= len(text) {
				return nil, false
			}
			toks = append(toks, token{start: i, end: j + 1, ident: v.String(), isIdent: true})
			i = j + 1
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			j := i + 1
			for j < len(text) && (text[j] == '_' || text[j] >= 'a' && text[j] <= 'z' || text[j] >= 'A' && text[j] <= 'Z' ||
				text[j] >= '0' && text[j] <= '9' || text[j] >= 0x80) {
				j++
			}
			toks = append(toks, token{start: i, end: j, ident: strings.ToLower(text[i:j]), isIdent: true})
			i = j
		default:
			toks = append(toks, token{start: i, end: i + 1})
			i++
		}
	}
	for k, tk := range toks {
		if !tk.isIdent || tk.ident != table {
			continue
		}
		qualifier := k+1 < len(toks) && text[toks[k+1].start:toks[k+1].end] == "." &&
			(k == 0 || text[toks[k-1].start:toks[k-1].end] != ".")
		if !qualifier {
			return nil, false
		}
		spans = append(spans, [2]int{tk.start, tk.end})
	}
	return spans, true
}

// renameSelf puts the table's name back where the placeholder qualifies a
// column.
func renameSelf(e *model.Expr, table string) {
	model.Walk(e, func(x *model.Expr) bool {
		for i, n := range x.Names {
			if n == selfAlias {
				x.Names[i] = table
			}
		}
		return true
	})
}
