package ddl

import (
	"fmt"
	"strings"

	"github.com/tenantguard/tenantguard/lint/model"
)

// vkind classifies a value in a policy expression.
type vkind uint8

const (
	vOther     vkind = iota
	vLiteral         // a constant
	vTenant          // a trusted tenant value
	vIdentity        // the current user's identity
	vExternal        // a helper defined outside the files read: trusted, noted
	vUntrusted       // user-editable metadata
	vRole            // the role (auth.role(), current role claims): same for everyone
	vRowCol          // a column of the protected row
	vInnerCol        // a column of a relation inside a sub-select
	vParam           // a parameter the caller chooses
	vJSON            // a JSON document on the way to a claim (auth.jwt(), raw_*_meta_data)
)

type value struct {
	kind vkind
	// col is the column name (vRowCol, vInnerCol).
	col string
	// how describes the value for messages.
	how string
	// json is the JSON source and path for vJSON: source is "jwt",
	// "user_metadata" (raw_user_meta_data) or "app_metadata".
	source string
	path   []string
	expr   *model.Expr
}

// identityFuncs return the current user's id (or another identity).
var identityFuncs = map[string]bool{
	"auth.uid": true, "auth.email": true, "current_user": true, "session_user": true,
	"current_role": true,
}

func qualifiedName(e *model.Expr) string { return strings.Join(e.Names, ".") }

// classify says what a value expression is.
func (a *analyzer) classify(e *model.Expr, c *ctx) value {
	if e == nil {
		return value{}
	}
	switch e.Kind {
	case model.Cast:
		if len(e.Args) == 1 {
			return a.classify(e.Args[0], c)
		}
	case model.Const:
		return value{kind: vLiteral, expr: e, how: e.String()}
	case model.Param:
		if col, ok := c.rowColumn(e); ok {
			return value{kind: vRowCol, col: col, expr: e}
		}
		if v, ok := c.argument(e); ok {
			return v
		}
		return value{kind: vParam, how: "parameter " + e.String(), expr: e}
	case model.ColumnRef:
		if col, ok := c.rowColumn(e); ok {
			return value{kind: vRowCol, col: col, expr: e}
		}
		switch e.Column() {
		case "raw_user_meta_data":
			return value{kind: vJSON, source: "user_metadata", how: "auth.users.raw_user_meta_data", expr: e}
		case "raw_app_meta_data":
			return value{kind: vJSON, source: "app_metadata", how: "auth.users.raw_app_meta_data", expr: e}
		}
		return value{kind: vInnerCol, col: e.Column(), expr: e}
	case model.FuncCall:
		return a.classifyCall(e, c)
	case model.Op:
		if (e.Op == "->" || e.Op == "->>" || e.Op == "#>" || e.Op == "#>>") && len(e.Args) == 2 {
			base := a.classify(e.Args[0], c)
			if base.kind == vJSON || base.source != "" && len(base.path) > 0 && base.kind != vUntrusted {
				// Deeper into a claim: auth.jwt() -> 'o' ->> 'id'.
				return jsonClaim(base, jsonKeys(e.Op, e.Args[1]), e)
			}
			if base.kind == vUntrusted {
				// Deeper into user_metadata is still user_metadata.
				base.expr = e
				return base
			}
		}
	case model.SubLink:
		if q := e.Query; e.Op == "EXPR" && q != nil && len(q.From) == 0 && q.Where == nil && len(q.SetOps) == 0 && len(q.Targets) == 1 {
			// (SELECT auth.jwt()): the wrapper Supabase recommends for
			// speed is the value itself.
			return a.classify(q.Targets[0], c)
		}
		if e.Op == "EXPR" && e.Query != nil {
			if v, ok := a.lookup(e.Query, c); ok {
				return v
			}
		}
	case model.Subscript:
		if len(e.Args) == 1 {
			return a.classify(e.Args[0], c)
		}
	}
	return value{kind: vOther, expr: e}
}

