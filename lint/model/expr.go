package model

import "github.com/tenantguard/tenantguard/lint/source"

// ExprKind is the kind of an expression node.
type ExprKind uint8

// Expression kinds. The tree is a simplified, parser-independent form of
// PostgreSQL's raw expression nodes: enough to tell which columns, functions,
// settings and claims a policy touches, and how its parts combine.
const (
	// ColumnRef: Names holds the qualified reference as written
	// ("t", "org_id"); the last name is the column ("*" for t.*).
	ColumnRef ExprKind = iota + 1
	// Const: Value holds the literal text, Type one of "string",
	// "number", "bool", "null", "bitstring".
	Const
	// FuncCall: Names is the function name as written; Func the name
	// it resolved to when known; Args the arguments. COALESCE, NULLIF,
	// GREATEST and LEAST are FuncCalls named "coalesce" etc.; Op is
	// "*" for count(*) and "DISTINCT" for aggregates over DISTINCT.
	FuncCall
	// Op: a binary or prefix operator; Op holds its symbol or keyword
	// ("=", "<>", "->>", "@>", "LIKE", "IS DISTINCT FROM", "BETWEEN");
	// Args holds 1 or 2 operands (3 for BETWEEN). "= ANY" and similar
	// over an array use Op "=", Quantifier "ANY".
	Op
	// And, Or, Not: boolean connectives over Args.
	And
	Or
	Not
	// Cast: Args[0] cast to Type.
	Cast
	// NullTest: Op is "IS NULL" or "IS NOT NULL"; Args[0] the operand.
	NullTest
	// BoolTest: Op is "IS TRUE", "IS NOT FALSE", ...; Args[0] the operand.
	BoolTest
	// SubLink: a sub-select. Op is "EXISTS", "ANY", "ALL", "EXPR"
	// (scalar), "ARRAY"; for ANY/ALL, SubOp is the comparison ("=" for
	// IN) and Args[0] the left operand. Query is the sub-select.
	SubLink
	// InList: Args[0] IN (Args[1:]...); Op is "IN" or "NOT IN".
	InList
	// Array: ARRAY[...] or '{...}' constructors; Args the elements.
	Array
	// Row: ROW(...) or (a, b); Args the fields.
	Row
	// Case: Args alternate WHEN condition, THEN result; Else is the ELSE
	// branch (nil when absent); Arg the CASE operand (nil when absent).
	Case
	// Param: a positional parameter $n; Value holds n. In function
	// bodies, Names may hold the parameter's name when it was referenced
	// by name.
	Param
	// Subscript: Args[0] indexed or sliced; Value holds the subscript text.
	Subscript
	// Other: anything else; Value holds a short description.
	Other
)

// Expr is an expression tree node.
type Expr struct {
	Kind  ExprKind
	Names []string
	Func  *QName
	Op    string
	// SubOp is the comparison operator of an ANY/ALL sub-select.
	SubOp string
	// Quantifier is "ANY" or "ALL" for op ANY(array) forms.
	Quantifier string
	Value      string
	Type       string
	Args       []*Expr
	Arg        *Expr
	Else       *Expr
	Query      *Query
	// Rel is the relation a ColumnRef resolved to (nil when unknown);
	// Depth is the query level of that relation: 0 is the policy's table
	// (or a function body's top level), 1 a sub-select inside it, ...
	Rel   *QName
	Depth int
	// Pos is where the node starts (its End is unknown and equals
	// Start); zero for expressions read from a live catalog.
	Pos source.Span
}

// Column returns the column name of a ColumnRef ("" otherwise).
func (e *Expr) Column() string {
	if e == nil || e.Kind != ColumnRef || len(e.Names) == 0 {
		return ""
	}
	return e.Names[len(e.Names)-1]
}

// FuncName returns the unqualified, lower-case name of a FuncCall.
func (e *Expr) FuncName() string {
	if e == nil || e.Kind != FuncCall || len(e.Names) == 0 {
		return ""
	}
	return e.Names[len(e.Names)-1]
}

