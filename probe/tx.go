package probe

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// rollbackTimeout bounds the ROLLBACK sent when a probe transaction ends;
// a connection that cannot roll back in time is closed, which makes the
// server roll back.
const rollbackTimeout = 5 * time.Second

// tx is one probe transaction on one pooled connection. It is always
// rolled back: inTx ends it with ROLLBACK on every path (error, timeout,
// context cancellation, panic), and closes the connection when that
// fails, so the server discards everything.
type tx struct {
	pg *pgconn.PgConn
	// seeds are the statements that seeded rows, in order (for the
	// reproduction SQL).
	seeds []string
	// wrote reports that a statement of the transaction may have written;
	// seqGuard that writes may reach a trigger (sequences.go).
	wrote    bool
	seqGuard bool
}

// limits are the server-side bounds of every probe transaction.
type limits struct {
	statement, lock, idle time.Duration
	readOnly              bool
}

func ms(d time.Duration) string {
	n := d.Milliseconds()
	if n < 1 {
		n = 1
	}
	return strconv.FormatInt(n, 10)
}

// inTx runs fn in a new transaction on a connection of the pool.
func inTx(ctx context.Context, pool *pgxpool.Pool, lim limits, seqGuard bool, fn func(*tx) error) (err error) {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	t := &tx{pg: c.Conn().PgConn(), seqGuard: seqGuard}
	defer func() {
		rec := recover()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		defer cancel()
		if !t.pg.IsClosed() {
			if _, rbErr := t.pg.Exec(rctx, "ROLLBACK").ReadAll(); rbErr != nil || t.pg.TxStatus() != 'I' {
				// The server rolls back when the connection goes.
				_ = c.Conn().Close(rctx)
			}
		}
		c.Release()
		if rec != nil {
			err = &internalError{value: fmt.Sprint(rec), stack: string(debug.Stack())}
		}
	}()
	begin := "BEGIN ISOLATION LEVEL READ COMMITTED"
	if lim.readOnly {
		begin += " READ ONLY"
	}
	setup := begin + ";\nSET LOCAL statement_timeout = " + ms(lim.statement) +
		";\nSET LOCAL lock_timeout = " + ms(lim.lock) +
		";\nSET LOCAL idle_in_transaction_session_timeout = " + ms(lim.idle)
	if _, err := t.pg.Exec(ctx, setup).ReadAll(); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	return fn(t)
}

// rows runs one statement and returns its rows as text (NULL as nil).
func (t *tx) rows(ctx context.Context, sql string) ([][]*string, error) {
	res := t.pg.ExecParams(ctx, sql, nil, nil, nil, nil).Read()
	if res.Err != nil {
		return nil, res.Err
	}
	out := make([][]*string, len(res.Rows))
	for i, r := range res.Rows {
		out[i] = make([]*string, len(r))
		for j, v := range r {
			if v != nil {
				s := string(v)
				out[i][j] = &s
			}
		}
	}
	return out, nil
}

// one runs a statement expected to return at most one row and returns
// its first row (nil when there is none).
func (t *tx) one(ctx context.Context, sql string) ([]*string, error) {
	rows, err := t.rows(ctx, sql)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0], nil
}

// exec runs statements, separated by semicolons, in one round trip.
func (t *tx) exec(ctx context.Context, sql string) error {
	_, err := t.pg.Exec(ctx, sql).ReadAll()
	return err
}

// attempt is one check: inside a savepoint, run setup (become the actor)
// then stmt, then roll back to the savepoint, whatever happened. It
// returns stmt's rows and command tag, or the error of stmt (setupErr
// reports that setup itself failed).
type attemptResult struct {
	rows     [][]string
	affected int64
	err      error
	setupErr bool
}

