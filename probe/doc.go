// Package probe tries, on a live database, what the static rules can only
// suspect: acting as the application for tenant A, can it read, write,
// move or delete tenant B's rows? With no tenant set? As the table's
// owner? With forged Supabase claims? Through views?
//
// The tables probed are the tenant-scoped tables of the live catalog, as
// lint.Classify decides. For each, in its own transaction over a small
// pool of connections, the probe:
//
//  1. picks two tenants, A and B: the configured ids, or two tenants with
//     rows in the table (found through the tenant column's index, or in a
//     bounded sample), completed from the tenant root table; where rows
//     are missing it seeds them inside the transaction (values for every
//     NOT NULL column, foreign keys to existing or seeded parents,
//     explicit values for identity and serial columns: no sequence moves;
//     made-up keys, tenants and users derive from the table, so tables
//     probed at once never wait on each other's uncommitted seeds);
//  2. becomes the application: SET LOCAL ROLE to the probe role and the
//     tenant context, set_config(tenant_setting, A, true), or with the
//     Supabase preset role authenticated with request.jwt.claims of a
//     member of A (found in, or seeded into, the membership table the
//     policies read);
//  3. runs each check in a savepoint: B's rows visible (probe-read-leak),
//     a row inserted for B or moved from A to B (probe-write-leak), B's
//     rows updated or deleted (probe-delete-leak), rows visible with no
//     tenant set or an empty one (probe-unset-context-leak), B's rows
//     visible to the table's owner (probe-owner-bypass), to a member of A
//     who forged user_metadata (probe-claim-spoof), and through every view
//     over the table (probe-view-leak);
//  4. rolls back, always: on success, error, timeout, cancellation and
//     panic (and the server rolls back by itself if tenantguard dies).
//
// Safety. Every transaction sets statement_timeout, lock_timeout and
// idle_in_transaction_session_timeout; a table another session holds a
// lock on is reported as not probed and the run goes on. Connections set
// client_connection_check_interval (PostgreSQL 14+), so a server busy with
// a probe statement notices at once that tenantguard was killed and rolls
// back. Read-only runs (--read-only, or automatically on a hot standby)
// open READ ONLY transactions and skip seeding and the write checks.
// Triggers run and roll back with the rest; sequences they advance are
// set back (see sequences.go). What no transaction can undo is out of
// reach: a trigger that calls out of the database (dblink, HTTP).
//
// Cost. Each check reads at most a bounded number of rows by equality on
// the tenant column (an index lookup, or a one-time filter when the
// policy compares the same column), so a table's probe costs the same
// whatever its size.
//
// Findings are lint.Findings with Source "probe" and no file; their
// Detail names the tenants, what was seen, whether rows were seeded, and
// the SQL that reproduces the leak in psql.
package probe
