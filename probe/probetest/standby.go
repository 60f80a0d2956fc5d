//go:build unix

// Package probetest gives probe tests what internal/pgtest does not: a
// real hot standby, on which pg_is_in_recovery() is true and every
// transaction is read-only.
package probetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// StartStandby makes a PostgreSQL server of its own from the local server
// binaries (as the postgres OS user when the test runs as root), runs
// setup on it (the superuser's URL of database postgres), shuts it down
// cleanly and starts it again as a hot standby: it replays its own WAL,
// then accepts read-only connections and waits for WAL that never comes,
// as a replica of a primary does. It returns the superuser's URL; the
// server and its files go when the test ends.
//
// Without local server binaries the test is skipped (failed with
// CI=true): a standby needs its own server, which a borrowed one
// (TENANTGUARD_TEST_DATABASE_URL) or Docker does not give.
func StartStandby(t testing.TB, setup func(url string)) string {
	t.Helper()
	binDir, err := findBinDir()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("probetest: a hot standby needs the PostgreSQL server binaries: %v", err)
		}
		t.Skipf("probetest: a hot standby needs the PostgreSQL server binaries: %v", err)
	}
	cred, err := serverUser()
	if err != nil {
		t.Fatal(err)
	}
	root, err := os.MkdirTemp("/tmp", "tenantguard-standby-")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, binDir: binDir, cred: cred, root: root, data: filepath.Join(root, "data")}
	t.Cleanup(func() {
		s.stop()
		_ = os.RemoveAll(root)
	})
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	s.chown(root)
	if out, err := s.command(filepath.Join(binDir, "initdb"), "-D", s.data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("probetest: initdb: %v\n%s", err, out)
	}
	if s.port, err = freePort(); err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
	s.start(url)
	setup(url)
	s.stop() // a fast shutdown: a clean checkpoint the standby starts from
	signal := filepath.Join(s.data, "standby.signal")
	if err := os.WriteFile(signal, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s.chown(signal)
	s.start(url)
	var recovery bool
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SELECT pg_catalog.pg_is_in_recovery()").Scan(&recovery); err != nil || !recovery {
		t.Fatalf("probetest: the restarted server is not a standby (pg_is_in_recovery %v, %v)", recovery, err)
	}
	return url
}

// server is one postgres process over the test's data directory.
type server struct {
	t          testing.TB
	binDir     string
	cred       *syscall.Credential
	root, data string
	port       int
	proc       *exec.Cmd
	done       chan struct{}
}

// command runs a server binary as the server's user, in the C locale and
// without the PG* variables of the test's environment.
func (s *server) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = s.root
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "PG") && !strings.HasPrefix(k, "LC_") && k != "LANG" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "LC_ALL=C")
	cmd.SysProcAttr = procAttr(s.cred)
	return cmd
}

func (s *server) chown(path string) {
	if s.cred == nil {
		return
	}
	if err := os.Chown(path, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
		s.t.Fatal(err)
	}
}

// start starts postgres and waits until it accepts connections. The
// process is forked from a thread that lives as long as it does, so that
// the parent-death signal fires only when the test process dies.
func (s *server) start(url string) {
	s.t.Helper()
	cmd := s.command(filepath.Join(s.binDir, "postgres"), "-D", s.data, "-k", s.root, "-h", "127.0.0.1",
		"-p", strconv.Itoa(s.port), "-c", "wal_level=replica", "-c", "fsync=off", "-c", "autovacuum=off",
		"-c", "hot_standby=on", "-c", "log_min_messages=warning")
	log, err := os.OpenFile(filepath.Join(s.root, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.t.Fatal(err)
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	started := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(done)
	}()
	if err := <-started; err != nil {
		s.t.Fatalf("probetest: start postgres: %v", err)
	}
	s.proc, s.done = cmd, done
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			_ = conn.Close(ctx)
			return
		}
		select {
		case <-done:
			s.t.Fatalf("probetest: postgres exited during start-up:\n%s", s.logTail())
		case <-ctx.Done():
			s.t.Fatalf("probetest: postgres did not accept connections: %v\n%s", err, s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop shuts the server down: fast, then immediate, then SIGKILL.
func (s *server) stop() {
	if s.proc == nil {
		return
	}
	defer func() { s.proc = nil }()
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGQUIT, syscall.SIGKILL} {
		_ = s.proc.Process.Signal(sig)
		select {
		case <-s.done:
			return
		case <-time.After(30 * time.Second):
		}
	}
	<-s.done
}

func (s *server) logTail() string {
	b, _ := os.ReadFile(filepath.Join(s.root, "server.log"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// findBinDir is the directory of initdb on PATH, else the highest version
// under /usr/lib/postgresql/*/bin.
func findBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	var found []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return "", errors.New("no initdb on PATH or in /usr/lib/postgresql/*/bin")
	}
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	return found[0], nil
}

func version(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// serverUser is nil (ourselves), or the postgres OS user when we are root:
// PostgreSQL refuses to run as root.
func serverUser() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("probetest: PostgreSQL will not run as root and there is no postgres OS user: %w", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
