package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestNewDBIsolated(t *testing.T) {
	a, b := NewDB(t), NewDB(t)
	if a == b {
		t.Fatalf("NewDB returned %s twice", a)
	}
	ca, cb := connect(t, a), connect(t, b)
	if da, db := queryString(t, ca, "SELECT current_database()"), queryString(t, cb, "SELECT current_database()"); da == db {
		t.Fatalf("both URLs lead to database %s", da)
	}
	if _, err := ca.Exec(context.Background(), "CREATE TABLE tenants (id int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if got := queryString(t, ca, "SELECT coalesce(to_regclass('public.tenants')::text, 'absent')"); got != "tenants" {
		t.Errorf("table in its own database: %s", got)
	}
	if got := queryString(t, cb, "SELECT coalesce(to_regclass('public.tenants')::text, 'absent')"); got != "absent" {
		t.Errorf("table made in one database is %s in another", got)
	}
	if got := queryString(t, cb, "SELECT count(*)::text FROM pg_class WHERE relnamespace = 'public'::regnamespace"); got != "0" {
		t.Errorf("a new database has %s relations in public, want 0", got)
	}
}

func TestNewDBParallel(t *testing.T) {
	names := make(chan string, 2)
	t.Run("group", func(t *testing.T) {
		for i := range 2 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				conn := connect(t, NewDB(t))
				ctx := context.Background()
				for _, sql := range []string{
					"CREATE TABLE tasks (org_id int NOT NULL, title text)",
					fmt.Sprintf("INSERT INTO tasks VALUES (%d, 'mine')", i),
				} {
					if _, err := conn.Exec(ctx, sql); err != nil {
						t.Fatal(err)
					}
				}
				if got := queryString(t, conn, "SELECT string_agg(org_id::text, ',') FROM tasks"); got != fmt.Sprint(i) {
					t.Errorf("tasks holds org %s, want only %d", got, i)
				}
				names <- queryString(t, conn, "SELECT current_database()")
			})
		}
	})
	if a, b := <-names, <-names; a == b {
		t.Errorf("parallel tests shared database %s", a)
	}
}

func TestNewDBDropsItsDatabase(t *testing.T) {
	c := requireShared(t)
	var name string
	t.Run("inner", func(t *testing.T) {
		conn := connect(t, NewDB(t))
		name = queryString(t, conn, "SELECT current_database()")
		// Left open on purpose: the drop must not wait for the test's sessions.
	})
	admin := connect(t, c.URL(c.adminDB))
	if got := queryString(t, admin, "SELECT count(*)::text FROM pg_database WHERE datname = $1", name); got != "0" {
		t.Errorf("database %s still exists after its test", name)
	}
}

func TestEnvOverride(t *testing.T) {
	server := requireShared(t)
	t.Setenv(EnvDatabaseURL, server.URL(server.adminDB))
	if err := Available(); err != nil {
		t.Errorf("Available() = %v", err)
	}
	ctx := context.Background()
	c, err := acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.local != nil || c.container != nil {
		t.Fatal("with the variable set, acquire started a server of its own")
	}
	var name string
	t.Run("inner", func(t *testing.T) {
		u := newDB(t, c)
		want, _ := url.Parse(server.URL("x"))
		got, _ := url.Parse(u)
		if got.Host != want.Host {
			t.Errorf("database on %s, want the server at %s", got.Host, want.Host)
		}
		name = queryString(t, connect(t, u), "SELECT current_database()")
	})
	if err := c.Stop(); err != nil {
		t.Errorf("Stop on a borrowed server: %v", err)
	}
	admin := connect(t, server.URL(server.adminDB))
	if got := queryString(t, admin, "SELECT count(*)::text FROM pg_database WHERE datname = $1", name); got != "0" {
		t.Errorf("database %s left on the borrowed server", name)
	}
}

func TestEnvOverrideNeverShowsPassword(t *testing.T) {
	ctx := context.Background()
	for _, raw := range []string{
		"postgres://tester:sekrit@127.0.0.1:1/db?connect_timeout=2",
		"postgres://tester:sekrit@127.0.0.1:notaport/db",
		"mysql://tester:sekrit@127.0.0.1/db",
		"host=127.0.0.1 password=sekrit",
	} {
		t.Setenv(EnvDatabaseURL, raw)
		_, err := acquire(ctx)
		if err == nil {
			t.Errorf("%s: acquire succeeded", raw)
			continue
		}
		if strings.Contains(err.Error(), "sekrit") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestUnavailable(t *testing.T) {
	missing := fmt.Errorf("pgtest: %w: no binaries; no Docker engine", ErrUnavailable)
	broken := errors.New("pgtest: initdb: exit status 1")
	for _, tc := range []struct {
		ci       string
		err      error
		fail     bool
		contains string
	}{
		{"", missing, false, "scripts/ensure-postgres.sh"},
		{"false", missing, false, EnvDatabaseURL},
		{"true", missing, true, "CI is set"},
		{"1", missing, true, "no Docker engine"},
		{"", broken, true, "initdb"},
		{"true", broken, true, "cannot get a PostgreSQL server"},
	} {
		fail, msg := unavailable(tc.ci, tc.err)
		if fail != tc.fail || !strings.Contains(msg, tc.contains) {
			t.Errorf("unavailable(CI=%q, %v) = %v, %q; want fail=%v and a message with %q", tc.ci, tc.err, fail, msg, tc.fail, tc.contains)
		}
	}
}

func TestAvailable(t *testing.T) {
	if _, err := sharedCluster(); err == nil {
		if err := Available(); err != nil {
			t.Errorf("Available() = %v, but the package has a server", err)
		}
	}
	t.Setenv(EnvDatabaseURL, "not a url")
	shared.mu.Lock()
	done := shared.done
	shared.mu.Unlock()
	if err := Available(); !done && err == nil {
		t.Error("Available() = nil with a malformed " + EnvDatabaseURL)
	}
}

func TestUniqueDBName(t *testing.T) {
	seen := map[string]bool{}
	for _, test := range []string{
		"TestX",
		"TestX",
		"TestNewDB/parallel_case#01",
		strings.Repeat("TestVeryLongName/", 10),
		"Тест/ünïcode",
	} {
		name := uniqueDBName(test)
		if len(name) > 63 {
			t.Errorf("%q: %q is longer than 63 bytes", test, name)
		}
		if strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" || !strings.HasPrefix(name, "pgtest_") {
			t.Errorf("%q: %q is not a plain lower-case identifier", test, name)
		}
		if seen[name] {
			t.Errorf("%q: %q given twice", test, name)
		}
		seen[name] = true
	}
	if name := uniqueDBName("TestNewDB/parallel_case#01"); !strings.HasPrefix(name, "pgtest_testnewdb_parallel_case_01_") {
		t.Errorf("name %q does not read as its test", name)
	}
}
