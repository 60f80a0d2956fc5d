// Package introspect reads a live PostgreSQL catalog into the same schema
// model that lint/ddl replays migrations into, so the same rules run on
// what is really deployed: roles, owners, grants, what DO blocks and
// hand-applied hotfixes did.
//
// The catalog is read in one READ ONLY transaction with a fixed number of
// queries (one per kind of object, for all schemas at once), and only
// catalog reads: an ordinary role with no special privilege can run it.
// Policy expressions, view queries and function bodies come back as text
// and are parsed and resolved by lint/ddl exactly like the same text in a
// migration.
package introspect

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/tenantguard/tenantguard/lint/model"
)

// Options tune Read.
type Options struct {
	// Schemas limits the tables, views and policies read (the config's
	// `schemas`). Empty reads every schema but the system ones and lets
	// the engine decide what it checks (lint.Config.ChecksSchema).
	// Functions and roles are always read whole: policies call helpers
	// wherever they live.
	Schemas []string
	// StatementTimeout bounds each catalog query (SET LOCAL
	// statement_timeout); zero keeps the session's setting.
	StatementTimeout time.Duration
}

// MinServerVersion is the oldest PostgreSQL whose catalog Read knows
// (server_version_num).
const MinServerVersion = 110000

// Unread is a kind of object that could not be read (for example a
// catalog the role may not select from).
type Unread struct {
	// What names the kind of object: "policies", "functions", ...
	What string
	Err  error
}

// PartialError is returned with a usable catalog when some kinds of
// object could not be read: the catalog holds everything else, and a Note
// says what is missing. Callers that can report on a partial view should
// check for it with errors.As before giving up.
type PartialError struct {
	Unread []Unread
}

func (e *PartialError) Error() string {
	parts := make([]string, len(e.Unread))
	for i, u := range e.Unread {
		parts[i] = u.What + " (" + errText(u.Err) + ")"
	}
	return "introspect: could not read " + strings.Join(parts, ", ")
}

// Read loads the live catalog into a model.Catalog with Origin
// model.FromDatabase, in one READ ONLY, REPEATABLE READ transaction (a
// savepoint when conn is already in a transaction, which is left as it
// was), with a fixed number of queries that does not grow with the number
// of tables. Objects of system schemas and objects that belong to an
// extension are left out.
//
// Errors name what was being read ("introspect: read policies: ...").
// When only some kinds of object could not be read (a privilege missing
// on one catalog), Read returns the catalog and a *PartialError.
func Read(ctx context.Context, conn *pgx.Conn, opts Options) (*model.Catalog, error) {
	version, err := serverVersion(conn)
	if err != nil {
		return nil, err
	}
	if version < MinServerVersion {
		return nil, fmt.Errorf("introspect: PostgreSQL %s is not supported (tenantguard reads the catalogs of PostgreSQL 11 and later)",
			conn.PgConn().ParameterStatus("server_version"))
	}
	end, err := begin(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer end()
	if err := settings(ctx, conn, opts); err != nil {
		return nil, err
	}
	b := newBuilder()
	unread, err := runBatch(ctx, conn, b.steps(version, opts))
	if err != nil {
		return nil, err
	}
	more, err := b.policyTexts(ctx, conn)
	if err != nil {
		return nil, err
	}
	unread = append(unread, more...)
	cat := b.finish()
	for _, u := range unread {
		cat.Notes = append(cat.Notes, model.Note{Object: u.What,
			Message: "could not read " + u.What + " from the catalog (" + errText(u.Err) + "): rules that need them saw none"})
	}
	if len(unread) > 0 {
		return cat, &PartialError{Unread: unread}
	}
	return cat, nil
}

// serverVersion returns server_version_num from the server_version the
// server reported at connection time (no query needed): "15.4 (Debian
// ...)" gives 150004, "9.6.3" 90603, "17beta1" 170000.
func serverVersion(conn *pgx.Conn) (int, error) {
	v := conn.PgConn().ParameterStatus("server_version")
	parts := strings.SplitN(strings.Fields(v + " ")[0], ".", 3)
	num := func(s string) int {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		n, _ := strconv.Atoi(s[:i])
		return n
	}
	major := num(parts[0])
	if major == 0 {
		return 0, fmt.Errorf("introspect: cannot tell the server's version from %q", v)
	}
	minor := 0
	if len(parts) > 1 {
		minor = num(parts[1])
	}
	if major < 10 {
		patch := 0
		if len(parts) > 2 {
			patch = num(parts[2])
		}
		return major*10000 + minor*100 + patch, nil
	}
	return major*10000 + minor, nil
}

// begin opens the read-only transaction, or a savepoint inside the
// caller's transaction, and returns what ends it.
func begin(ctx context.Context, conn *pgx.Conn) (end func(), err error) {
	cleanup := func(sql string) func() {
		return func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_, _ = conn.Exec(ctx, sql) // read-only: nothing to lose
		}
	}
	switch conn.PgConn().TxStatus() {
	case 'I':
		if _, err := conn.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"); err != nil {
			return nil, fmt.Errorf("introspect: begin read-only transaction: %w", err)
		}
		return cleanup("ROLLBACK"), nil
	case 'T':
		if _, err := conn.Exec(ctx, "SAVEPOINT tenantguard_read"); err != nil {
			return nil, fmt.Errorf("introspect: savepoint: %w", err)
		}
		return cleanup("ROLLBACK TO SAVEPOINT tenantguard_read; RELEASE SAVEPOINT tenantguard_read"), nil
	}
	return nil, errors.New("introspect: the connection is in a failed transaction")
}

