package probe_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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

// Every probe transaction runs with statement_timeout, lock_timeout and
// idle_in_transaction_session_timeout set LOCAL (and READ ONLY for
// read-only runs): inside, the server reports them; after the rollback the
// pooled connection is back to its defaults.
func TestProbeTransactionLimits(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := onePool(t, ctx, url)
	lim := probe.TestLimits{Statement: 1500 * time.Millisecond, Lock: 250 * time.Millisecond, Idle: 7 * time.Second}
	for _, readOnly := range []bool{false, true} {
		lim.ReadOnly = readOnly
		err := probe.InTxLimitsForTest(ctx, pool, lim, func(x probe.TestTx) error {
			for setting, want := range map[string]string{
				"statement_timeout":                   "1500ms",
				"lock_timeout":                        "250ms",
				"idle_in_transaction_session_timeout": "7s",
				"transaction_read_only":               map[bool]string{false: "off", true: "on"}[readOnly],
			} {
				got, err := x.Value("SHOW " + setting)
				if err != nil {
					return err
				}
				if got != want {
					t.Errorf("read-only %v: inside the probe transaction %s = %q, want %q", readOnly, setting, got, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The same (only) connection, after the transaction: defaults again.
	var st, lt, it string
	if err := pool.QueryRow(ctx, "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout')").
		Scan(&st, &lt, &it); err != nil {
		t.Fatal(err)
	}
	if st != "0" || lt != "0" || it != "0" {
		t.Errorf("after the probe transaction: statement_timeout %s, lock_timeout %s, idle_in_transaction_session_timeout %s; want 0 (SET LOCAL)", st, lt, it)
	}
}

// The server enforces the limits: a statement past statement_timeout is
// cancelled, a lock held by another session fails after lock_timeout, and
// a transaction left idle is ended by the server; each time what the
// transaction wrote is gone.
func TestProbeTransactionLimitsAreEnforced(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool := onePool(t, ctx, url)
	if _, err := pool.Exec(ctx, "CREATE TABLE t (v text); CREATE TABLE locked (v text)"); err != nil {
		t.Fatal(err)
	}
	locker, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	if _, err := locker.Exec(ctx, "BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	lim := probe.TestLimits{Statement: 300 * time.Millisecond, Lock: 200 * time.Millisecond, Idle: 10 * time.Second}
	cases := []struct {
		name, stmt, want string
	}{
		{"statement timeout", "SELECT pg_sleep(60)", "57014"},
		{"lock timeout", "SELECT count(*) FROM locked", "55P03"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := probe.InTxLimitsForTest(ctx, pool, lim, func(x probe.TestTx) error {
				if err := x.Exec("INSERT INTO t VALUES ('x')"); err != nil {
					return err
				}
				return x.Exec(tc.stmt)
			})
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != tc.want {
				t.Fatalf("got %v, want SQLSTATE %s", err, tc.want)
			}
			assertEmpty(t, ctx, pool, url)
		})
	}
	t.Run("idle in transaction", func(t *testing.T) {
		lim := lim
		lim.Idle = 200 * time.Millisecond
		err := probe.InTxLimitsForTest(ctx, pool, lim, func(x probe.TestTx) error {
			if err := x.Exec("INSERT INTO t VALUES ('x')"); err != nil {
				return err
			}
			pid, err := x.Value("SELECT pg_backend_pid()")
			if err != nil {
				return err
			}
			// The transaction sits idle: the server must end the session.
			waitFor(t, url, "the server to end the idle transaction's session",
				"SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1::int)", pid)
			return x.Exec("SELECT 1")
		})
		if err == nil {
			t.Fatal("the transaction outlived idle_in_transaction_session_timeout")
		}
		assertEmpty(t, ctx, pool, url)
	})
}

// Each check runs in a savepoint: what it wrote, the role it became and
// the settings it made are undone before the next check, and a check the
// server refuses leaves the transaction usable.
func TestProbeChecksRunInSavepoints(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := onePool(t, ctx, url)
	role := "tg_probe_sp_" + randomSuffix(t)
	if _, err := pool.Exec(ctx, "CREATE TABLE t (v text); CREATE ROLE "+role+" NOLOGIN; GRANT SELECT, INSERT ON t TO "+role); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = pool.Exec(context.Background(), "DROP OWNED BY "+role+"; DROP ROLE "+role) })
	var who string
	if err := pool.QueryRow(ctx, "SELECT current_user::text").Scan(&who); err != nil {
		t.Fatal(err)
	}
	actor := []string{"SET LOCAL ROLE " + role, "SELECT set_config('app.current_tenant', 'A', true)"}
	err := probe.InTxLimitsForTest(ctx, pool, probe.TestLimits{Statement: 5 * time.Second, Lock: time.Second, Idle: 10 * time.Second}, func(x probe.TestTx) error {
		// A write as the actor: it happened (1 row), then was undone.
		res, err := x.Attempt(actor, "INSERT INTO t VALUES (current_user || ' ' || current_setting('app.current_tenant'))")
		if err != nil {
			return err
		}
		if res.StmtErr != nil || res.Affected != 1 {
			t.Errorf("insert as the actor: %+v", res)
		}
		// What the check saw: the actor and its tenant.
		res, err = x.Attempt(actor, "SELECT current_user::text, current_setting('app.current_tenant')")
		if err != nil {
			return err
		}
		if len(res.Rows) != 1 || res.Rows[0][0] != role || res.Rows[0][1] != "A" {
			t.Errorf("inside the check: %q", res.Rows)
		}
		// After the checks: the connecting role, no tenant, no row.
		for q, want := range map[string]string{
			"SELECT current_user::text":                                        who,
			"SELECT coalesce(current_setting('app.current_tenant', true), '')": "",
			"SELECT count(*) FROM t":                                           "0",
		} {
			if got, err := x.Value(q); err != nil || got != want {
				t.Errorf("after the checks, %s = %q (%v), want %q", q, got, err, want)
			}
		}
		// A refused statement is the check's answer; the transaction goes on.
		res, err = x.Attempt(actor, "DELETE FROM t")
		if err != nil {
			return err
		}
		if sqlState(res.StmtErr) != "42501" || res.SetupErr {
			t.Errorf("delete without privilege: %+v", res)
		}
		// A setup that fails is not an answer.
		res, err = x.Attempt([]string{"SET LOCAL ROLE no_such_role_" + randomSuffix(t)}, "SELECT 1")
		if err != nil {
			return err
		}
		if !res.SetupErr {
			t.Errorf("a setup that failed: %+v", res)
		}
		return x.Exec("INSERT INTO t VALUES ('still usable')")
	})
	if err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, ctx, pool, url)
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// onePool is a pool of one connection, so that what one transaction
// leaves on its connection is seen by the next.
func onePool(t *testing.T, ctx context.Context, url string) *pgxpool.Pool {
	t.Helper()
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	pc.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// assertEmpty checks that table t has no row and no session of the
// database is in a transaction.
func assertEmpty(t *testing.T, ctx context.Context, pool *pgxpool.Pool, url string) {
	t.Helper()
	waitFor(t, url, "no probe session in a transaction",
		"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid() AND query NOT LIKE '%LOCK TABLE locked%'")
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d rows left", n)
	}
}
