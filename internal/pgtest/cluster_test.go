package pgtest

import (
	"context"
	"net"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestStartStop(t *testing.T) {
	t.Parallel()
	requireLocal(t)
	ctx := context.Background()
	begin := time.Now()
	var log syncBuffer
	c, err := Start(ctx, Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Start took %v", time.Since(begin))
	if !strings.Contains(log.String(), "ready to accept connections") {
		t.Errorf("Options.Log got %q, want the server's start-up messages", log.String())
	}
	root, pid := c.local.root, c.local.proc.cmd.Process.Pid

	conn := connect(t, c.URL("postgres"))
	if got := queryString(t, conn, "SELECT current_user"); got != superuser {
		t.Errorf("current_user = %q, want %q", got, superuser)
	}
	if got := queryString(t, conn, "SHOW fsync"); got != "off" {
		t.Errorf("fsync = %q, want off", got)
	}
	if got := queryString(t, conn, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template0'"); got != "UTF8" {
		t.Errorf("template0 encoding = %q, want UTF8", got)
	}
	if got := queryString(t, conn, "SHOW lc_collate"); got != "C" {
		t.Errorf("lc_collate = %q, want C", got)
	}
	// A private socket directory, only 127.0.0.1, on the port picked.
	sock := filepath.Join(root, "sock")
	if got := queryString(t, conn, "SHOW unix_socket_directories"); got != sock {
		t.Errorf("unix_socket_directories = %q, want %q", got, sock)
	}
	if info, err := os.Stat(sock); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("socket directory %s: %v, mode %v; want 0700", sock, err, info.Mode().Perm())
	}
	if got := queryString(t, conn, "SHOW listen_addresses"); got != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, want 127.0.0.1", got)
	}
	u, _ := url.Parse(c.URL("postgres"))
	if got := queryString(t, conn, "SHOW port"); got != u.Port() {
		t.Errorf("port = %s, URL says %s", got, u.Port())
	}
	// Run as the postgres OS user when we are root (PostgreSQL refuses
	// root), else as ourselves.
	want := os.Geteuid()
	if want == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Fatal(err)
		}
		want, _ = strconv.Atoi(pg.Uid)
	}
	if uid := serverUID(t, root); uid != want {
		t.Errorf("postmaster runs as uid %d, want %d", uid, want)
	}
	conn.Close(ctx)

	if err := c.CreateDatabase(ctx, "made here", ""); err != nil {
		t.Fatal(err)
	}
	made := connect(t, c.URL("made here"))
	if got := queryString(t, made, "SELECT current_database()"); got != "made here" {
		t.Errorf("current_database() = %q", got)
	}
	made.Close(ctx)

	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if exists(root) {
		t.Errorf("Stop left %s", root)
	}
	if processAlive(pid) {
		t.Errorf("postmaster %d still alive after Stop", pid)
	}
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if conn, err := pgx.Connect(ctx, c.URL("postgres")); err == nil {
		conn.Close(ctx)
		t.Error("server still answers after Stop")
	}
}

// Not parallel: it counts this process's cluster directories.
func TestStartFailureShowsLogAndCleansUp(t *testing.T) {
	requireLocal(t)
	before := len(ourDirs(t))
	c, err := Start(context.Background(), Options{extraArgs: []string{"-c", "shared_buffers=lots"}})
	if err == nil {
		c.Stop()
		t.Fatal("Start with a bad setting succeeded")
	}
	msg := err.Error()
	for _, want := range []string{"postgres exited during start-up", "server log", `invalid value for parameter "shared_buffers"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if after := ourDirs(t); len(after) != before {
		t.Errorf("failed Start left directories: %v", after)
	}
}

func TestStartRetriesTakenPort(t *testing.T) {
	t.Parallel()
	requireLocal(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port
	picks := 0
	next := func() (int, error) {
		picks++
		if picks == 1 {
			return takenPort, nil
		}
		return freePort()
	}
	var log syncBuffer
	c, err := Start(context.Background(), Options{nextPort: next, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	u, _ := url.Parse(c.URL("postgres"))
	if u.Port() == strconv.Itoa(takenPort) || picks != 2 {
		t.Errorf("port %s after %d picks; want a second pick other than %d", u.Port(), picks, takenPort)
	}
	if !strings.Contains(log.String(), "Address already in use") {
		t.Errorf("first attempt did not hit the taken port; log:\n%s", log.String())
	}
	conn := connect(t, c.URL("postgres"))
	queryString(t, conn, "SELECT 'ok'")
}

func TestStartExplicitBinDirWithoutBinaries(t *testing.T) {
	_, err := Start(context.Background(), Options{BinDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "no initdb and postgres") {
		t.Fatalf("err = %v, want no initdb and postgres", err)
	}
}

func TestClusterStringHidesPassword(t *testing.T) {
	u, _ := url.Parse("postgres://u:sekrit@127.0.0.1:5432/x?sslmode=disable")
	c := &Cluster{base: u}
	if s := c.String(); strings.Contains(s, "sekrit") {
		t.Errorf("String() = %q shows the password", s)
	}
	if got := c.URL("other db"); got != "postgres://u:sekrit@127.0.0.1:5432/other%20db?sslmode=disable" {
		t.Errorf("URL = %q", got)
	}
}

func TestCreateDatabaseFromTemplate(t *testing.T) {
	c := requireShared(t)
	if c.local != nil && !c.fileCopy {
		t.Error("own PostgreSQL 15 server does not copy templates by file")
	}
	ctx := context.Background()
	tmpl := uniqueDBName("tmpl")
	if err := c.CreateDatabase(ctx, tmpl, ""); err != nil {
		t.Fatal(err)
	}
	defer c.DropDatabase(ctx, tmpl)
	conn := connect(t, c.URL(tmpl))
	if _, err := conn.Exec(ctx, "CREATE TABLE seeded (id int); INSERT INTO seeded VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	copyName := uniqueDBName("copy")
	if err := c.CreateDatabase(ctx, copyName, tmpl); err != nil {
		t.Fatal(err)
	}
	defer c.DropDatabase(ctx, copyName)
	if got := queryString(t, connect(t, c.URL(copyName)), "SELECT id::text FROM seeded"); got != "7" {
		t.Errorf("copy of the template holds %s, want its row", got)
	}
	if err := c.CreateDatabase(ctx, copyName, tmpl); err == nil || !strings.Contains(err.Error(), "create database "+copyName) {
		t.Errorf("second create: %v, want an error naming the database", err)
	}
}
