package introspect

import (
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/lint/model"
)

// builder turns catalog rows into the model. Rows arrive kind by kind;
// texts that need the whole catalog to resolve names (policy
// expressions, view queries, function bodies) are kept and parsed by
// finish.
type builder struct {
	cat    *model.Catalog
	tables map[uint32]*model.Table
	views  map[uint32]*view
	// order keeps views in creation order (oid) for parsing.
	order    []*view
	policies []*policy
	// groups are the policies that print the same but for their table's
	// name (policies.go), found by groupIndex; keyBuf builds their keys.
	groups     []*policyGroup
	groupIndex map[string]int
	keyBuf     []byte
	funcs      []*function
	grants     map[uint32]*grantSet
	// columns holds each table's columns by number (nil where a number
	// is unused), for index and constraint keys and the column order.
	columns map[uint32][]*model.Column
	colSigs map[uint32]string
}

type view struct {
	v   *model.View
	oid uint32
	def string
	// reads are the relations the view depends on (pg_depend).
	reads []model.QName
}

type policy struct {
	p          *model.Policy
	t          *model.Table
	oid, relid uint32
	// using and check are the expressions as the server prints them.
	using, check *string
}

type function struct {
	f *model.Function
	// sqlBody is a SQL-standard body (BEGIN ATOMIC ... END, RETURN ...).
	sqlBody *string
}

func newBuilder() *builder {
	return &builder{
		cat:     model.NewCatalog(model.FromDatabase),
		tables:  map[uint32]*model.Table{},
		views:   map[uint32]*view{},
		grants:  map[uint32]*grantSet{},
		columns: map[uint32][]*model.Column{},
		colSigs: map[uint32]string{},

		groupIndex: map[string]int{},
	}
}

// steps lists the catalog queries, one per kind of object.
func (b *builder) steps(version int, opts Options) []step {
	schemas := opts.Schemas
	if schemas == nil {
		schemas = []string{}
	}
	arg := []any{schemas}
	return []step{
		{what: "schemas", sql: querySchemas, args: arg, row: b.schema},
		{what: "tables and views", sql: queryRelations, args: arg, row: b.relation},
		{what: "partitions and inheritance", sql: queryInherits, args: arg, row: b.inherit},
		{what: "columns", sql: columnsQuery(version), args: arg, row: b.column},
		{what: "indexes", sql: queryIndexes, args: arg, row: b.index},
		{what: "constraints", sql: queryConstraints, args: arg, row: b.constraint},
		{what: "policies", sql: queryPolicies, args: arg, row: b.policy},
		{what: "view dependencies", sql: queryViewReads, args: arg, row: b.viewRead},
		{what: "functions", sql: functionsQuery(version), row: b.function},
		{what: "roles", sql: queryRoles, row: b.role},
		{what: "role memberships", sql: queryMemberships, row: b.membership},
	}
}

func (b *builder) schema(rows pgx.Rows) error {
	var name, owner string
	if err := rows.Scan(&name, &owner); err != nil {
		return err
	}
	b.cat.Schemas[name] = &model.Schema{Name: name, Owner: owner}
	return nil
}

