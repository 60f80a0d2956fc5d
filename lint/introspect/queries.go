package introspect

import (
	"fmt"
	"strings"
)

// The catalog is read with one query per kind of object, for all schemas
// at once (never one per table), in the manner of Atlas's inspector, sent
// in one batch. Every query runs with search_path set to '' so that
// pg_get_expr, pg_get_viewdef and format_type qualify every name outside
// pg_catalog. Queries take $1, the schemas to read (an empty array: every
// schema but the system ones) unless said otherwise. They need PostgreSQL
// 11 or later (prokind, indnkeyatts, conparentid); version variants are
// marked.

// nsFilter keeps namespace n when it is not a system schema and, with a
// schema list, when it is in it.
const nsFilter = `n.nspname <> ALL ('{pg_catalog,information_schema}'::text[])
  AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  AND (cardinality($1::text[]) = 0 OR n.nspname = ANY ($1::text[]))`

// notExtensionRel leaves out relations that belong to an extension. The
// extension members are looked up from the extensions' side (an index
// scan of a few rows), not per relation (a scan of all pg_depend).
const notExtensionRel = `c.oid NOT IN (SELECT e.objid FROM pg_depend e
    WHERE e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e' AND e.classid = 'pg_class'::regclass)`

// aclColumns explodes an ACL into two arrays, grantees and privileges,
// leaving out the owner's own entries (an owner's privileges are
// implicit, not grants); NULL (no array to parse) for the usual default
// ACL. %[1]s is the ACL column, %[2]s the owner.
const aclColumns = `CASE WHEN %[1]s IS NOT NULL THEN array(
    SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee) END
    FROM aclexplode(%[1]s) WITH ORDINALITY x WHERE x.grantee <> %[2]s ORDER BY x.ordinality) END,
  CASE WHEN %[1]s IS NOT NULL THEN array(
    SELECT x.privilege_type FROM aclexplode(%[1]s) WITH ORDINALITY x WHERE x.grantee <> %[2]s ORDER BY x.ordinality) END`

// acl returns aclColumns for an ACL column and its owner.
func acl(column, owner string) string { return fmt.Sprintf(aclColumns, column, owner) }

// relFrom is the relations whose objects are read: tables, views and
// materialized views of the schemas read, not owned by an extension.
const relFrom = `pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace`

const relWhere = `c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ` + nsFilter

// tableWhere restricts relWhere to tables. Only queryRelations leaves out
// extension members: rows of the other queries about relations it did
// not return are dropped as they are read.
const tableWhere = `c.relkind IN ('r', 'p', 'f') AND ` + nsFilter

const querySchemas = `SELECT n.nspname, pg_get_userbyid(n.nspowner)
FROM pg_namespace n
WHERE ` + nsFilter + `
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
    WHERE e.classid = 'pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
ORDER BY n.nspname`

var queryRelations = `SELECT c.oid, n.nspname, c.relname, c.relkind::text, c.relpersistence::text,
  pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity, c.relispartition,
  c.reloptions,
  CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
  ` + acl("c.relacl", "c.relowner") + `
FROM ` + relFrom + `
WHERE ` + relWhere + ` AND ` + notExtensionRel + `
ORDER BY c.oid`

// queryInherits lists the parents of partitions and inheritance children
// in declaration order.
const queryInherits = `SELECT i.inhrelid, pn.nspname, p.relname
FROM pg_inherits i
JOIN ` + relFrom + ` ON c.oid = i.inhrelid
JOIN pg_class p ON p.oid = i.inhparent
JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE ` + tableWhere + `
ORDER BY i.inhrelid, i.inhseqno`

// queryColumns reads the columns of tables and views (the views' only
// for their grants): types as format_type prints them without type
// modifiers (lint/ddl drops them too), and column-level grants.
// Defaults are printed without naming the table (relid 0) unless they
// are generation expressions, which read other columns: naming the table
// makes the server open it, which costs more than the rest of the query
// on a large catalog. A serial column's default calls nextval (function
// 1574, nextval(regclass), perhaps under an implicit cast) on a sequence
// that depends on the column automatically (deptype 'a'); the dependency
// is looked up only for such defaults, which are found in the stored
// tree rather than by printing the default twice. GENERATED is the
// generated-column test.
var queryColumns = `SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, NULL),
  a.attnotnull, a.attidentity <> '',
  pg_get_expr(ad.adbin, CASE WHEN GENERATED THEN ad.adrelid ELSE 0 END),
  CASE WHEN ad.adbin IS NULL OR a.attidentity <> '' OR GENERATED THEN false
       WHEN ad.adbin::text LIKE '%{FUNCEXPR :funcid 1574 %' THEN EXISTS (
    SELECT 1 FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
    WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
      AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a') ELSE false END,
  ` + aclAttColumns + `
FROM pg_attribute a
JOIN ` + relFrom + ` ON c.oid = a.attrelid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND ` + relWhere

var aclAttColumns = acl("a.attacl", "c.relowner")

const generated12 = `a.attgenerated <> ''`
const generatedNone = `false`

