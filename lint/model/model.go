// Package model is the schema model that rules run on: plain structs, no
// I/O. lint/ddl fills it by replaying migrations, lint/introspect by reading
// a live catalog. Every object carries the span of the statement that
// declared it (a zero span when it came from a live database) and facts
// that later statements change keep where they were set.
package model

import (
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/tenantguard/tenantguard/lint/source"
)

// Origin says where a catalog came from.
type Origin string

// Origins of a catalog.
const (
	FromMigrations Origin = "lint"
	FromDatabase   Origin = "inspect"
)

// QName is a schema-qualified name, unquoted, as PostgreSQL stores it.
type QName struct {
	Schema string
	Name   string
}

// String returns schema.name.
func (q QName) String() string {
	if q.Schema == "" {
		return q.Name
	}
	return q.Schema + "." + q.Name
}

// Less orders names by schema then name.
func (q QName) Less(o QName) bool {
	if q.Schema != o.Schema {
		return q.Schema < o.Schema
	}
	return q.Name < o.Name
}

// Catalog is the whole schema model.
type Catalog struct {
	Origin Origin
	// Files are the files read, in replay order (empty for a live catalog).
	Files []*source.File

	Schemas   map[string]*Schema
	Roles     map[string]*Role
	tables    map[QName]*Table
	views     map[QName]*View
	functions map[QName][]*Function
	// sorted caches what Tables, Views and Functions return: rules ask
	// for them over and over. The methods that add, remove or rename
	// objects clear it.
	sorted struct {
		tables    []*Table
		views     []*View
		functions []*Function
	}

	// Diagnostics are problems met while building the model (parse
	// errors, dynamic SQL). Rules turn them into findings.
	Diagnostics []Diagnostic
	// Notes are things the builder could not see or decided to trust
	// (shown with --verbose).
	Notes []Note
}

// NewCatalog returns an empty catalog with the public schema.
func NewCatalog(origin Origin) *Catalog {
	c := &Catalog{
		Origin:    origin,
		Schemas:   map[string]*Schema{},
		Roles:     map[string]*Role{},
		tables:    map[QName]*Table{},
		views:     map[QName]*View{},
		functions: map[QName][]*Function{},
	}
	c.Schemas["public"] = &Schema{Name: "public"}
	return c
}

// Schema is a namespace.
type Schema struct {
	Name  string
	Owner string
	Span  source.Span
}

// DiagnosticKind names what went wrong while building the model.
type DiagnosticKind string

// Diagnostic kinds; each is reported by the rule of the same name.
const (
	ParseError DiagnosticKind = "parse-error"
	DynamicSQL DiagnosticKind = "dynamic-sql"
)

// Diagnostic is a problem found while building the model.
type Diagnostic struct {
	Kind    DiagnosticKind
	Span    source.Span
	Message string
	// Path is set when Span has no file (e.g. a file that could not be
	// decoded at all).
	Path string
}

// Note is an informational remark from the model builder.
type Note struct {
	Span    source.Span
	Object  string
	Message string
}

// AddTable registers t, replacing any table of the same name.
func (c *Catalog) AddTable(t *Table) {
	c.tables[t.QName()] = t
	c.sorted.tables = nil
}

// Table looks up a table (or partition) by name; nil when unknown.
func (c *Catalog) Table(q QName) *Table { return c.tables[q] }

// RemoveTable forgets a table.
func (c *Catalog) RemoveTable(q QName) {
	delete(c.tables, q)
	c.sorted.tables = nil
}

// RenameTable moves a table to a new name, keeping references intact.
func (c *Catalog) RenameTable(t *Table, to QName) {
	delete(c.tables, t.QName())
	t.Schema, t.Name = to.Schema, to.Name
	c.tables[to] = t
	c.sorted.tables = nil
}

// Tables returns every table sorted by name (deterministic for rules).
// The slice is the caller's.
func (c *Catalog) Tables() []*Table {
	if c.sorted.tables == nil {
		out := make([]*Table, 0, len(c.tables))
		for _, t := range c.tables {
			out = append(out, t)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].QName().Less(out[j].QName()) })
		c.sorted.tables = out
	}
	return slices.Clone(c.sorted.tables)
}