// Query is a sub-select inside an expression or a function body.
type Query struct {
	// Kind is "SELECT", or for function bodies "INSERT", "UPDATE",
	// "DELETE", "MERGE".
	Kind    string
	With    []*Query
	From    []*FromItem
	Where   *Expr
	Targets []*Expr
	Having  *Expr
	// SetOps holds the other arms of UNION/INTERSECT/EXCEPT.
	SetOps []*Query
	// Target is the relation an INSERT/UPDATE/DELETE writes.
	Target *FromItem
	Pos    source.Span
}

// FromItem is one entry of a FROM list: a relation, a sub-select, a
// function or a join.
type FromItem struct {
	// Relation names the table or view (resolved through the search
	// path when the catalog knows it; as written otherwise).
	Relation *QName
	// Written is the relation name as written.
	Written []string
	Alias   string
	Query   *Query
	Func    *Expr
	// Join: Left JOIN Right ON On.
	JoinType    string
	Left, Right *FromItem
	On          *Expr
}

// Walk calls fn for e and every expression below it, including those in
// sub-selects, depth first. If fn returns false the children of that node
// are skipped.
func Walk(e *Expr, fn func(*Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, a := range e.Args {
		Walk(a, fn)
	}
	Walk(e.Arg, fn)
	Walk(e.Else, fn)
	if e.Query != nil {
		WalkQuery(e.Query, fn)
	}
}

// WalkQuery calls fn for every expression in q and its sub-selects.
func WalkQuery(q *Query, fn func(*Expr) bool) {
	if q == nil {
		return
	}
	for _, w := range q.With {
		WalkQuery(w, fn)
	}
	for _, f := range q.From {
		walkFrom(f, fn)
	}
	walkFrom(q.Target, fn)
	Walk(q.Where, fn)
	for _, t := range q.Targets {
		Walk(t, fn)
	}
	Walk(q.Having, fn)
	for _, s := range q.SetOps {
		WalkQuery(s, fn)
	}
}

func walkFrom(f *FromItem, fn func(*Expr) bool) {
	if f == nil {
		return
	}
	WalkQuery(f.Query, fn)
	Walk(f.Func, fn)
	walkFrom(f.Left, fn)
	walkFrom(f.Right, fn)
	Walk(f.On, fn)
}

// Relations returns every relation a query reads, including joins and
// sub-selects, in the order met.
func (q *Query) Relations() []QName {
	var out []QName
	var visitFrom func(f *FromItem)
	var visitQuery func(q *Query)
	visitFrom = func(f *FromItem) {
		if f == nil {
			return
		}
		if f.Relation != nil {
			out = append(out, *f.Relation)
		}
		visitQuery(f.Query)
		visitFrom(f.Left)
		visitFrom(f.Right)
	}
	visitQuery = func(q *Query) {
		if q == nil {
			return
		}
		for _, w := range q.With {
			visitQuery(w)
		}
		for _, f := range q.From {
			visitFrom(f)
		}
		visitFrom(q.Target)
		for _, s := range q.SetOps {
			visitQuery(s)
		}
		// Sub-selects in expressions.
		walkExprs := func(e *Expr) {
			Walk(e, func(x *Expr) bool {
				if x.Kind == SubLink && x.Query != nil {
					visitQuery(x.Query)
					return false
				}
				return true
			})
		}
		walkExprs(q.Where)
		walkExprs(q.Having)
		for _, t := range q.Targets {
			walkExprs(t)
		}
		var onExprs func(f *FromItem)
		onExprs = func(f *FromItem) {
			if f == nil {
				return
			}
			walkExprs(f.On)
			onExprs(f.Left)
			onExprs(f.Right)
		}
		for _, f := range q.From {
			onExprs(f)
		}
	}
	visitQuery(q)
	return out
}