// queryIndexes reads the key columns' numbers (0 for an expression),
// not the INCLUDE columns; they are named from the columns read.
const queryIndexes = `SELECT i.indrelid, ic.relname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL,
  (i.indkey::int2[])[0:i.indnkeyatts - 1], coalesce(con.conname, '')
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN ` + relFrom + ` ON c.oid = i.indrelid
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')
WHERE ` + tableWhere

// queryConstraints leaves out the copies of a foreign key that PostgreSQL
// adds on the same table for each partition of a partitioned referenced
// table (their parent constraint is on the same table). Columns come as
// numbers, named from the columns read; a foreign key's referenced
// columns are named here (the referenced table may not be read).
const queryConstraints = `SELECT con.conrelid, con.conname, con.contype::text, con.conkey,
  coalesce(fn.nspname, ''), coalesce(fc.relname, ''),
  CASE WHEN con.contype = 'f' THEN array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) END
FROM pg_constraint con
JOIN ` + relFrom + ` ON c.oid = con.conrelid
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND ` + tableWhere + `
  AND NOT (con.contype = 'f' AND con.conparentid <> 0 AND EXISTS (
    SELECT 1 FROM pg_constraint pc WHERE pc.oid = con.conparentid AND pc.conrelid = con.conrelid))`

// queryPolicies reads policies in creation order; PUBLIC is role 0. The
// expressions come as stored node trees: printing one (pg_get_expr) makes
// the server open its table, which on a catalog of thousands of tables
// costs more than everything else. Policies whose trees are the same
// (bar source positions) on tables with the same columns print the same
// but for the table's own name, so only one of each is printed
// (queryPolicyTexts).
const queryPolicies = `SELECT pol.oid, pol.polrelid, pol.polname, pol.polpermissive, pol.polcmd::text,
  array(SELECT CASE WHEN u.oid = 0 THEN 'PUBLIC' ELSE coalesce(r.rolname, u.oid::text) END
        FROM unnest(pol.polroles) WITH ORDINALITY u(oid, ord)
        LEFT JOIN pg_roles r ON r.oid = u.oid ORDER BY u.ord),
  pol.polqual::text, pol.polwithcheck::text
FROM pg_policy pol
JOIN ` + relFrom + ` ON c.oid = pol.polrelid
WHERE ` + tableWhere + `
ORDER BY pol.oid`

// queryPolicyTexts prints the expressions of the policies $1 names.
const queryPolicyTexts = `SELECT pol.oid, pg_get_expr(pol.polqual, pol.polrelid), pg_get_expr(pol.polwithcheck, pol.polrelid)
FROM pg_policy pol
WHERE pol.oid = ANY ($1::int8[]::oid[])`

// queryViewReads lists the relations each view's rewrite rule depends on.
const queryViewReads = `SELECT DISTINCT r.ev_class, dn.nspname, dc.relname
FROM pg_rewrite r
JOIN ` + relFrom + ` ON c.oid = r.ev_class
JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
  AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
JOIN pg_class dc ON dc.oid = d.refobjid AND dc.relkind IN ('r', 'p', 'f', 'v', 'm')
JOIN pg_namespace dn ON dn.oid = dc.relnamespace
WHERE c.relkind IN ('v', 'm') AND ` + nsFilter + `
ORDER BY 1, 2, 3`

// queryFunctions reads functions and procedures of every schema but the
// system ones, whatever $1 says: policies call helpers wherever they live.
// %s is the SQL-standard body (PostgreSQL 14+) or NULL.
const queryFunctions = `SELECT p.oid, n.nspname, p.proname, p.prokind::text, l.lanname, p.prosecdef,
  coalesce(p.proconfig, '{}'::text[]), coalesce(p.prosrc, ''), %s,
  pg_get_userbyid(p.proowner),
  coalesce(p.proargnames, '{}'::text[]), coalesce(p.proargmodes::text[], '{}'::text[]),
  array(SELECT format_type(a.t, NULL) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, ord) ORDER BY a.ord),
  coalesce(pg_get_function_result(p.oid), '')
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p')
  AND n.nspname <> ALL ('{pg_catalog,information_schema}'::text[])
  AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
  AND NOT EXISTS (SELECT 1 FROM pg_depend e
    WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
ORDER BY p.oid`

const sqlBody14 = `CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) END`
const sqlBodyNone = `NULL::text`

// queryRoles leaves out the predefined pg_* roles.
const queryRoles = `SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcanlogin
FROM pg_roles r
WHERE r.rolname !~ '^pg_'
ORDER BY r.rolname`

const queryMemberships = `SELECT m.rolname, r.rolname
FROM pg_auth_members am
JOIN pg_roles m ON m.oid = am.member
JOIN pg_roles r ON r.oid = am.roleid
ORDER BY 1, 2`

// functionsQuery returns the functions query for a server version
// (server_version_num).
func functionsQuery(version int) string {
	body := sqlBodyNone
	if version >= 140000 {
		body = sqlBody14
	}
	return strings.Replace(queryFunctions, "%s", body, 1)
}

// columnsQuery returns the columns query for a server version.
func columnsQuery(version int) string {
	generated := generatedNone
	if version >= 120000 {
		generated = generated12
	}
	return strings.ReplaceAll(queryColumns, "GENERATED", generated)
}
