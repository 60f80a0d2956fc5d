package ddl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tenantguard/tenantguard/lint/model"
)

// metadataReads finds reads of user-editable metadata in e and, through
// calls, in the bodies of catalog functions (transitively, once each).
func (a *analyzer) metadataReads(e *model.Expr, via []string, seen map[string]bool) []model.MetadataRead {
	var out []model.MetadataRead
	c := &ctx{}
	model.Walk(e, func(x *model.Expr) bool {
		switch x.Kind {
		case model.ColumnRef:
			if x.Column() == "raw_user_meta_data" {
				out = append(out, model.MetadataRead{At: x, Via: via, What: "auth.users.raw_user_meta_data"})
			}
		case model.Op:
			if v := a.classify(x, c); v.kind == vUntrusted && v.source != "user_metadata" {
				if len(x.Args) > 0 && a.classify(x.Args[0], c).kind == vUntrusted {
					return true // point at the access that reaches user_metadata
				}
				out = append(out, model.MetadataRead{At: x, Via: via, What: x.String()})
				return false
			}
		case model.FuncCall:
			f := a.findFunction(x, len(x.Args))
			if f == nil {
				// A built-in over a JSON document:
				// jsonb_extract_path_text(auth.jwt(), 'user_metadata', ...).
				if v := a.classify(x, c); v.kind == vUntrusted && v.source != "user_metadata" {
					out = append(out, model.MetadataRead{At: x, Via: via, What: x.String()})
					return false
				}
				return true
			}
			if seen[f.String()] {
				return true
			}
			seen[f.String()] = true
			inner := append(append([]string(nil), via...), f.QName().String()+"()")
			for _, q := range f.Queries {
				model.WalkQuery(q, func(y *model.Expr) bool {
					if y.Kind == model.FuncCall || y.Kind == model.Op || y.Kind == model.ColumnRef {
						reads := a.metadataReads(y, inner, seen)
						if len(via) == 0 {
							// Point at the policy's call, not into the body.
							for i := range reads {
								reads[i].At = x
							}
						}
						out = append(out, reads...)
						return len(reads) == 0 && y.Kind != model.FuncCall
					}
					return true
				})
			}
		}
		return true
	})
	return out
}

// function analyses which tenant tables a function reads and whether its
// queries tie them to the current tenant or user.
func (a *analyzer) function(f *model.Function) *model.FunctionAnalysis {
	fa := &model.FunctionAnalysis{}
	seen := map[model.QName]bool{}
	for _, q := range f.Queries {
		walkQueryLevels(q, func(level *model.Query) {
			for _, rel := range levelRelations(level) {
				for _, tq := range a.tenantTablesBehind(rel, map[model.QName]bool{}) {
					if !seen[tq] {
						seen[tq] = true
						fa.TenantReads = append(fa.TenantReads, tq)
					}
				}
				t := a.cat.Table(rel)
				if t == nil || a.s.TenantColumn(t) == "" {
					continue
				}
				if why, ok := a.readScoped(f, level, t); !ok {
					at := level
					if !at.Pos.IsValid() && q.Pos.IsValid() {
						// A sub-select has no position of its own: point
						// at the statement that holds it.
						cp := *level
						cp.Pos = q.Pos
						at = &cp
					}
					fa.UnscopedReads = append(fa.UnscopedReads, model.UnscopedRead{Table: rel, Query: at, Why: why})
				}
			}
		})
	}
	return fa
}

