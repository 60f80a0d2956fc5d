package model

import "strings"

// String renders the expression as SQL. The text is normalised (one
// space between tokens, keywords upper case) so that the same expression
// prints the same whether it came from a migration or pg_get_expr.
func (e *Expr) String() string {
	var b strings.Builder
	printExpr(&b, e, 0)
	return b.String()
}

// precedence levels, loosely following PostgreSQL's.
const (
	precOr = iota + 1
	precAnd
	precNot
	precIs
	precCmp
	precOp
	precAtom
)

func exprPrec(e *Expr) int {
	switch e.Kind {
	case Or:
		return precOr
	case And:
		return precAnd
	case Not:
		return precNot
	case NullTest, BoolTest:
		return precIs
	case Op:
		switch e.Op {
		case "=", "<>", "!=", "<", ">", "<=", ">=", "LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE",
			"IS DISTINCT FROM", "IS NOT DISTINCT FROM", "BETWEEN", "NOT BETWEEN", "SIMILAR TO":
			return precCmp
		}
		return precOp
	case InList, SubLink:
		if e.Kind == SubLink && (e.Op == "EXISTS" || e.Op == "EXPR" || e.Op == "ARRAY") {
			return precAtom
		}
		return precCmp
	}
	return precAtom
}

func printExpr(b *strings.Builder, e *Expr, outer int) {
	if e == nil {
		b.WriteString("NULL")
		return
	}
	p := exprPrec(e)
	paren := p < outer
	if paren {
		b.WriteByte('(')
	}
	switch e.Kind {
	case ColumnRef:
		b.WriteString(joinNames(e.Names))
	case Const:
		switch e.Type {
		case "string":
			b.WriteString(quoteLiteral(e.Value))
		case "null":
			b.WriteString("NULL")
		default:
			b.WriteString(e.Value)
		}
	case Param:
		if len(e.Names) > 0 {
			b.WriteString(joinNames(e.Names))
		} else {
			b.WriteString("$" + e.Value)
		}
	case FuncCall:
		b.WriteString(joinNames(e.Names))
		b.WriteByte('(')
		if e.Op == "*" {
			b.WriteByte('*')
		}
		if e.Op == "DISTINCT" {
			b.WriteString("DISTINCT ")
		}
		printList(b, e.Args)
		b.WriteByte(')')
	case Op:
		printOp(b, e, p)
	case And, Or:
		sep := " AND "
		if e.Kind == Or {
			sep = " OR "
		}
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(sep)
			}
			printExpr(b, a, p+1)
		}
	case Not:
		b.WriteString("NOT ")
		printExpr(b, first(e.Args), p)
	case Cast:
		printExpr(b, first(e.Args), precAtom)
		b.WriteString("::" + e.Type)
	case NullTest, BoolTest:
		printExpr(b, first(e.Args), p+1)
		b.WriteString(" " + e.Op)
	case SubLink:
		switch e.Op {
		case "EXISTS":
			b.WriteString("EXISTS (")
			printQuery(b, e.Query)
			b.WriteByte(')')
		case "ANY", "ALL":
			printExpr(b, first(e.Args), precCmp+1)
			if e.SubOp == "=" && e.Op == "ANY" {
				b.WriteString(" IN (")
			} else {
				b.WriteString(" " + e.SubOp + " " + e.Op + " (")
			}
			printQuery(b, e.Query)
			b.WriteByte(')')
		case "ARRAY":
			b.WriteString("ARRAY(")
			printQuery(b, e.Query)
			b.WriteByte(')')
		default:
			b.WriteByte('(')
			printQuery(b, e.Query)
			b.WriteByte(')')
		}
	case InList:
		printExpr(b, first(e.Args), precCmp+1)
		b.WriteString(" " + e.Op + " (")
		if len(e.Args) > 1 {
			printList(b, e.Args[1:])
		}
		b.WriteByte(')')
	case Array:
		b.WriteString("ARRAY[")
		printList(b, e.Args)
		b.WriteByte(']')
	case Row:
		b.WriteString("ROW(")
		printList(b, e.Args)
		b.WriteByte(')')
	case Case:
		b.WriteString("CASE")
		if e.Arg != nil {
			b.WriteByte(' ')
			printExpr(b, e.Arg, 0)
		}
		for i := 0; i+1 < len(e.Args); i += 2 {
			b.WriteString(" WHEN ")
			printExpr(b, e.Args[i], 0)
			b.WriteString(" THEN ")
			printExpr(b, e.Args[i+1], 0)
		}
		if e.Else != nil {
			b.WriteString(" ELSE ")
			printExpr(b, e.Else, 0)
		}
		b.WriteString(" END")
	case Subscript:
		printExpr(b, first(e.Args), precAtom)
		b.WriteString(e.Value)
	default:
		if e.Value != "" {
			b.WriteString(e.Value)
		} else {
			b.WriteString("...")
		}
	}
	if paren {
		b.WriteByte(')')
	}
}