func (a *analyzer) classifyCall(e *model.Expr, c *ctx) value {
	name := qualifiedName(e)
	fn := e.FuncName()
	switch {
	case identityFuncs[name] || (e.Op == "SQLVALUE" && identityFuncs[fn]):
		return value{kind: vIdentity, how: identityText(e), expr: e}
	case name == "auth.jwt":
		return value{kind: vJSON, source: "jwt", how: "auth.jwt()", expr: e}
	case name == "auth.role":
		return value{kind: vRole, how: "auth.role()", expr: e}
	case fn == "current_setting" && len(e.Args) >= 1:
		return a.setting(e)
	case fn == "nullif" || fn == "coalesce" || fn == "btrim" || fn == "lower" || fn == "upper" || fn == "trim" || passThrough[fn] && e.Func == nil:
		if len(e.Args) > 0 {
			return a.classify(e.Args[0], c)
		}
	case fn == "jsonb_extract_path" || fn == "jsonb_extract_path_text" || fn == "json_extract_path" || fn == "json_extract_path_text":
		if len(e.Args) > 1 {
			base := a.classify(e.Args[0], c)
			if base.kind == vJSON {
				var keys []string
				var add func(k *model.Expr)
				add = func(k *model.Expr) {
					k = stripCasts(k)
					switch {
					case k.Kind == model.Const && k.Type == "string":
						keys = append(keys, k.Value)
					case k.Kind == model.Array:
						// VARIADIC ARRAY[...], as pg_get_expr prints it.
						for _, x := range k.Args {
							add(x)
						}
					default:
						keys = append(keys, "?")
					}
				}
				for _, k := range e.Args[1:] {
					add(k)
				}
				return jsonClaim(base, keys, e)
			}
		}
	}
	return a.helperValue(e, c)
}

func identityText(e *model.Expr) string {
	if e.Op == "SQLVALUE" {
		return e.FuncName()
	}
	return qualifiedName(e) + "()"
}

// setting classifies current_setting('name'[, missing_ok]).
func (a *analyzer) setting(e *model.Expr) value {
	nameExpr := e.Args[0]
	for nameExpr.Kind == model.Cast && len(nameExpr.Args) == 1 {
		nameExpr = nameExpr.Args[0]
	}
	if nameExpr.Kind != model.Const || nameExpr.Type != "string" {
		return value{kind: vOther, expr: e}
	}
	name := strings.ToLower(nameExpr.Value)
	how := fmt.Sprintf("current_setting('%s')", nameExpr.Value)
	switch {
	case name == "request.jwt.claims":
		return value{kind: vJSON, source: "jwt", how: how, expr: e}
	case strings.HasPrefix(name, "request.jwt.claim."):
		return jsonClaim(value{kind: vJSON, source: "jwt", how: "request.jwt.claim"}, []string{strings.TrimPrefix(name, "request.jwt.claim.")}, e)
	case name == "role" || name == "request.method" || name == "request.path":
		return value{kind: vRole, how: how, expr: e}
	case a.s.TenantSetting != "":
		if name == strings.ToLower(a.s.TenantSetting) {
			return value{kind: vTenant, how: how, expr: e}
		}
		if isUserSetting(name) {
			return value{kind: vIdentity, how: how, expr: e}
		}
		return value{kind: vOther, how: how, expr: e}
	case !strings.Contains(name, "."):
		// Built-in settings (search_path, timezone) are not tenants.
		return value{kind: vOther, how: how, expr: e}
	case isUserSetting(name):
		return value{kind: vIdentity, how: how, expr: e}
	}
	return value{kind: vTenant, how: how, expr: e}
}

func isUserSetting(name string) bool {
	return strings.Contains(name, "user") || strings.HasSuffix(name, ".uid") || strings.HasSuffix(name, ".sub")
}

// isTenantSetting reports whether current_setting(name) carries the
// tenant (for fallback detection).
func (a *analyzer) isTenantSetting(name string) bool {
	name = strings.ToLower(name)
	if a.s.TenantSetting != "" {
		return name == strings.ToLower(a.s.TenantSetting)
	}
	return strings.Contains(name, ".") && !strings.HasPrefix(name, "request.") && !isUserSetting(name)
}

// jsonKeys returns the keys of a -> / ->> / #> / #>> access.
func jsonKeys(op string, key *model.Expr) []string {
	for key.Kind == model.Cast && len(key.Args) == 1 {
		key = key.Args[0]
	}
	if key.Kind != model.Const || key.Type != "string" {
		if key.Kind == model.Array {
			var out []string
			for _, k := range key.Args {
				if k.Kind == model.Const {
					out = append(out, k.Value)
				}
			}
			return out
		}
		return []string{"?"}
	}
	if strings.HasPrefix(op, "#") {
		return strings.Split(strings.Trim(key.Value, "{}"), ",")
	}
	return []string{key.Value}
}