// readScoped reports whether a query level that reads tenant table t ties
// t's rows to the current tenant or user.
func (a *analyzer) readScoped(f *model.Function, q *model.Query, t *model.Table) (string, bool) {
	col := a.s.TenantColumn(t)
	c := &ctx{table: t, tenantCol: col, fn: f}
	// Columns of t at this level count as the protected row: re-base
	// their depth by matching the relation only.
	var param string
	var conds []*model.Expr
	for _, cond := range queryConditions(q) {
		conds = append(conds, rebase(cond, t.QName()))
		if p := a.paramTie(cond, t, col); p != "" {
			param = p
		}
	}
	if a.levelScoped(conds, c) {
		return "", true
	}
	if param != "" {
		// Filtering on a caller-chosen tenant id is safe only when the
		// function checks the caller's membership of it too.
		for i, name := range f.ArgNames {
			if name == param || "$"+strconv.Itoa(i+1) == param {
				if r := a.helperScope(f, i+1, nil); r.scope >= model.SeatScoped {
					return "", true
				}
			}
		}
		return fmt.Sprintf("it filters %s on %s, which the caller chooses, without checking the caller belongs to that tenant", col, param), false
	}
	if q.Kind == "INSERT" {
		return fmt.Sprintf("it inserts into %s without tying %s to the current tenant", t.QName(), col), false
	}
	return fmt.Sprintf("nothing ties %s.%s to the current tenant or user", t.QName(), col), false
}

// paramTie returns the parameter that t's tenant column is compared to.
func (a *analyzer) paramTie(cond *model.Expr, t *model.Table, col string) string {
	if cond.Kind != model.Op || cond.Op != "=" || len(cond.Args) != 2 {
		return ""
	}
	for i, side := range cond.Args {
		other := cond.Args[1-i]
		for other.Kind == model.Cast && len(other.Args) == 1 {
			other = other.Args[0]
		}
		if side.Kind == model.ColumnRef && side.Rel != nil && *side.Rel == t.QName() && side.Column() == col && other.Kind == model.Param {
			if len(other.Names) > 0 {
				return other.Names[0]
			}
			return "$" + other.Value
		}
	}
	return ""
}

// rebase returns a copy of e in which column references to rel count as
// depth 0, so the policy scoping logic can judge a query level inside a
// function body as if rel were the policy's table.
func rebase(e *model.Expr, rel model.QName) *model.Expr {
	if e == nil {
		return nil
	}
	cp := *e
	if cp.Kind == model.ColumnRef && cp.Rel != nil && *cp.Rel == rel {
		cp.Depth = 0
	} else if cp.Kind == model.ColumnRef {
		cp.Depth++
	}
	if len(e.Args) > 0 {
		cp.Args = make([]*model.Expr, len(e.Args))
		for i, x := range e.Args {
			cp.Args[i] = rebase(x, rel)
		}
	}
	cp.Arg, cp.Else = rebase(e.Arg, rel), rebase(e.Else, rel)
	return &cp
}

// walkQueryLevels calls fn for q and every query nested in it.
func walkQueryLevels(q *model.Query, fn func(*model.Query)) {
	if q == nil {
		return
	}
	fn(q)
	for _, w := range q.With {
		walkQueryLevels(w, fn)
	}
	for _, s := range q.SetOps {
		walkQueryLevels(s, fn)
	}
	var from func(f *model.FromItem)
	from = func(f *model.FromItem) {
		if f == nil {
			return
		}
		walkQueryLevels(f.Query, fn)
		from(f.Left)
		from(f.Right)
	}
	for _, f := range q.From {
		from(f)
	}
	visit := func(e *model.Expr) {
		model.Walk(e, func(x *model.Expr) bool {
			if x.Kind == model.SubLink {
				walkQueryLevels(x.Query, fn)
				return false
			}
			return true
		})
	}
	visit(q.Where)
	visit(q.Having)
	for _, t := range q.Targets {
		visit(t)
	}
}

// levelRelations lists the relations read or written at one query level
// (not in nested sub-selects).
func levelRelations(q *model.Query) []model.QName {
	var out []model.QName
	var from func(f *model.FromItem)
	from = func(f *model.FromItem) {
		if f == nil {
			return
		}
		if f.Relation != nil {
			out = append(out, *f.Relation)
		}
		from(f.Left)
		from(f.Right)
	}
	for _, f := range q.From {
		from(f)
	}
	from(q.Target)
	return out
}

