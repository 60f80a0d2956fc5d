package probe

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// InTxForTest runs fn in a probe transaction on pool; exec runs SQL in it.
func InTxForTest(ctx context.Context, pool *pgxpool.Pool, fn func(exec func(sql string) error) error) error {
	lim := limits{statement: 5 * time.Second, lock: time.Second, idle: 10 * time.Second}
	return inTx(ctx, pool, lim, false, func(t *tx) error {
		return fn(func(sql string) error { return t.exec(ctx, sql) })
	})
}