// jsonClaim classifies a path into a JSON document: JWT claims and the
// metadata columns of auth.users.
func jsonClaim(base value, keys []string, e *model.Expr) value {
	path := append(append([]string(nil), base.path...), keys...)
	v := value{kind: vJSON, source: base.source, path: path, expr: e, how: base.how}
	if base.source == "user_metadata" {
		v.kind, v.how = vUntrusted, "auth.users.raw_user_meta_data"
		return v
	}
	if base.source == "app_metadata" {
		if len(path) > 0 {
			v.kind, v.how = vTenant, "auth.users.raw_app_meta_data -> '"+strings.Join(path, "' -> '")+"'"
		}
		return v
	}
	for _, k := range path {
		if strings.TrimSpace(k) == "user_metadata" {
			v.kind, v.how = vUntrusted, "the JWT's user_metadata claim"
			return v
		}
	}
	if len(path) == 0 {
		return v
	}
	switch strings.TrimSpace(path[0]) {
	case "sub", "email", "phone":
		v.kind, v.how = vIdentity, "the JWT's "+path[0]+" claim"
	case "role", "aud", "iss", "exp", "iat", "aal", "session_id", "is_anonymous":
		v.kind, v.how = vRole, "the JWT's "+path[0]+" claim"
	case "app_metadata":
		if len(path) > 1 {
			v.kind, v.how = vTenant, "the JWT's app_metadata."+strings.Join(path[1:], ".")+" claim"
		}
	default:
		v.kind, v.how = vTenant, "the JWT's custom "+strings.Join(path, ".")+" claim"
	}
	return v
}

// arrayValue classifies the array of col = ANY(array).
func (a *analyzer) arrayValue(e *model.Expr, v value, c *ctx) value {
	if e.Kind == model.SubLink && e.Op == "ARRAY" && e.Query != nil {
		if lv, ok := a.lookup(e.Query, c); ok {
			return lv
		}
		return value{kind: vOther, expr: e}
	}
	if e.Kind == model.Array {
		worst := value{kind: vTenant}
		for _, x := range e.Args {
			xv := a.classify(x, c)
			if xv.kind != vTenant && xv.kind != vIdentity && xv.kind != vExternal {
				return xv
			}
			worst = xv
		}
		return worst
	}
	return v
}

// helperValue classifies a call of a function without arguments, such as
// current_org_id(): the value its body returns.
func (a *analyzer) helperValue(e *model.Expr, c *ctx) value {
	// The arguments flow into the body: org_ids_of((SELECT auth.uid()))
	// is keyed on the current user only because of what it is passed.
	args := make([]value, len(e.Args))
	for i, x := range e.Args {
		args[i] = a.classify(x, c)
		if args[i].kind == vRowCol {
			// A function of the row (storage.foldername(name)) says
			// something about the row, not about the current tenant.
			return value{kind: vOther, expr: e}
		}
	}
	f := a.findFunction(e, len(e.Args))
	if f == nil {
		if len(e.Names) > 1 && e.Names[0] != "pg_catalog" {
			return value{kind: vExternal, how: qualifiedName(e) + "() (not defined in the files read; trusted)", expr: e}
		}
		return value{kind: vOther, expr: e}
	}
	key := "value:" + f.String()
	if a.busy[key] {
		return value{kind: vOther, expr: e}
	}
	a.busy[key] = true
	defer delete(a.busy, key)
	fc := &ctx{fn: f, args: args}
	for i := len(f.Queries) - 1; i >= 0; i-- {
		q := f.Queries[i]
		if q.Kind != "SELECT" || len(q.Targets) == 0 {
			continue
		}
		var v value
		if len(q.From) == 0 {
			v = a.classify(q.Targets[0], fc)
		} else if how, ok := a.keyed(q, fc); ok {
			v = value{kind: vTenant, how: how}
		}
		if v.kind == vTenant || v.kind == vIdentity || v.kind == vExternal || v.kind == vUntrusted {
			v.how = fmt.Sprintf("%s() (%s)", f.QName(), v.how)
			v.expr = e
			return v
		}
	}
	return value{kind: vOther, expr: e}
}

// findFunction returns the catalog function a call names with n
// arguments (or accepting n through defaults), or nil.
func (a *analyzer) findFunction(e *model.Expr, n int) *model.Function {
	var cands []*model.Function
	if e.Func != nil {
		cands = a.cat.FunctionsNamed(*e.Func)
	} else if len(e.Names) == 1 {
		cands = a.cat.FunctionsNamed(model.QName{Schema: "public", Name: e.Names[0]})
	}
	var best *model.Function
	for _, f := range cands {
		if len(f.ArgTypes) == n {
			return f
		}
		if len(f.ArgTypes) > n && best == nil {
			best = f
		}
	}
	return best
}

