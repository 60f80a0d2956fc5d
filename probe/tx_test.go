package probe_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/probe"
)

// Every way a probe transaction ends rolls it back: returning, failing,
// panicking, and a cancelled context; the connection goes back to the
// pool idle or is closed.
func TestProbeTransactionAlwaysRollsBack(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	// As the probe's own pool does: a server busy with a statement
	// notices a closed connection.
	pc.ConnConfig.RuntimeParams["client_connection_check_interval"] = "500"
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, "CREATE TABLE t (v text)"); err != nil {
		t.Fatal(err)
	}
	insert := func(exec func(string) error) error { return exec("INSERT INTO t VALUES ('x')") }
	cases := []struct {
		name string
		fn   func(exec func(string) error) error
		ctx  func() (context.Context, context.CancelFunc)
		want string
	}{
		{"success", insert, nil, ""},
		{"error", func(exec func(string) error) error {
			if err := insert(exec); err != nil {
				return err
			}
			return errors.New("boom")
		}, nil, "boom"},
		{"sql error", func(exec func(string) error) error {
			if err := insert(exec); err != nil {
				return err
			}
			return exec("SELECT 1/0")
		}, nil, "division by zero"},
		{"panic", func(exec func(string) error) error {
			if err := insert(exec); err != nil {
				return err
			}
			var m map[string]int
			m["x"]++ // a nil map: a real runtime panic
			return nil
		}, nil, "internal error (please report it): assignment to entry in nil map"},
		{"cancelled", func(exec func(string) error) error {
			if err := insert(exec); err != nil {
				return err
			}
			return exec("SELECT pg_sleep(30)")
		}, func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, 300*time.Millisecond) }, "timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runCtx := ctx
			if tc.ctx != nil {
				c, cancel := tc.ctx()
				defer cancel()
				runCtx = c
			}
			err := probe.InTxForTest(runCtx, pool, tc.fn)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("got %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			// No session of the database is left in a transaction (an
			// open one would hold the row and its locks).
			waitFor(t, url, "no session in a transaction",
				"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()")
			var n int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatalf("%d rows left", n)
			}
		})
	}
}