// settings sets, for the transaction, the statement timeout, an empty
// search_path (every name printed by the catalog functions comes back
// qualified), no JIT (compiling the larger catalog queries costs more
// than running them) and no parallel workers (starting them costs more
// than the catalog queries gain, and they would take cores from the
// server's real work), and marks where a failed query rolls back to.
func settings(ctx context.Context, conn *pgx.Conn, opts Options) error {
	sql := "SET LOCAL search_path = ''; SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; SAVEPOINT tenantguard_step"
	if opts.StatementTimeout > 0 {
		ms := opts.StatementTimeout.Milliseconds()
		if ms < 1 {
			ms = 1
		}
		sql = "SET LOCAL statement_timeout = " + strconv.FormatInt(ms, 10) + "; " + sql
	}
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("introspect: session settings: %w", err)
	}
	return nil
}

// step is one catalog query and what to do with each row.
type step struct {
	what string
	sql  string
	args []any
	row  func(pgx.Rows) error
}

// runBatch sends the steps in one batch: the server runs each query as
// soon as it has sent the rows of the one before, while they are being
// scanned here, instead of waiting a round trip for it. When a step fails
// in a way run can recover from (before any of its rows arrived), the
// transaction goes back to the savepoint and run takes over from that
// step.
func runBatch(ctx context.Context, conn *pgx.Conn, steps []step) ([]Unread, error) {
	done, scanned, err := sendBatch(ctx, conn, steps)
	if err == nil {
		return nil, nil
	}
	if scanned || !recoverable(err) {
		return nil, fmt.Errorf("introspect: read %s: %w", steps[done].what, err)
	}
	if _, rerr := conn.Exec(ctx, "ROLLBACK TO SAVEPOINT tenantguard_step"); rerr != nil {
		return nil, fmt.Errorf("introspect: read %s: %w (and rolling back: %v)", steps[done].what, err, rerr)
	}
	return run(ctx, conn, steps[done:])
}