// tenantTablesBehind returns the tenant tables a relation is or reads
// (through views, transitively).
func (a *analyzer) tenantTablesBehind(q model.QName, seen map[model.QName]bool) []model.QName {
	if seen[q] {
		return nil
	}
	seen[q] = true
	if t := a.cat.Table(q); t != nil {
		if a.s.TenantColumn(t) != "" {
			return []model.QName{q}
		}
		return nil
	}
	var out []model.QName
	if v := a.cat.View(q); v != nil {
		for _, r := range v.Reads {
			out = append(out, a.tenantTablesBehind(r, seen)...)
		}
	}
	return out
}

// TenantTablesBehind returns the tenant tables a relation reads, directly
// or through views (for rules on views).
func TenantTablesBehind(cat *model.Catalog, s Settings, q model.QName) []model.QName {
	a := &analyzer{cat: cat, s: s}
	return a.tenantTablesBehind(q, map[model.QName]bool{})
}

// sym is a symbolic value for fallback detection: what an expression
// evaluates to when the tenant setting is unset or empty.
type sym struct {
	kind symKind
	val  string // constants
	key  string // unknown row values: the expression text, so col = col is seen
}

type symKind uint8

const (
	symUnknown symKind = iota
	symTrue
	symFalse
	symNull
	symConst
	symErr // the query fails: safe
	symRow // a value that depends on the row (key identifies it)
	symEmptyArray
)

// fallbacks finds conditions that pass every row when the tenant setting
// is unset or set to the empty string.
func (a *analyzer) fallbacks(e *model.Expr) []*model.Fallback {
	var out []*model.Fallback
	for _, br := range orBranches(e) {
		for _, cond := range andConjuncts(br) {
			setting := a.tenantSettingIn(cond)
			if setting == "" {
				continue
			}
			for _, when := range []string{"unset", "empty"} {
				if a.eval(cond, when).kind == symTrue {
					out = append(out, &model.Fallback{At: cond, Setting: setting, When: when})
					break
				}
			}
		}
	}
	return out
}

// tenantSettingIn returns the tenant setting an expression reads, or "".
func (a *analyzer) tenantSettingIn(e *model.Expr) string {
	found := ""
	model.Walk(e, func(x *model.Expr) bool {
		if found == "" && x.Kind == model.FuncCall && x.FuncName() == "current_setting" && len(x.Args) > 0 {
			if n := stripCasts(x.Args[0]); n.Kind == model.Const && a.isTenantSetting(n.Value) {
				found = n.Value
			}
		}
		return found == ""
	})
	return found
}

func stripCasts(e *model.Expr) *model.Expr {
	for e != nil && e.Kind == model.Cast && len(e.Args) == 1 {
		e = e.Args[0]
	}
	return e
}

// eval evaluates e with the tenant setting unset (when == "unset") or
// set to the empty string, in SQL's three-valued logic.
func (a *analyzer) eval(e *model.Expr, when string) sym {
	if e == nil {
		return sym{kind: symNull}
	}
	switch e.Kind {
	case model.Const:
		switch e.Type {
		case "null":
			return sym{kind: symNull}
		case "bool":
			if e.Value == "true" {
				return sym{kind: symTrue}
			}
			return sym{kind: symFalse}
		}
		return sym{kind: symConst, val: e.Value}
	case model.ColumnRef, model.Param:
		return sym{kind: symRow, key: e.String()}
	case model.Cast:
		v := a.eval(first(e.Args), when)
		if v.kind == symConst && v.val == "" && !isTextType(e.Type) {
			return sym{kind: symErr} // '' is not a valid uuid/integer
		}
		if v.kind == symRow {
			v.key = strings.TrimSuffix(v.key, "::"+e.Type)
		}
		return v
	case model.FuncCall:
		return a.evalCall(e, when)
	case model.Op:
		return a.evalOp(e, when)
	case model.NullTest:
		v := a.eval(first(e.Args), when)
		isNull := e.Op == "IS NULL"
		switch v.kind {
		case symNull:
			return boolSym(isNull)
		case symConst, symTrue, symFalse, symEmptyArray:
			return boolSym(!isNull)
		case symErr:
			return v
		}
		return sym{}
	case model.And, model.Or:
		return evalBool(e.Kind == model.And, e.Args, func(x *model.Expr) sym { return a.eval(x, when) })
	case model.Not:
		switch v := a.eval(first(e.Args), when); v.kind {
		case symTrue:
			return sym{kind: symFalse}
		case symFalse:
			return sym{kind: symTrue}
		default:
			return v
		}
	case model.BoolTest:
		return evalBoolTest(e.Op, a.eval(first(e.Args), when))
	case model.Case:
		return a.evalCase(e, 0, when)
	}
	return sym{}
}