// isTrustedHelper reports whether tenant_functions lists the function.
func (a *analyzer) isTrustedHelper(e *model.Expr) bool {
	name := qualifiedName(e)
	for _, t := range a.s.TenantFunctions {
		if t == name || t == e.FuncName() || e.Func != nil && t == e.Func.String() {
			return true
		}
	}
	return false
}

// scopeCall judges a boolean helper call that receives a column of the
// row: is_org_member(org_id), has_role_on_account(account_id).
func (a *analyzer) scopeCall(e *model.Expr, c *ctx) scopeResult {
	bound, col := 0, ""
	// The other arguments flow into the body too: has_permission(auth.uid(),
	// account_id, 'tasks.write') checks the caller because it is passed
	// auth.uid().
	args := make([]value, len(e.Args))
	for i, arg := range e.Args {
		args[i] = a.classify(arg, c)
		if v := args[i]; v.kind == vRowCol && (bound == 0 || col != c.tenantCol) {
			bound, col = i+1, v.col
		}
	}
	name := qualifiedName(e)
	if bound == 0 {
		return unscoped(e, "%s() does not receive a column of the row, so it cannot tie the row to a tenant", name)
	}
	scopeFor := func(s model.Scope) model.Scope {
		if col == c.tenantCol && c.tenantCol != "" || s == model.NoRows {
			return s
		}
		if _, ok := a.fkPinsTenant(c, col); ok {
			return s // a composite foreign key ties the tenant column to col's row
		}
		return min(s, model.ParentScoped)
	}
	call := fmt.Sprintf("%s(%s)", name, col)
	if a.isTrustedHelper(e) {
		return scopeResult{scope: scopeFor(model.TenantScoped), how: call + " (listed in tenant_functions)", at: e}
	}
	f := a.findFunction(e, len(e.Args))
	if f == nil {
		a.trusted = append(a.trusted, call+": not defined in the files read; trusted to check the current user's access (list it in tenant_functions)")
		return scopeResult{scope: scopeFor(model.TenantScoped), how: call + " (trusted helper)", at: e}
	}
	if f.Dynamic || !f.BodyParsed {
		a.trusted = append(a.trusted, call+": body builds SQL at run time or could not be analysed; trusted")
		return scopeResult{scope: scopeFor(model.TenantScoped), how: call + " (trusted helper)", at: e}
	}
	key := fmt.Sprintf("%s#%d%v", f.String(), bound, argKinds(args))
	r, ok := a.memo[key]
	if !ok {
		if a.busy[key] {
			return unscoped(e, "%s calls itself", call)
		}
		a.busy[key] = true
		r = a.helperScope(f, bound, args)
		delete(a.busy, key)
		a.memo[key] = r
	}
	if r.scope == model.Unscoped {
		return unscoped(e, "%s does not tie its argument to the current user or tenant: %s", call, r.why)
	}
	return scopeResult{scope: scopeFor(r.scope), how: fmt.Sprintf("%s, which checks %s", call, r.how), at: e}
}

// helperScope analyses a helper's body with parameter `bound` standing
// for the row's tenant column: the best-scoped query wins (a helper may
// check membership in one statement and return in another).
func (a *analyzer) helperScope(f *model.Function, bound int, args []value) scopeResult {
	fc := &ctx{fn: f, param: bound, tenantCol: "$tenant", args: args}
	if bound-1 < len(f.ArgNames) {
		fc.paramName = f.ArgNames[bound-1]
	}
	best := unscoped(nil, "its body does not compare the argument to the current user or tenant")
	for _, q := range f.Queries {
		var r scopeResult
		switch {
		case len(q.From) == 0 && len(q.Targets) > 0:
			// IF NOT EXISTS (membership) THEN RAISE ... is a guard: what
			// matters is that the body examines the membership.
			target := q.Targets[0]
			for target.Kind == model.Not && len(target.Args) == 1 {
				target = target.Args[0]
			}
			r = a.scope(target, fc)
		case len(q.From) > 0:
			r = a.scopeExists(nil, q, fc)
		default:
			continue
		}
		if r.scope > best.scope {
			best = r
		}
	}
	return best
}
