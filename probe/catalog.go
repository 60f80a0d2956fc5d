package probe

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tenantguard/tenantguard/lint/model"
)

// The probe reads what it needs to write SQL (exact column types,
// defaults, keys, foreign keys, the views over each table) straight from
// the catalog, in a handful of queries for the whole database, with an
// empty search_path so that every type and name comes back qualified.
// The queries read catalogs only and call no function that opens a
// relation (pg_get_expr would): a table locked by another session does
// not stop them.

// relation is a table, partition, view or materialized view.
type relation struct {
	oid   uint32
	name  model.QName
	ident string // quoted, schema-qualified
	kind  string // r, p, v, m
	owner string
	// ownerSuper and ownerBypass say whether the owner skips row level
	// security whatever the table says.
	ownerSuper, ownerBypass bool
	rls, forced             bool
	partition               bool
	hasTriggers             bool
	securityInvoker         bool

	cols   []*column
	byName map[string]*column
	// pk lists the primary key columns; uniques every unique key
	// (primary key included).
	pk      []string
	uniques [][]string
	fks     []*foreignKey
	// leading lists the columns some complete (non-partial) index
	// starts with.
	leading map[string]bool
	// reads are the relations a view depends on; views the views that
	// depend on a table or view.
	reads []uint32
	views []uint32
}

func (r *relation) isView() bool { return r.kind == "v" || r.kind == "m" }

func (r *relation) kindName() string {
	switch r.kind {
	case "v":
		return "view"
	case "m":
		return "materialized view"
	}
	return "table"
}

// column is a column with what the probe needs to give it a value.
type column struct {
	name  string
	ident string // quoted
	typ   string // format_type with modifiers, qualified outside pg_catalog
	// baseType is the name of the type (of the base type for a domain);
	// category its pg_type.typcategory.
	baseType  string
	category  string
	notNull   bool
	identity  string // "a" always, "d" by default, "" none
	generated bool   // GENERATED ALWAYS AS (...) STORED
	// hasDefault reports a DEFAULT, seqDefault one that reads a sequence
	// (serial columns, nextval()).
	hasDefault bool
	seqDefault bool
	firstEnum  string
}

// usesSequence reports whether the column's value comes from a sequence
// when it is not given: identity columns and nextval() defaults.
func (c *column) usesSequence() bool {
	return c.identity != "" || c.seqDefault
}

type foreignKey struct {
	cols      []string
	parent    uint32
	refCols   []string
	parentRel *relation
}

// liveCatalog is what the probe read from the catalog.
type liveCatalog struct {
	byOID  map[uint32]*relation
	byName map[model.QName]*relation
}

func (lc *liveCatalog) relation(q model.QName) *relation { return lc.byName[q] }

const relFilter = `n.nspname <> ALL ('{pg_catalog,information_schema}'::text[]) AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'`

const queryRelations = `SELECT c.oid, n.nspname, c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname),
  c.relkind::text, pg_get_userbyid(c.relowner), coalesce(o.rolsuper, false), coalesce(o.rolbypassrls, false),
  c.relrowsecurity, c.relforcerowsecurity, c.relispartition,
  EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)
    OR EXISTS (SELECT 1 FROM pg_rewrite w WHERE w.ev_class = c.oid AND w.rulename <> '_RETURN'),
  coalesce(c.reloptions, '{}'::text[]) && '{security_invoker=true,security_invoker=on,security_invoker=1,security_invoker=yes}'::text[]
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_roles o ON o.oid = c.relowner
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ` + relFilter

const queryColumns = `SELECT a.attrelid, a.attname, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod),
  coalesce(bt.typname, t.typname)::text, coalesce(bt.typcategory, t.typcategory)::text,
  a.attnotnull, a.attidentity::text, a.attgenerated <> '', d.oid IS NOT NULL,
  EXISTS (SELECT 1 FROM pg_depend dep JOIN pg_class sq ON sq.oid = dep.refobjid AND sq.relkind = 'S'
          WHERE dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid AND dep.refclassid = 'pg_class'::regclass),
  coalesce((SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = coalesce(bt.oid, t.oid) ORDER BY e.enumsortorder LIMIT 1), '')
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND ` + relFilter + `
ORDER BY a.attrelid, a.attnum`

// queryKeys lists primary keys, unique indexes (expression columns come
// back as NULL) and the leading column of every complete index.
const queryKeys = `SELECT i.indrelid, i.indisprimary, i.indisunique, i.indpred IS NULL,
  ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, pos)
        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
        WHERE k.pos <= i.indnkeyatts ORDER BY k.pos)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm') AND ` + relFilter

// queryForeignKeys lists foreign keys, those partitions inherit from
// their parent included (they are enforced on the partition).
const queryForeignKeys = `SELECT con.conrelid, con.confrelid,
  ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, pos)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.pos),
  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, pos)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.pos)
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND ` + relFilter + `
ORDER BY con.conrelid, con.conname`

// queryViewReads lists which relations each view's query reads.
const queryViewReads = `SELECT DISTINCT r.ev_class, d.refobjid
FROM pg_rewrite r
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
  AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
JOIN pg_class c ON c.oid = r.ev_class
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND ` + relFilter

