package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	// superuser is the bootstrap superuser initdb makes, whoever runs it.
	superuser = "postgres"
	// portAttempts bounds the retries when another process takes the port
	// between our pick and the server's bind.
	portAttempts = 5
	// shutdownWait is how long a fast shutdown may take before an immediate
	// one, and that before SIGKILL.
	shutdownWait = 10 * time.Second
)

// serverSettings make a throwaway server start and run fast: nothing it
// writes needs to survive a crash.
var serverSettings = []string{
	"fsync=off",
	"synchronous_commit=off",
	"full_page_writes=off",
	"wal_level=minimal",
	"max_wal_senders=0",
	"max_wal_size=1GB",
	"checkpoint_timeout=1h",
	"autovacuum=off",
	"jit=off",
	"huge_pages=off",
	"TimeZone=UTC",
	"log_timezone=UTC",
}

// localServer is a cluster run from local binaries in a directory of its own:
//
//	root/owner.pid   pid of the process that made it (for the sweep)
//	root/data/       the data directory
//	root/sock/       the Unix socket directory
//	root/server.log  the server's output
type localServer struct {
	root    string
	binDir  string
	as      *runAs
	logPath string
	log     *os.File
	proc    *process
	janitor *janitor
}

// startLocal makes a cluster with initdb and starts it.
func startLocal(ctx context.Context, opts Options, binDir string, as *runAs) (_ *Cluster, err error) {
	base := tempBase(as != nil)
	sweepStale(base)
	root, err := os.MkdirTemp(base, dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("pgtest: make cluster directory: %w", err)
	}
	s := &localServer{root: root, binDir: binDir, as: as, logPath: filepath.Join(root, "server.log")}
	c := &Cluster{local: s, adminDB: "postgres"}
	defer func() {
		if err != nil {
			err = errors.Join(err, c.Stop())
		}
	}()
	if err := os.WriteFile(filepath.Join(root, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if !opts.noJanitor {
		if s.janitor, err = startJanitor(root); err != nil {
			return nil, err
		}
	}
	if err := s.prepare(); err != nil {
		return nil, err
	}
	if err := s.initdb(); err != nil {
		return nil, err
	}
	if s.log, err = os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return nil, fmt.Errorf("pgtest: server log: %w", err)
	}
	var out io.Writer = s.log
	if opts.Log != nil {
		out = io.MultiWriter(s.log, opts.Log)
	}
	nextPort := opts.nextPort
	if nextPort == nil {
		nextPort = freePort
	}
	for attempt := 1; ; attempt++ {
		port, err := nextPort()
		if err != nil {
			return nil, fmt.Errorf("pgtest: pick a port: %w", err)
		}
		c.base = &url.URL{
			Scheme:   "postgres",
			User:     url.User(superuser),
			Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
			Path:     "/",
			RawQuery: "sslmode=disable",
		}
		logStart := s.logSize()
		if err := s.startServer(port, out, opts.extraArgs); err != nil {
			return nil, err
		}
		err = waitReady(ctx, c, s.proc, s.logPath)
		if err == nil {
			if err := c.tune(ctx); err != nil {
				return nil, err
			}
			return c, nil
		}
		s.stopServer()
		if attempt == portAttempts || !portTaken(s.logPath, logStart) {
			return nil, err
		}
	}
}

// prepare hands the cluster directory to the server's user and makes the
// socket directory.
func (s *localServer) prepare() error {
	sock := filepath.Join(s.root, "sock")
	if err := os.Mkdir(sock, 0o700); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if s.as == nil {
		return nil
	}
	for _, dir := range []string{s.root, sock} {
		if err := os.Chown(dir, s.as.uid, s.as.gid); err != nil {
			return fmt.Errorf("pgtest: hand %s to the postgres user: %w", dir, err)
		}
	}
	return nil
}

// initdb makes the data directory.
func (s *localServer) initdb() error {
	cmd := exec.Command(filepath.Join(s.binDir, "initdb"),
		"-D", filepath.Join(s.root, "data"),
		"-U", superuser,
		"-A", "trust",
		"-E", "UTF8",
		"--locale=C",
		"--no-sync",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Dir = s.root // the postgres user may not be able to enter ours
	cmd.Env = serverEnv()
	cmd.SysProcAttr = sysProcAttr(s.as, sigKill)
	if err := run(cmd); err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s", err, tail(out.Bytes(), tailLines))
	}
	return nil
}

// startServer starts the postmaster on port, without waiting for it.
func (s *localServer) startServer(port int, out io.Writer, extra []string) error {
	args := []string{
		"-D", filepath.Join(s.root, "data"),
		"-k", filepath.Join(s.root, "sock"),
		"-h", "127.0.0.1",
		"-p", strconv.Itoa(port),
	}
	for _, setting := range serverSettings {
		args = append(args, "-c", setting)
	}
	args = append(args, extra...)
	cmd := exec.Command(filepath.Join(s.binDir, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Dir = s.root
	cmd.Env = serverEnv()
	// SIGQUIT is postgres's immediate shutdown: it takes its children down
	// with it and releases its shared memory.
	cmd.SysProcAttr = sysProcAttr(s.as, sigQuit)
	p, err := spawn(cmd)
	if err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	s.proc = p
	return nil
}

// stopServer stops the postmaster: a fast shutdown, then an immediate one,
// then SIGKILL. How it exited does not matter: its data is thrown away.
func (s *localServer) stopServer() {
	p := s.proc
	if p == nil {
		return
	}
	s.proc = nil
	for _, sig := range []os.Signal{os.Interrupt, sigQuit, sigKill} {
		if p.exited() {
			return
		}
		_ = p.cmd.Process.Signal(sig) // fails only once it has exited
		select {
		case <-p.done:
			return
		case <-time.After(shutdownWait):
		}
	}
	<-p.done
}

// stop stops the server and removes the cluster directory.
func (s *localServer) stop() error {
	s.stopServer()
	var errs []error
	if s.log != nil {
		errs = append(errs, s.log.Close())
	}
	if err := os.RemoveAll(s.root); err != nil {
		errs = append(errs, fmt.Errorf("pgtest: remove cluster directory: %w", err))
	}
	errs = append(errs, s.janitor.finish())
	return errors.Join(errs...)
}

func (s *localServer) logSize() int64 {
	info, err := os.Stat(s.logPath)
	if err != nil {
		return 0
	}
	return info.Size()
}

// portTaken reports whether the server log, from offset on, says that the
// port was in use.
func portTaken(logPath string, offset int64) bool {
	b, err := os.ReadFile(logPath)
	if err != nil || int64(len(b)) < offset {
		return false
	}
	return bytes.Contains(b[offset:], []byte("Address already in use"))
}

// freePort asks the kernel for a free port on 127.0.0.1. Another process may
// take it before the server binds it; startLocal then tries again.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// serverEnv is our environment without what would steer initdb or postgres
// (PG* variables, locale), in the C locale.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || strings.HasPrefix(name, "LC_") || name == "LANG" || name == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// tempBase is where cluster directories go: the system temporary directory,
// unless the postgres user (asOther) could not reach into it or it is so deep
// that a Unix socket path in it would be too long; then /tmp.
func tempBase(asOther bool) string {
	base := os.TempDir()
	const maxSocketDir = 107 - len("/tenantguard-pgtest-0123456789/sock/.s.PGSQL.65535")
	if len(base) > maxSocketDir || (asOther && !searchableByAll(base)) {
		if _, err := os.Stat("/tmp"); err == nil {
			return "/tmp"
		}
	}
	return base
}

// searchableByAll reports whether every directory on the way to dir lets
// any user through.
func searchableByAll(dir string) bool {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil || info.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}