func printOp(b *strings.Builder, e *Expr, p int) {
	switch {
	case len(e.Args) == 1:
		b.WriteString(e.Op)
		if isWordOp(e.Op) {
			b.WriteByte(' ')
		}
		printExpr(b, e.Args[0], p+1)
	case (e.Op == "BETWEEN" || e.Op == "NOT BETWEEN") && len(e.Args) == 3:
		printExpr(b, e.Args[0], p+1)
		b.WriteString(" " + e.Op + " ")
		printExpr(b, e.Args[1], p+1)
		b.WriteString(" AND ")
		printExpr(b, e.Args[2], p+1)
	case len(e.Args) == 2:
		printExpr(b, e.Args[0], p)
		b.WriteString(" " + e.Op + " ")
		if e.Quantifier != "" {
			b.WriteString(e.Quantifier + "(")
			printExpr(b, e.Args[1], 0)
			b.WriteByte(')')
		} else {
			printExpr(b, e.Args[1], p+1)
		}
	default:
		b.WriteString(e.Op + "(")
		printList(b, e.Args)
		b.WriteByte(')')
	}
}

func isWordOp(op string) bool {
	return op != "" && (op[0] >= 'A' && op[0] <= 'Z' || op[0] >= 'a' && op[0] <= 'z')
}

func printList(b *strings.Builder, l []*Expr) {
	for i, a := range l {
		if i > 0 {
			b.WriteString(", ")
		}
		printExpr(b, a, 0)
	}
}

func printQuery(b *strings.Builder, q *Query) {
	if q == nil {
		b.WriteString("SELECT ...")
		return
	}
	kind := q.Kind
	if kind == "" {
		kind = "SELECT"
	}
	b.WriteString(kind)
	if kind == "SELECT" {
		b.WriteByte(' ')
		if len(q.Targets) == 0 {
			b.WriteString("*")
		}
		printList(b, q.Targets)
	}
	if len(q.From) > 0 {
		b.WriteString(" FROM ")
		for i, f := range q.From {
			if i > 0 {
				b.WriteString(", ")
			}
			printFrom(b, f)
		}
	}
	if q.Where != nil {
		b.WriteString(" WHERE ")
		printExpr(b, q.Where, 0)
	}
	for _, s := range q.SetOps {
		b.WriteString(" UNION ")
		printQuery(b, s)
	}
}

func printFrom(b *strings.Builder, f *FromItem) {
	switch {
	case f.Left != nil || f.Right != nil:
		printFrom(b, f.Left)
		jt := f.JoinType
		if jt == "" {
			jt = "JOIN"
		}
		b.WriteString(" " + jt + " ")
		printFrom(b, f.Right)
		if f.On != nil {
			b.WriteString(" ON ")
			printExpr(b, f.On, 0)
		}
		return
	case f.Query != nil:
		b.WriteByte('(')
		printQuery(b, f.Query)
		b.WriteByte(')')
	case f.Func != nil:
		printExpr(b, f.Func, 0)
	case len(f.Written) > 0:
		b.WriteString(joinNames(f.Written))
	case f.Relation != nil:
		b.WriteString(f.Relation.String())
	}
	if f.Alias != "" {
		b.WriteString(" " + quoteIdent(f.Alias))
	}
}

func first(l []*Expr) *Expr {
	if len(l) == 0 {
		return nil
	}
	return l[0]
}

func joinNames(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		if n == "*" {
			parts[i] = n
		} else {
			parts[i] = quoteIdent(n)
		}
	}
	return strings.Join(parts, ".")
}

// quoteIdent quotes an identifier only when PostgreSQL would need it.
func quoteIdent(s string) string {
	if s == "" {
		return `""`
	}
	plain := true
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && (r >= '0' && r <= '9' || r == '$')) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// QuoteIdent quotes an identifier when PostgreSQL would need it.
func QuoteIdent(s string) string { return quoteIdent(s) }

// SQL returns the name as SQL: schema.name, each part quoted when
// PostgreSQL needs it ("Org Members", "ApiKey"). Use it in SQL snippets;
// String is for prose and the JSON object field.
func (q QName) SQL() string {
	if q.Schema == "" {
		return quoteIdent(q.Name)
	}
	return quoteIdent(q.Schema) + "." + quoteIdent(q.Name)
}