func first(l []*model.Expr) *model.Expr {
	if len(l) == 0 {
		return nil
	}
	return l[0]
}

func boolSym(b bool) sym {
	if b {
		return sym{kind: symTrue}
	}
	return sym{kind: symFalse}
}

func isTextType(t string) bool {
	switch strings.TrimSuffix(t, "[]") {
	case "text", "character varying", "varchar", "character", "name", "unknown":
		return true
	}
	return false
}

// evalBool applies AND (and=true) or OR over three-valued operands. An
// error anywhere makes the query fail.
func evalBool(and bool, args []*model.Expr, ev func(*model.Expr) sym) sym {
	res := boolSym(and)
	for _, x := range args {
		v := ev(x)
		switch {
		case v.kind == symErr:
			return v
		case and && v.kind == symFalse, !and && v.kind == symTrue:
			return v
		case v.kind == symTrue || v.kind == symFalse:
		case v.kind == symNull && res.kind != symUnknown:
			res = sym{kind: symNull}
		default:
			res = sym{}
		}
	}
	return res
}

func (a *analyzer) evalCall(e *model.Expr, when string) sym {
	args := func(i int) sym { return a.eval(e.Args[i], when) }
	switch e.FuncName() {
	case "current_setting":
		if len(e.Args) == 0 {
			return sym{}
		}
		n := stripCasts(e.Args[0])
		if n.Kind != model.Const || !a.isTenantSetting(n.Value) {
			return sym{kind: symRow, key: e.String()}
		}
		if when == "empty" {
			return sym{kind: symConst, val: ""}
		}
		if len(e.Args) > 1 && isTrueSym(a.eval(e.Args[1], when)) {
			return sym{kind: symNull}
		}
		return sym{kind: symErr} // unrecognized configuration parameter
	case "coalesce":
		for i := range e.Args {
			v := args(i)
			if v.kind != symNull {
				return v
			}
		}
		return sym{kind: symNull}
	case "nullif":
		if len(e.Args) != 2 {
			return sym{}
		}
		l, r := args(0), args(1)
		if l.kind == symNull {
			return l
		}
		if l.kind == symConst && r.kind == symConst && l.val == r.val {
			return sym{kind: symNull}
		}
		return l
	case "string_to_array", "regexp_split_to_array":
		if len(e.Args) == 0 {
			return sym{}
		}
		switch v := args(0); {
		case v.kind == symNull:
			return v
		case v.kind == symConst && v.val == "" && e.FuncName() == "string_to_array":
			return sym{kind: symEmptyArray}
		}
	case "cardinality":
		switch v := args(0); v.kind {
		case symNull:
			return v
		case symEmptyArray:
			return sym{kind: symConst, val: "0"}
		}
	case "array_length":
		switch v := args(0); v.kind {
		case symNull, symEmptyArray:
			return sym{kind: symNull}
		}
	case "length", "char_length":
		switch v := args(0); v.kind {
		case symNull:
			return v
		case symConst:
			return sym{kind: symConst, val: strconv.Itoa(len([]rune(v.val)))}
		}
	}
	return sym{kind: symRow, key: e.String()}
}

