package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helperMain(mode))
	}
	if os.Getenv(noServerEnv) != "" {
		distroBinGlob = "/nonexistent/*/bin"
	}
	os.Exit(Main(m))
}

// requireLocal skips (or, under CI, fails) a test that needs local server
// binaries, and returns what locate found.
func requireLocal(t *testing.T) source {
	t.Helper()
	src, err := locate(context.Background(), "")
	if err == nil && src.docker {
		err = ErrUnavailable
	}
	if err != nil {
		if fail, msg := unavailable(os.Getenv("CI"), err); fail {
			t.Fatal("local PostgreSQL binaries needed: ", msg)
		} else {
			t.Skip("local PostgreSQL binaries needed: ", msg)
		}
	}
	return src
}

// requireShared returns the package's server, as NewDB would get it.
func requireShared(t *testing.T) *Cluster {
	t.Helper()
	c, err := sharedCluster()
	if err != nil {
		if fail, msg := unavailable(os.Getenv("CI"), err); fail {
			t.Fatal(msg)
		} else {
			t.Skip(msg)
		}
	}
	return c
}

func connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func queryString(t testing.TB, conn *pgx.Conn, sql string, args ...any) string {
	t.Helper()
	var s string
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ourDirs lists the cluster directories this process owns, but the shared
// cluster's.
func ourDirs(t *testing.T) []string {
	t.Helper()
	var keep string
	shared.mu.Lock()
	if shared.cluster != nil && shared.cluster.local != nil {
		keep = shared.cluster.local.root
	}
	shared.mu.Unlock()
	var out []string
	for _, base := range []string{os.TempDir(), "/tmp"} {
		dirs, _ := filepath.Glob(filepath.Join(base, dirPrefix+"*"))
		for _, d := range dirs {
			if pid, ok := readPID(filepath.Join(d, ownerFile)); ok && pid == os.Getpid() && d != keep {
				out = append(out, d)
			}
		}
		if os.TempDir() == "/tmp" {
			break
		}
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// helperEnv makes the test binary a helper process (see helperMain) instead
// of running tests. Its value is the mode: "janitor" or "nojanitor".
const helperEnv = "PGTEST_HELPER_MODE"

// helperMain starts a cluster the way a test or the CLI would, from a
// goroutine that locks its OS thread and then exits without unlocking, so
// that the Go runtime ends the thread that called Start. The server must
// outlive that thread. It then prints "READY <postmaster pid> <cluster dir>"
// and waits to be killed.
func helperMain(mode string) int {
	var (
		c    *Cluster
		err  error
		done = make(chan struct{})
	)
	go func() {
		runtime.LockOSThread() // never unlocked: this thread ends with the goroutine
		c, err = Start(context.Background(), Options{noJanitor: mode == "nojanitor"})
		close(done)
	}()
	<-done
	if err != nil {
		fmt.Println("ERROR", err)
		return 1
	}
	time.Sleep(300 * time.Millisecond) // let the runtime end the starter's thread
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.exec(ctx, "SELECT 1"); err != nil {
		fmt.Println("ERROR server died with the thread that started it:", err)
		return 1
	}
	fmt.Println("READY", c.local.proc.cmd.Process.Pid, c.local.root)
	time.Sleep(time.Hour)
	return 0
}