func (b *builder) relation(rows pgx.Rows) error {
	var (
		oid                       uint32
		schema, name, kind, persi string
		owner                     string
		rls, force, partition     bool
		options                   []string
		def                       *string
		grantees, privileges      []string
	)
	if err := rows.Scan(&oid, &schema, &name, &kind, &persi, &owner, &rls, &force, &partition, &options, &def,
		&grantees, &privileges); err != nil {
		return err
	}
	b.grant(oid, "", grantees, privileges)
	switch kind {
	case "v", "m":
		v := &model.View{Schema: schema, Name: name, Materialized: kind == "m", Owner: owner}
		for _, o := range options {
			k, val, _ := strings.Cut(o, "=")
			v.SetOption(strings.ToLower(k), strings.ToLower(val), noSpan)
		}
		w := &view{v: v, oid: oid}
		if def != nil {
			w.def = *def
		}
		b.views[oid] = w
		b.order = append(b.order, w)
		b.cat.AddView(v)
		return nil
	}
	t := &model.Table{Schema: schema, Name: name, Kind: model.OrdinaryTable, Owner: owner,
		Temporary: persi == "t", RLS: model.RLS{Enabled: rls, Forced: force}}
	switch kind {
	case "p":
		t.Kind = model.PartitionedTable
	case "f":
		t.Kind = model.ForeignTable
	}
	if partition {
		// Filled by inherit; a non-nil value marks the table a partition.
		t.PartitionOf = &model.QName{}
	}
	b.tables[oid] = t
	b.cat.AddTable(t)
	return nil
}

func (b *builder) inherit(rows pgx.Rows) error {
	var (
		oid          uint32
		schema, name string
	)
	if err := rows.Scan(&oid, &schema, &name); err != nil {
		return err
	}
	t := b.tables[oid]
	if t == nil {
		return nil
	}
	parent := model.QName{Schema: schema, Name: name}
	if t.PartitionOf != nil && t.PartitionOf.Name == "" {
		*t.PartitionOf = parent
		return nil
	}
	t.Inherits = append(t.Inherits, parent)
	return nil
}

func (b *builder) column(rows pgx.Rows) error {
	var (
		oid                         uint32
		attnum                      int16
		name, typ                   string
		notNull, identity, isSerial bool
		def                         *string
		grantees, privileges        []string
	)
	if err := rows.Scan(&oid, &attnum, &name, &typ, &notNull, &identity, &def, &isSerial, &grantees, &privileges); err != nil {
		return err
	}
	b.grant(oid, name, grantees, privileges)
	t := b.tables[oid]
	if t == nil {
		return nil // a view's column (read for its grants)
	}
	c := &model.Column{Name: name, Type: bareTypeName(typ), NotNull: notNull, Generated: identity || isSerial}
	if def != nil {
		c.Default = *def
	}
	cols := b.columns[oid]
	if int(attnum) >= len(cols) {
		cols = append(cols, make([]*model.Column, int(attnum)+1-len(cols))...)
		b.columns[oid] = cols
	}
	cols[attnum] = c
	return nil
}

// columnName names a column of a table by number; "" for 0 (an
// expression) or a number it does not have.
func (b *builder) columnName(oid uint32, num int16) string {
	cols := b.columns[oid]
	if num <= 0 || int(num) >= len(cols) || cols[num] == nil {
		return ""
	}
	return cols[num].Name
}

// columnNames names column numbers of a table.
func (b *builder) columnNames(oid uint32, nums []int16) []string {
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = b.columnName(oid, n)
	}
	return out
}

func (b *builder) index(rows pgx.Rows) error {
	var (
		oid                      uint32
		name, constraint         string
		unique, primary, partial bool
		keys                     []int16
	)
	if err := rows.Scan(&oid, &name, &unique, &primary, &partial, &keys, &constraint); err != nil {
		return err
	}
	t := b.tables[oid]
	if t == nil {
		return nil
	}
	t.Indexes = append(t.Indexes, &model.Index{Schema: t.Schema, Name: name, Columns: b.columnNames(oid, keys),
		Unique: unique, Primary: primary, Partial: partial, Constraint: constraint})
	return nil
}

var constraintKinds = map[string]model.ConstraintKind{
	"p": model.PrimaryKey, "u": model.Unique, "f": model.ForeignKey, "c": model.Check, "x": model.Exclusion,
}

