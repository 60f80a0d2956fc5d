package cli

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/ephemeral/ephemeraltest"
	"github.com/tenantguard/tenantguard/internal/pgtest"
)

// secret is the password every bad-input test hands over; it must never
// appear in any output.
const secret = "s3cret-PW-4711"

// run runs a command line in-process and returns the exit status and
// the streams.
func run(t *testing.T, dir string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	f := newFakeIO(dir, false, env)
	code = Run(args, f.Factory)
	return code, f.out.String(), f.errOut.String()
}

// withURL changes parts of a postgres URL.
func withURL(t *testing.T, raw string, change func(u *url.URL)) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	change(u)
	return u.String()
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Every way a database can be out of reach is exit 2 with one line that
// names host:port/database and never the password, given in the URL or in
// PGPASSWORD.
func TestDatabaseBadInput(t *testing.T) {
	base := pgtest.NewDB(t)
	host := withURL(t, base, func(u *url.URL) {}) // the server's host:port
	hu, _ := url.Parse(host)
	dbName := strings.TrimPrefix(hu.Path, "/")
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	role := "tg_cli_nobody"
	ephemeraltest.DropRolesAtEnd(t, base, []string{role})
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD '%s'; REVOKE CONNECT ON DATABASE %s FROM PUBLIC`,
		role, secret, pgx.Identifier{dbName}.Sanitize())); err != nil {
		t.Fatal(err)
	}

	refused := closedPort(t)
	tests := []struct {
		name   string
		url    string
		env    map[string]string
		args   []string
		where  string // host:port/database in the message
		reason string
	}{
		{name: "unreachable host",
			url:   "postgres://app:" + secret + "@" + refused + "/app",
			where: refused + "/app", reason: "connection refused"},
		{name: "database missing",
			url: withURL(t, base, func(u *url.URL) {
				u.User = url.UserPassword("postgres", secret)
				u.Path = "/no_such_db"
			}),
			where: hu.Host + "/no_such_db", reason: `database "no_such_db" does not exist`},
		{name: "TLS required, server without TLS",
			url: withURL(t, base, func(u *url.URL) {
				u.User = url.UserPassword("postgres", secret)
				u.RawQuery = "sslmode=require"
			}),
			where: hu.Host + "/" + dbName, reason: "refused TLS"},
		{name: "permission denied",
			url: withURL(t, base, func(u *url.URL) {
				u.User = url.UserPassword(role, secret)
			}),
			where: hu.Host + "/" + dbName, reason: "permission denied for database"},
		{name: "password in PGPASSWORD, database missing",
			url:   withURL(t, base, func(u *url.URL) { u.Path = "/no_such_db" }),
			env:   map[string]string{"PGPASSWORD": secret},
			where: hu.Host + "/no_such_db", reason: "does not exist"},
		{name: "password in the query string, database missing",
			url: withURL(t, base, func(u *url.URL) {
				u.Path = "/no_such_db"
				u.RawQuery = "password=" + secret + "&sslmode=disable"
			}),
			where: hu.Host + "/no_such_db", reason: "does not exist"},
		{name: "keyword/value string, database missing",
			url:   "host=" + hu.Hostname() + " port=" + hu.Port() + " dbname=no_such_db user=postgres password='" + secret + "' sslmode=disable",
			where: hu.Host + "/no_such_db", reason: "does not exist"},
		{name: "unknown host",
			url:   "postgres://app:" + secret + "@no-such-host.invalid:5432/app",
			where: "no-such-host.invalid:5432/app", reason: "no-such-host.invalid"},
		{name: "not a URL",
			url:   "postgres://app:" + secret + "@localhost:notaport/app",
			where: "--db", reason: "not a valid postgres:// URL"},
		{name: "not a URL, password in the query string",
			url:   "postgres://app@localhost/app?password=" + secret + "&sslmode=sometimes",
			where: "--db", reason: "sslmode is invalid"},
		{name: "not a keyword/value string",
			url:   "host=localhost password='" + secret,
			where: "--db", reason: "unterminated quoted string"},
	}
	for _, cmd := range []string{"inspect", "check"} {
		for _, tt := range tests {
			t.Run(cmd+"/"+tt.name, func(t *testing.T) {
				for k, v := range tt.env {
					t.Setenv(k, v) // pgx reads PGPASSWORD from the process
				}
				dir := t.TempDir()
				code, stdout, stderr := run(t, dir, tt.env, cmd, "--db", tt.url, "--connect-timeout", "20s")
				checkBadInput(t, code, stdout, stderr, tt.where, tt.reason)
				t.Log(stderr)
				// DATABASE_URL is the same as --db.
				code, stdout, stderr = run(t, dir, map[string]string{"DATABASE_URL": tt.url}, cmd)
				checkBadInput(t, code, stdout, stderr, tt.where, tt.reason)
			})
		}
	}
}

// A wrong password: the role's password is checked (a pg_hba.conf line
// for that role alone asks for it), and the message says so without
// printing either password.
func TestDatabaseWrongPassword(t *testing.T) {
	base := pgtest.NewDB(t)
	role := "tg_cli_pw"
	ephemeraltest.DropRolesAtEnd(t, base, []string{role})
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(ctx) }) // after requirePassword restores pg_hba.conf
	if _, err := admin.Exec(ctx, fmt.Sprintf(`SET password_encryption = 'scram-sha-256'; CREATE ROLE %s LOGIN PASSWORD 'the-right-one'`, role)); err != nil {
		t.Fatal(err)
	}
	wrong := withURL(t, base, func(u *url.URL) { u.User = url.UserPassword(role, secret) })
	requirePassword(t, admin, role, wrong)
	hu, _ := url.Parse(base)
	where := hu.Host + hu.Path

	code, stdout, stderr := run(t, t.TempDir(), nil, "inspect", "--db", wrong)
	checkBadInput(t, code, stdout, stderr, where, "password authentication failed")
	t.Log(stderr)

	t.Setenv("PGPASSWORD", secret)
	noPassword := withURL(t, base, func(u *url.URL) { u.User = url.User(role) })
	code, stdout, stderr = run(t, t.TempDir(), nil, "inspect", "--db", noPassword)
	checkBadInput(t, code, stdout, stderr, where, "password authentication failed")

	right := withURL(t, base, func(u *url.URL) { u.User = url.UserPassword(role, "the-right-one") })
	if code, _, stderr := run(t, t.TempDir(), nil, "inspect", "--db", right); code != 0 && code != 1 {
		t.Errorf("with the right password: exit %d: %s", code, stderr)
	}
}

// requirePassword makes the server check role's password: a local
// cluster trusts every connection, so a pg_hba.conf line asking for the
// password of that role alone goes first (and is taken out at the end).
func requirePassword(t *testing.T, admin *pgx.Conn, role, wrongURL string) {
	t.Helper()
	ctx := context.Background()
	rejects := func() bool {
		c, err := pgx.Connect(ctx, wrongURL)
		if err == nil {
			c.Close(ctx)
		}
		return err != nil && strings.Contains(err.Error(), "password authentication failed")
	}
	if rejects() {
		return // a server of its own (TENANTGUARD_TEST_DATABASE_URL) already checks passwords
	}
	var file, old string
	err := admin.QueryRow(ctx, "SELECT current_setting('hba_file'), pg_read_file(current_setting('hba_file'))").Scan(&file, &old)
	if err != nil {
		t.Skipf("this server trusts every connection and its pg_hba.conf cannot be changed from SQL (%v): a wrong password cannot be shown", err)
	}
	write := func(content string) {
		lines := strings.Split(strings.TrimRight(content, "\n"), "\n")
		_, err := admin.Exec(ctx, "CREATE TEMP TABLE IF NOT EXISTS hba_lines (n int, l text); TRUNCATE hba_lines")
		if err == nil {
			_, err = admin.Exec(ctx, "INSERT INTO hba_lines SELECT n, l FROM unnest($1::text[]) WITH ORDINALITY AS x(l, n)", lines)
		}
		if err == nil {
			_, err = admin.Exec(ctx, fmt.Sprintf(`COPY (SELECT l FROM hba_lines ORDER BY n) TO %s WITH (DELIMITER E'\x01')`, quoteLiteral(file)))
		}
		if err != nil {
			t.Fatalf("write pg_hba.conf: %v", err)
		}
		if _, err := admin.Exec(ctx, "SELECT pg_reload_conf()"); err != nil {
			t.Fatal(err)
		}
	}
	if strings.ContainsAny(old, "\x01\\") {
		t.Skip("pg_hba.conf holds characters COPY would escape")
	}
	write(fmt.Sprintf("host all %s 127.0.0.1/32 scram-sha-256\nhost all %s ::1/128 scram-sha-256\n", role, role) + old)
	t.Cleanup(func() { write(old) })
	for deadline := time.Now().Add(10 * time.Second); !rejects(); {
		if time.Now().After(deadline) {
			t.Fatal("the server still trusts the connection after reloading pg_hba.conf")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// A catalog query that runs out of time is exit 2 naming the database and
// the --statement-timeout.
func TestInspectStatementTimeout(t *testing.T) {
	base := pgtest.NewDB(t)
	ctx := context.Background()
	locker, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	if _, err := locker.Exec(ctx, "CREATE TABLE t (org_id uuid); BEGIN; LOCK TABLE pg_catalog.pg_policy IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	defer locker.Exec(ctx, "ROLLBACK")
	hu, _ := url.Parse(base)
	u := withURL(t, base, func(u *url.URL) { u.User = url.UserPassword("postgres", secret) })
	code, stdout, stderr := run(t, t.TempDir(), nil, "inspect", "--db", u, "--statement-timeout", "300ms")
	checkBadInput(t, code, stdout, stderr, hu.Host+hu.Path, "introspect: read policies: canceling statement due to statement timeout (SQLSTATE 57014) (--statement-timeout 300ms)")
}

// A server that is not PostgreSQL, or that hangs up, is exit 2 with a
// reason that says so (not a misleading TLS or protocol error).
func TestDatabaseNotPostgres(t *testing.T) {
	for _, tt := range []struct {
		name   string
		answer func(net.Conn)
		reason string
	}{
		{"HTTP server", func(c net.Conn) {
			buf := make([]byte, 512)
			c.Read(buf)
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
		}, "not in the PostgreSQL protocol"},
		{"hangs up", func(c net.Conn) {
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0) // a reset, as a server that refuses us sends
			}
		}, "closed the connection"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			go func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					tt.answer(c)
					c.Close()
				}
			}()
			for _, mode := range []string{"prefer", "disable"} {
				u := "postgres://app:" + secret + "@" + l.Addr().String() + "/app?sslmode=" + mode
				code, stdout, stderr := run(t, t.TempDir(), nil, "inspect", "--db", u, "--connect-timeout", "20s")
				checkBadInput(t, code, stdout, stderr, l.Addr().String()+"/app", tt.reason)
			}
		})
	}
}

func checkBadInput(t *testing.T, code int, stdout, stderr, where, reason string) {
	t.Helper()
	if code != ExitError {
		t.Errorf("exit %d, want %d (stderr %q)", code, ExitError, stderr)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "tenantguard: ") {
		t.Errorf("stderr is not one line: %q", stderr)
	}
	if !strings.Contains(stderr, where) || !strings.Contains(stderr, reason) {
		t.Errorf("stderr %q does not name %q and %q", stderr, where, reason)
	}
	if strings.Contains(stdout+stderr, secret) {
		t.Errorf("the password appears in the output:\nstdout %q\nstderr %q", stdout, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout: %q", stdout)
	}
}