func (t *tx) attempt(ctx context.Context, setup []string, stmt string) (attemptResult, error) {
	// One round trip: savepoint, setup, the statement and the rollback to
	// the savepoint go as one multi-statement query. A failure stops the
	// rest: the failing statement is the first result with an error, or
	// the first statement without a result.
	var b strings.Builder
	b.WriteString("SAVEPOINT tenantguard_check")
	for _, s := range setup {
		b.WriteString(";\n")
		b.WriteString(s)
	}
	b.WriteString(";\n")
	b.WriteString(stmt)
	b.WriteString(";\nROLLBACK TO SAVEPOINT tenantguard_check;\nRELEASE SAVEPOINT tenantguard_check")
	stmtAt := 1 + len(setup)
	results, err := t.pg.Exec(ctx, b.String()).ReadAll()
	if err == nil {
		return resultOf(results[stmtAt]), nil
	}
	if fatal(ctx, err) {
		return attemptResult{}, err
	}
	failed := len(results)
	for i, r := range results {
		if r.Err != nil {
			failed = i
			break
		}
	}
	if failed > stmtAt {
		// The statement ran; rolling back to the savepoint failed.
		return attemptResult{}, err
	}
	if rbErr := t.exec(ctx, "ROLLBACK TO SAVEPOINT tenantguard_check; RELEASE SAVEPOINT tenantguard_check"); rbErr != nil {
		return attemptResult{}, rbErr
	}
	return attemptResult{err: err, setupErr: failed < stmtAt}, nil
}

func resultOf(res *pgconn.Result) attemptResult {
	out := attemptResult{affected: res.CommandTag.RowsAffected()}
	for _, r := range res.Rows {
		row := make([]string, len(r))
		for i, v := range r {
			row[i] = string(v)
		}
		out.rows = append(out.rows, row)
	}
	return out
}

// savepoint runs fn inside a savepoint that is kept when fn succeeds and
// rolled back when it fails.
func (t *tx) savepoint(ctx context.Context, fn func() error) error {
	if err := t.exec(ctx, "SAVEPOINT tenantguard_step"); err != nil {
		return err
	}
	seeds := len(t.seeds)
	if err := fn(); err != nil {
		if fatal(ctx, err) {
			return err
		}
		t.seeds = t.seeds[:seeds]
		if rbErr := t.exec(ctx, "ROLLBACK TO SAVEPOINT tenantguard_step; RELEASE SAVEPOINT tenantguard_step"); rbErr != nil {
			return rbErr
		}
		return err
	}
	return t.exec(ctx, "RELEASE SAVEPOINT tenantguard_step")
}

// fatal reports errors after which the transaction cannot go on: the
// connection is gone or the run was cancelled. Server errors and the
// probe's own refusals (softError) leave the transaction usable after a
// rollback to a savepoint.
func fatal(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return true
	}
	var pe *pgconn.PgError
	var se *softError
	return !errors.As(err, &pe) && !errors.As(err, &se)
}

// softError is a reason the probe gives up on something (a row it cannot
// seed) without anything being wrong with the connection.
type softError struct{ msg string }

func (e *softError) Error() string { return e.msg }

// internalError is a panic recovered while probing one table: that
// table is reported as not probed (in one line; the stack goes to the
// notes), and the run goes on.
type internalError struct{ value, stack string }

func (e *internalError) Error() string { return "internal error (please report it): " + e.value }

func softErrorf(format string, args ...any) error {
	return &softError{msg: fmt.Sprintf(format, args...)}
}

// sqlState returns the SQLSTATE of a server error ("" for others).
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// errText is an error's text with a server error's message in place of
// its "ERROR: ..." form, the context wrapped around it kept.
func errText(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.Replace(err.Error(), pe.Error(), pe.Message+" (SQLSTATE "+pe.Code+")", 1)
	}
	return err.Error()
}

// Errors that end a table's probe: it is reported as not probed.
func isLockTimeout(err error) bool { return sqlState(err) == "55P03" }

func isStatementTimeout(err error) bool { return sqlState(err) == "57014" }

// denied reports errors that mean "the database refused": missing
// privileges and row level security violations.
func denied(err error) bool { return sqlState(err) == "42501" }