func (a *analyzer) evalOp(e *model.Expr, when string) sym {
	if len(e.Args) != 2 {
		return sym{}
	}
	l, r := a.eval(e.Args[0], when), a.eval(e.Args[1], when)
	if l.kind == symErr || r.kind == symErr {
		return sym{kind: symErr}
	}
	if e.Quantifier == "ANY" {
		switch r.kind {
		case symNull:
			return r
		case symEmptyArray:
			return sym{kind: symFalse}
		}
		return sym{}
	}
	switch e.Op {
	case "=", "<>", "!=":
		eq := e.Op == "="
		switch {
		case l.kind == symNull || r.kind == symNull:
			return sym{kind: symNull}
		case l.kind == symConst && r.kind == symConst:
			return boolSym((l.val == r.val) == eq)
		case l.kind == symRow && r.kind == symRow && l.key == r.key:
			return boolSym(eq) // the row compared with itself
		}
	case "IS NOT DISTINCT FROM", "IS DISTINCT FROM":
		// Never NULL: NULL is not distinct from NULL only.
		same := e.Op == "IS NOT DISTINCT FROM"
		known := func(s sym) bool { return s.kind == symConst || s.kind == symTrue || s.kind == symFalse }
		switch {
		case l.kind == symNull && r.kind == symNull:
			return boolSym(same)
		case l.kind == symRow && r.kind == symRow && l.key == r.key:
			return boolSym(same)
		case l.kind == symNull && known(r), r.kind == symNull && known(l):
			return boolSym(!same)
		}
		return sym{}
	}
	if l.kind == symNull || r.kind == symNull {
		return sym{kind: symNull}
	}
	return sym{}
}

// isTrueSym reports whether s is true, or a string PostgreSQL reads as
// boolean true ('t', 'on', 'yes', '1': current_setting(name, 't')).
func isTrueSym(s sym) bool {
	if s.kind == symTrue {
		return true
	}
	if s.kind != symConst {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(s.val)) {
	case "t", "tr", "tru", "true", "y", "ye", "yes", "on", "1":
		return true
	}
	return false
}

// evalBoolTest applies IS [NOT] TRUE / FALSE / UNKNOWN, which are never
// NULL: (org_id = <unset setting>) IS NOT FALSE is true.
func evalBoolTest(op string, v sym) sym {
	var isTrue, isFalse, isNull bool
	switch v.kind {
	case symTrue:
		isTrue = true
	case symFalse:
		isFalse = true
	case symNull:
		isNull = true
	case symErr:
		return v
	default:
		return sym{}
	}
	switch op {
	case "IS TRUE":
		return boolSym(isTrue)
	case "IS NOT TRUE":
		return boolSym(!isTrue)
	case "IS FALSE":
		return boolSym(isFalse)
	case "IS NOT FALSE":
		return boolSym(!isFalse)
	case "IS UNKNOWN":
		return boolSym(isNull)
	case "IS NOT UNKNOWN":
		return boolSym(!isNull)
	}
	return sym{}
}

// evalCase evaluates CASE from its i-th WHEN: the first WHEN that is
// true picks its result; false and NULL fall through; a missing ELSE is
// NULL. When a WHEN cannot be decided, the result is known only if both
// ways agree.
func (a *analyzer) evalCase(e *model.Expr, i int, when string) sym {
	if i+1 >= len(e.Args) {
		if e.Else == nil {
			return sym{kind: symNull}
		}
		return a.eval(e.Else, when)
	}
	cond := e.Args[i]
	if e.Arg != nil {
		cond = &model.Expr{Kind: model.Op, Op: "=", Args: []*model.Expr{e.Arg, cond}}
	}
	switch g := a.eval(cond, when); g.kind {
	case symErr:
		return g
	case symTrue:
		return a.eval(e.Args[i+1], when)
	case symFalse, symNull:
		return a.evalCase(e, i+2, when)
	}
	then, rest := a.eval(e.Args[i+1], when), a.evalCase(e, i+2, when)
	if then.kind == rest.kind && then.kind != symRow && then.kind != symConst {
		return then
	}
	return sym{}
}