// readCatalog reads the live catalog in one read-only transaction.
func readCatalog(ctx context.Context, pool *pgxpool.Pool, lim limits) (*liveCatalog, error) {
	lc := &liveCatalog{byOID: map[uint32]*relation{}, byName: map[model.QName]*relation{}}
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL search_path = ''; SET LOCAL statement_timeout = "+ms(lim.statement)+"; SET LOCAL lock_timeout = "+ms(lim.lock)); err != nil {
			return err
		}
		steps := []struct {
			what string
			sql  string
			row  func(pgx.Rows) error
		}{
			{"relations", queryRelations, lc.scanRelation},
			{"columns", queryColumns, lc.scanColumn},
			{"keys", queryKeys, lc.scanKey},
			{"foreign keys", queryForeignKeys, lc.scanForeignKey},
			{"views", queryViewReads, lc.scanViewRead},
		}
		for _, s := range steps {
			rows, err := tx.Query(ctx, s.sql)
			if err != nil {
				return fmt.Errorf("read %s: %w", s.what, err)
			}
			for rows.Next() {
				if err := s.row(rows); err != nil {
					rows.Close()
					return fmt.Errorf("read %s: %w", s.what, err)
				}
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("read %s: %w", s.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("probe: catalog: %w", err)
	}
	for _, r := range lc.byOID {
		for _, fk := range r.fks {
			fk.parentRel = lc.byOID[fk.parent]
		}
	}
	return lc, nil
}

func (lc *liveCatalog) scanRelation(rows pgx.Rows) error {
	r := &relation{byName: map[string]*column{}, leading: map[string]bool{}}
	if err := rows.Scan(&r.oid, &r.name.Schema, &r.name.Name, &r.ident, &r.kind, &r.owner, &r.ownerSuper, &r.ownerBypass,
		&r.rls, &r.forced, &r.partition, &r.hasTriggers, &r.securityInvoker); err != nil {
		return err
	}
	lc.byOID[r.oid] = r
	lc.byName[r.name] = r
	return nil
}

func (lc *liveCatalog) scanColumn(rows pgx.Rows) error {
	var oid uint32
	c := &column{}
	if err := rows.Scan(&oid, &c.name, &c.ident, &c.typ, &c.baseType, &c.category, &c.notNull, &c.identity,
		&c.generated, &c.hasDefault, &c.seqDefault, &c.firstEnum); err != nil {
		return err
	}
	if r := lc.byOID[oid]; r != nil {
		r.cols = append(r.cols, c)
		r.byName[c.name] = c
	}
	return nil
}

func (lc *liveCatalog) scanKey(rows pgx.Rows) error {
	var oid uint32
	var primary, unique, complete bool
	var cols []*string
	if err := rows.Scan(&oid, &primary, &unique, &complete, &cols); err != nil {
		return err
	}
	r := lc.byOID[oid]
	if r == nil || len(cols) == 0 {
		return nil
	}
	names := make([]string, 0, len(cols))
	for _, c := range cols {
		if c == nil {
			names = nil // an expression: no plain key
			break
		}
		names = append(names, *c)
	}
	if complete && cols[0] != nil {
		r.leading[*cols[0]] = true
	}
	if names == nil {
		return nil
	}
	if primary {
		r.pk = names
	}
	if unique {
		r.uniques = append(r.uniques, names)
	}
	return nil
}

func (lc *liveCatalog) scanForeignKey(rows pgx.Rows) error {
	var oid uint32
	fk := &foreignKey{}
	if err := rows.Scan(&oid, &fk.parent, &fk.cols, &fk.refCols); err != nil {
		return err
	}
	if r := lc.byOID[oid]; r != nil {
		r.fks = append(r.fks, fk)
	}
	return nil
}

func (lc *liveCatalog) scanViewRead(rows pgx.Rows) error {
	var view, rel uint32
	if err := rows.Scan(&view, &rel); err != nil {
		return err
	}
	v, r := lc.byOID[view], lc.byOID[rel]
	if v == nil || r == nil {
		return nil
	}
	v.reads = append(v.reads, rel)
	r.views = append(r.views, view)
	return nil
}

// viewsOver returns every view that reads t, directly or through other
// views, each once, in a stable order.
func (lc *liveCatalog) viewsOver(t *relation) []*relation {
	seen := map[uint32]bool{t.oid: true}
	var out []*relation
	queue := append([]uint32(nil), t.views...)
	for len(queue) > 0 {
		oid := queue[0]
		queue = queue[1:]
		if seen[oid] {
			continue
		}
		seen[oid] = true
		v := lc.byOID[oid]
		if v == nil {
			continue
		}
		out = append(out, v)
		queue = append(queue, v.views...)
	}
	sortRelations(out)
	return out
}

// isUnique reports whether col belongs to some unique key.
func (r *relation) isUnique(col string) bool {
	for _, u := range r.uniques {
		for _, c := range u {
			if c == col {
				return true
			}
		}
	}
	return false
}