func (b *builder) constraint(rows pgx.Rows) error {
	var (
		oid                         uint32
		name, kind, refSchema, refT string
		keys                        []int16
		refColumns                  []string
	)
	if err := rows.Scan(&oid, &name, &kind, &keys, &refSchema, &refT, &refColumns); err != nil {
		return err
	}
	t := b.tables[oid]
	if t == nil {
		return nil
	}
	c := &model.Constraint{Name: name, Kind: constraintKinds[kind], Columns: b.columnNames(oid, keys)}
	if c.Kind == model.ForeignKey {
		c.RefTable = model.QName{Schema: refSchema, Name: refT}
		c.RefColumns = refColumns
	}
	t.Constraints = append(t.Constraints, c)
	return nil
}

var policyCommands = map[string]model.Command{
	"*": model.AllCommands, "r": model.Select, "a": model.Insert, "w": model.Update, "d": model.Delete,
}

func (b *builder) policy(rows pgx.Rows) error {
	var (
		oid, relid uint32
		name, cmd  string
		permissive bool
		roles      []string
	)
	// The stored trees are only looked at, in place (RawValues), to
	// group the policies: they are large.
	if err := rows.Scan(&oid, &relid, &name, &permissive, &cmd, &roles, nil, nil); err != nil {
		return err
	}
	t := b.tables[relid]
	if t == nil {
		return nil
	}
	command, ok := policyCommands[cmd]
	if !ok {
		command = model.AllCommands
	}
	if len(roles) == 0 {
		roles = []string{"PUBLIC"}
	}
	p := &model.Policy{Name: name, Table: t.QName(), Permissive: permissive, Command: command, Roles: roles}
	t.Policies = append(t.Policies, p)
	pol := &policy{p: p, t: t, oid: oid, relid: relid}
	b.policies = append(b.policies, pol)
	raw := rows.RawValues()
	b.groupPolicy(pol, raw[6], raw[7])
	return nil
}

func (b *builder) viewRead(rows pgx.Rows) error {
	var (
		oid          uint32
		schema, name string
	)
	if err := rows.Scan(&oid, &schema, &name); err != nil {
		return err
	}
	if v := b.views[oid]; v != nil {
		v.reads = append(v.reads, model.QName{Schema: schema, Name: name})
	}
	return nil
}

func (b *builder) function(rows pgx.Rows) error {
	var (
		oid                                  uint32
		schema, name, kind, lang, src, owner string
		secdef                               bool
		config, argNames, argModes           []string
		argTypes                             []string
		sqlBody                              *string
		result                               string
	)
	if err := rows.Scan(&oid, &schema, &name, &kind, &lang, &secdef, &config, &src, &sqlBody, &owner,
		&argNames, &argModes, &argTypes, &result); err != nil {
		return err
	}
	f := &model.Function{Schema: schema, Name: name, Language: strings.ToLower(lang), SecurityDefiner: secdef,
		Config: map[string]string{}, Body: src, Owner: owner, Procedure: kind == "p", Returns: result}
	for _, typ := range argTypes {
		f.ArgTypes = append(f.ArgTypes, bareTypeName(typ))
	}
	f.ArgNames = inputArgNames(argNames, argModes, len(f.ArgTypes))
	for _, c := range config {
		k, v, _ := strings.Cut(c, "=")
		if v == `""` {
			v = ""
		}
		f.Config[strings.ToLower(k)] = v
	}
	b.funcs = append(b.funcs, &function{f: f, sqlBody: sqlBody})
	b.cat.AddFunction(f)
	return nil
}

// inputArgNames returns the names of the input arguments. proargnames
// follows proallargtypes (every argument, OUT ones included) when
// proargmodes is set, else proargtypes (the inputs).
func inputArgNames(names, modes []string, inputs int) []string {
	out := make([]string, 0, inputs)
	if len(modes) == 0 {
		for i := 0; i < inputs; i++ {
			n := ""
			if i < len(names) {
				n = names[i]
			}
			out = append(out, n)
		}
		return out
	}
	for i, m := range modes {
		switch m {
		case "i", "b", "v": // IN, INOUT, VARIADIC
			n := ""
			if i < len(names) {
				n = names[i]
			}
			out = append(out, n)
		}
	}
	return out
}