// sendBatch runs the steps in one pipeline (each query parsed, bound
// and run in turn, with one Sync at the end, as run's queries are, so a
// failure is always the step's own), and returns, on error, which step
// failed and whether rows of it had been scanned. The connection's
// tracer, if any, sees the queries as a batch.
func sendBatch(ctx context.Context, conn *pgx.Conn, steps []step) (done int, scanned bool, err error) {
	batch := &pgconn.Batch{}
	traced := &pgx.Batch{}
	for _, s := range steps {
		values, oids, err := encodeArgs(conn.TypeMap(), s.args)
		if err != nil {
			return 0, false, fmt.Errorf("introspect: %s: %w", s.what, err)
		}
		batch.ExecParams(s.sql, values, oids, nil, nil) // text results, as run's
		traced.Queue(s.sql, s.args...)
	}
	tracer, _ := conn.Config().Tracer.(pgx.BatchTracer)
	if tracer != nil {
		ctx = tracer.TraceBatchStart(ctx, conn, pgx.TraceBatchStartData{Batch: traced})
		defer func() { tracer.TraceBatchEnd(ctx, conn, pgx.TraceBatchEndData{Err: err}) }()
	}
	mrr := conn.PgConn().ExecBatch(ctx, batch)
	defer func() {
		if cerr := mrr.Close(); err == nil && cerr != nil {
			done, err = len(steps)-1, cerr
		}
	}()
	for i, s := range steps {
		if !mrr.NextResult() {
			err := mrr.Close()
			if err == nil {
				err = errors.New("the server sent no result")
			}
			return i, false, err
		}
		rows := pgx.RowsFromResultReader(conn.TypeMap(), mrr.ResultReader())
		n := 0
		var err error
		for err == nil && rows.Next() {
			n++
			err = s.row(rows)
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
		if tracer != nil {
			tracer.TraceBatchQuery(ctx, conn, pgx.TraceBatchQueryData{SQL: s.sql, Args: s.args, CommandTag: rows.CommandTag(), Err: err})
		}
		if err != nil {
			return i, n > 0, err
		}
	}
	return len(steps), false, nil
}

// encodeArgs encodes query arguments in the text format.
func encodeArgs(m *pgtype.Map, args []any) (values [][]byte, oids []uint32, err error) {
	for _, a := range args {
		var oid uint32
		switch a.(type) {
		case []string:
			oid = pgtype.TextArrayOID
		case []int64:
			oid = pgtype.Int8ArrayOID
		default:
			return nil, nil, fmt.Errorf("cannot send an argument of type %T", a)
		}
		v, err := m.Encode(oid, pgtype.TextFormatCode, a, nil)
		if err != nil {
			return nil, nil, err
		}
		values = append(values, v)
		oids = append(oids, oid)
	}
	return values, oids, nil
}

// run runs the steps one after the other (one round trip each: the
// extended protocol without a separate prepare, so a failure is always
// the step's own). When a query fails because the role may not read a
// catalog (or the server lacks a column), the transaction rolls back to
// the savepoint and the kind is recorded as unread; other errors (a
// timeout, a lost connection) end the read.
func run(ctx context.Context, conn *pgx.Conn, steps []step) ([]Unread, error) {
	var unread []Unread
	for _, s := range steps {
		err := scan(ctx, conn, s)
		if err == nil {
			continue
		}
		if !recoverable(err) {
			return nil, fmt.Errorf("introspect: read %s: %w", s.what, err)
		}
		if _, rerr := conn.Exec(ctx, "ROLLBACK TO SAVEPOINT tenantguard_step"); rerr != nil {
			return nil, fmt.Errorf("introspect: read %s: %w (and rolling back: %v)", s.what, err, rerr)
		}
		unread = append(unread, Unread{What: s.what, Err: err})
	}
	return unread, nil
}

func scan(ctx context.Context, conn *pgx.Conn, s step) error {
	rows, err := conn.Query(ctx, s.sql, append([]any{pgx.QueryExecModeExec}, s.args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := s.row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// recoverable reports whether a failed query means "this kind of object
// cannot be read here" rather than "the read cannot go on": a missing
// privilege on a catalog, or a catalog column or function this server
// does not have.
func recoverable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "42501", // insufficient_privilege
		"42703", // undefined_column
		"42883", // undefined_function
		"42P01", // undefined_table
		"0A000": // feature_not_supported
		return true
	}
	return false
}

// errText is an error's message without pgx's "ERROR: " prefix.
func errText(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}