// AllTables yields every table in no particular order, for passes whose
// result does not depend on it (replay's retargeting of references on a
// rename), where sorting on every statement would cost more than the pass.
func (c *Catalog) AllTables() iter.Seq[*Table] { return maps.Values(c.tables) }

// AllViews yields every view in no particular order (see AllTables).
func (c *Catalog) AllViews() iter.Seq[*View] { return maps.Values(c.views) }

// AllFunctions yields every function in no particular order (see AllTables).
func (c *Catalog) AllFunctions() iter.Seq[*Function] {
	return func(yield func(*Function) bool) {
		for _, l := range c.functions {
			for _, f := range l {
				if !yield(f) {
					return
				}
			}
		}
	}
}

// AddView registers v, replacing any view of the same name.
func (c *Catalog) AddView(v *View) {
	c.views[v.QName()] = v
	c.sorted.views = nil
}

// View looks up a view or materialized view; nil when unknown.
func (c *Catalog) View(q QName) *View { return c.views[q] }

// RemoveView forgets a view.
func (c *Catalog) RemoveView(q QName) {
	delete(c.views, q)
	c.sorted.views = nil
}

// RenameView moves a view to a new name.
func (c *Catalog) RenameView(v *View, to QName) {
	delete(c.views, v.QName())
	v.Schema, v.Name = to.Schema, to.Name
	c.views[to] = v
	c.sorted.views = nil
}

// Views returns every view sorted by name. The slice is the caller's.
func (c *Catalog) Views() []*View {
	if c.sorted.views == nil {
		out := make([]*View, 0, len(c.views))
		for _, v := range c.views {
			out = append(out, v)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].QName().Less(out[j].QName()) })
		c.sorted.views = out
	}
	return slices.Clone(c.sorted.views)
}

// AddFunction registers f, replacing a function with the same name and
// argument types.
func (c *Catalog) AddFunction(f *Function) {
	c.sorted.functions = nil
	q := f.QName()
	list := c.functions[q]
	for i, g := range list {
		if g.Signature() == f.Signature() {
			list[i] = f
			return
		}
	}
	c.functions[q] = append(list, f)
}

// Functions returns every function sorted by name and signature. The
// slice is the caller's.
func (c *Catalog) Functions() []*Function {
	if c.sorted.functions == nil {
		out := []*Function{}
		for _, l := range c.functions {
			out = append(out, l...)
		}
		sort.Slice(out, func(i, j int) bool {
			a, b := out[i], out[j]
			if a.QName() != b.QName() {
				return a.QName().Less(b.QName())
			}
			return a.Signature() < b.Signature()
		})
		c.sorted.functions = out
	}
	if len(c.sorted.functions) == 0 {
		return nil
	}
	return slices.Clone(c.sorted.functions)
}

// FunctionsNamed returns the overloads of a function.
func (c *Catalog) FunctionsNamed(q QName) []*Function { return c.functions[q] }

// RemoveFunction forgets a function. With argTypes nil every overload goes.
func (c *Catalog) RemoveFunction(q QName, argTypes []string) {
	c.sorted.functions = nil
	if argTypes == nil {
		delete(c.functions, q)
		return
	}
	sig := strings.Join(argTypes, ",")
	list := c.functions[q][:0]
	for _, f := range c.functions[q] {
		if f.Signature() != sig {
			list = append(list, f)
		}
	}
	if len(list) == 0 {
		delete(c.functions, q)
	} else {
		c.functions[q] = list
	}
}

// Role returns a role by name, creating an implicit one (no span) when
// the catalog has not seen it declared.
func (c *Catalog) Role(name string) *Role {
	r := c.Roles[name]
	if r == nil {
		r = &Role{Name: name, Implicit: true}
		c.Roles[name] = r
	}
	return r
}

// SortedRoles returns roles by name.
func (c *Catalog) SortedRoles() []*Role {
	out := make([]*Role, 0, len(c.Roles))
	for _, r := range c.Roles {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Relation returns the table or view with that name, whichever exists.
func (c *Catalog) Relation(q QName) (*Table, *View) { return c.tables[q], c.views[q] }
