package model

import "github.com/tenantguard/tenantguard/lint/source"

// TableKind distinguishes ordinary, partitioned and foreign tables.
type TableKind string

// Table kinds.
const (
	OrdinaryTable    TableKind = "table"
	PartitionedTable TableKind = "partitioned table"
	ForeignTable     TableKind = "foreign table"
)

// Table is a table, partitioned table or partition.
type Table struct {
	Schema string
	Name   string
	Kind   TableKind
	// Span is the CREATE TABLE statement (zero for live objects).
	Span  source.Span
	Owner string
	// OwnerAt is where ALTER TABLE ... OWNER TO set the owner.
	OwnerAt source.Span
	// Temporary, Unlogged as declared.
	Temporary bool

	Columns     []*Column
	Indexes     []*Index
	Constraints []*Constraint
	Policies    []*Policy
	Grants      []*Grant

	RLS RLS

	// PartitionOf is the parent of a partition; Inherits the parents of
	// an inheritance child.
	PartitionOf *QName
	Inherits    []QName
}

// QName returns the table's qualified name.
func (t *Table) QName() QName { return QName{t.Schema, t.Name} }

// Column returns the named column or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// RemoveColumn drops a column.
func (t *Table) RemoveColumn(name string) {
	out := t.Columns[:0]
	for _, c := range t.Columns {
		if c.Name != name {
			out = append(out, c)
		}
	}
	t.Columns = out
}

// Policy returns the named policy or nil.
func (t *Table) Policy(name string) *Policy {
	for _, p := range t.Policies {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// RemovePolicy drops a policy.
func (t *Table) RemovePolicy(name string) {
	out := t.Policies[:0]
	for _, p := range t.Policies {
		if p.Name != name {
			out = append(out, p)
		}
	}
	t.Policies = out
}

// RLS holds the row level security switches of a table and where each
// was last set. Enable and force are independent in PostgreSQL.
type RLS struct {
	Enabled   bool
	EnabledAt source.Span
	Forced    bool
	ForcedAt  source.Span
	// History lists every statement that changed a switch, in order.
	History []RLSChange
}

// RLSAction is one of the four ALTER TABLE row level security actions.
type RLSAction string

// RLS actions.
const (
	EnableRLS  RLSAction = "ENABLE ROW LEVEL SECURITY"
	DisableRLS RLSAction = "DISABLE ROW LEVEL SECURITY"
	ForceRLS   RLSAction = "FORCE ROW LEVEL SECURITY"
	NoForceRLS RLSAction = "NO FORCE ROW LEVEL SECURITY"
)

// RLSChange records one statement that changed an RLS switch.
type RLSChange struct {
	Action RLSAction
	At     source.Span
}

// Column is a table column.
type Column struct {
	Name    string
	Type    string
	NotNull bool
	// NotNullAt is where NOT NULL was last set or dropped.
	NotNullAt source.Span
	Default   string
	// Identity or serial columns generate their own values.
	Generated bool
	Span      source.Span
}

// Index is an index on a table (including those behind PRIMARY KEY and
// UNIQUE constraints, which carry Constraint).
type Index struct {
	Schema  string
	Name    string
	Columns []string // key columns in order; "" for an expression
	Unique  bool
	Primary bool
	// Partial indexes only cover some rows.
	Partial bool
	// Constraint names the constraint the index enforces, if any.
	Constraint string
	Span       source.Span
}

// ConstraintKind is the kind of a table constraint.
type ConstraintKind string

// Constraint kinds.
const (
	PrimaryKey ConstraintKind = "PRIMARY KEY"
	Unique     ConstraintKind = "UNIQUE"
	ForeignKey ConstraintKind = "FOREIGN KEY"
	Check      ConstraintKind = "CHECK"
	Exclusion  ConstraintKind = "EXCLUDE"
)

// Constraint is a table constraint.
type Constraint struct {
	Name    string
	Kind    ConstraintKind
	Columns []string
	// Foreign keys: the referenced table and columns (RefColumns empty
	// means the referenced table's primary key).
	RefTable   QName
	RefColumns []string
	Span       source.Span
}

// Grant is a privilege granted on a relation.
type Grant struct {
	Grantee    string // role name, "PUBLIC" for public
	Privileges []string
	// Columns limits a column-level grant.
	Columns []string
	Span    source.Span
}
