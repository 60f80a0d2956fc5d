package probe

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// InTxForTest runs fn in a probe transaction on pool; exec runs SQL in it.
func InTxForTest(ctx context.Context, pool *pgxpool.Pool, fn func(exec func(sql string) error) error) error {
	return InTxLimitsForTest(ctx, pool, TestLimits{Statement: 5 * time.Second, Lock: time.Second, Idle: 10 * time.Second},
		func(x TestTx) error { return fn(x.Exec) })
}

// TestLimits are the limits of a probe transaction.
type TestLimits struct {
	Statement, Lock, Idle time.Duration
	ReadOnly              bool
}

// TestTx is a probe transaction, for tests.
type TestTx struct {
	ctx context.Context
	t   *tx
}

// InTxLimitsForTest runs fn in a probe transaction with the given limits.
func InTxLimitsForTest(ctx context.Context, pool *pgxpool.Pool, lim TestLimits, fn func(TestTx) error) error {
	l := limits{statement: lim.Statement, lock: lim.Lock, idle: lim.Idle, readOnly: lim.ReadOnly}
	return inTx(ctx, pool, l, false, func(t *tx) error { return fn(TestTx{ctx: ctx, t: t}) })
}

// Exec runs statements in the transaction.
func (x TestTx) Exec(sql string) error { return x.t.exec(x.ctx, sql) }

// Value runs a query and returns the first column of its first row ("" for
// NULL or no row).
func (x TestTx) Value(sql string) (string, error) {
	row, err := x.t.one(x.ctx, sql)
	if err != nil || row == nil || row[0] == nil {
		return "", err
	}
	return *row[0], nil
}

// TestAttempt is the outcome of one check.
type TestAttempt struct {
	Rows     [][]string
	Affected int64
	// StmtErr is the statement's own error (the check's answer);
	// SetupErr reports that becoming the actor failed.
	StmtErr  error
	SetupErr bool
}

// Attempt runs one check (setup, then stmt) in a savepoint, as the probe's
// checks do; err is what ends the transaction.
func (x TestTx) Attempt(setup []string, stmt string) (TestAttempt, error) {
	r, err := x.t.attempt(x.ctx, setup, stmt)
	return TestAttempt{Rows: r.rows, Affected: r.affected, StmtErr: r.err, SetupErr: r.setupErr}, err
}