// grantSet collects a relation's ACL entries.
type grantSet struct {
	table  map[string][]string            // grantee -> privileges
	column map[string]map[string][]string // grantee -> privilege -> columns
}

// grant records the ACL entries of a relation (column "") or of one of
// its columns, as parallel lists of grantees and privileges.
func (b *builder) grant(oid uint32, column string, grantees, privileges []string) {
	if len(grantees) == 0 || len(grantees) != len(privileges) {
		return
	}
	g := b.grants[oid]
	if g == nil {
		g = &grantSet{table: map[string][]string{}, column: map[string]map[string][]string{}}
		b.grants[oid] = g
	}
	for i, grantee := range grantees {
		priv := privileges[i]
		if column == "" {
			g.table[grantee] = append(g.table[grantee], priv)
			continue
		}
		if g.column[grantee] == nil {
			g.column[grantee] = map[string][]string{}
		}
		g.column[grantee][priv] = append(g.column[grantee][priv], column)
	}
}

// privilegeOrder is the order GRANT ALL lists table privileges in.
var privilegeOrder = map[string]int{
	"SELECT": 0, "INSERT": 1, "UPDATE": 2, "DELETE": 3, "TRUNCATE": 4, "REFERENCES": 5, "TRIGGER": 6, "MAINTAIN": 7,
}

// list turns the ACL entries into grants: one per grantee for the table,
// one per grantee and privilege for column grants.
func (g *grantSet) list() []*model.Grant {
	var out []*model.Grant
	for _, grantee := range sortedKeys(g.table) {
		privs := g.table[grantee]
		sort.Slice(privs, func(i, j int) bool { return privilegeOrder[privs[i]] < privilegeOrder[privs[j]] })
		out = append(out, &model.Grant{Grantee: grantee, Privileges: privs})
	}
	for _, grantee := range sortedKeys(g.column) {
		byPriv := g.column[grantee]
		for _, priv := range sortedKeys(byPriv) {
			cols := byPriv[priv]
			sort.Strings(cols)
			out = append(out, &model.Grant{Grantee: grantee, Privileges: []string{priv}, Columns: cols})
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (b *builder) role(rows pgx.Rows) error {
	var (
		name                    string
		super, bypass, canLogin bool
	)
	if err := rows.Scan(&name, &super, &bypass, &canLogin); err != nil {
		return err
	}
	b.cat.Roles[name] = &model.Role{Name: name, Superuser: super, BypassRLS: bypass, Login: canLogin}
	return nil
}

func (b *builder) membership(rows pgx.Rows) error {
	var member, role string
	if err := rows.Scan(&member, &role); err != nil {
		return err
	}
	if r := b.cat.Roles[member]; r != nil {
		r.MemberOf = append(r.MemberOf, role)
	}
	return nil
}

// bareTypeName drops the schema format_type puts before a type outside
// pg_catalog (the search path is empty while reading; pg_catalog's types
// are never qualified and never contain a dot), so that types read live
// compare equal to types written unqualified in migrations, which is how
// they are almost always written. Quoted names are unquoted, as lint/ddl
// keeps them: "My Type"[] becomes My Type[].
func bareTypeName(formatted string) string {
	name, rest := identPrefix(formatted)
	if strings.HasPrefix(rest, ".") {
		name, rest = identPrefix(rest[1:])
	} else if !strings.HasPrefix(formatted, `"`) {
		return formatted // a pg_catalog type: "character varying", "integer[]"
	}
	return name + rest
}

// identPrefix splits off a leading identifier, unquoting it.
func identPrefix(s string) (name, rest string) {
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				return b.String(), s[i+1:]
			}
			b.WriteByte(s[i])
		}
		return b.String(), ""
	}
	i := strings.IndexAny(s, ".[( ")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }
