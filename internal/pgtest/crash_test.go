//go:build unix

package pgtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// panicEnv enables TestHelperPanics, run in a child test binary.
const panicEnv = "PGTEST_HELPER_PANIC"

// TestHelperPanics is a test that gets a database and then panics, as a
// buggy test would; it runs only in a child process (see
// TestPanickingTestLeavesNothing).
func TestHelperPanics(t *testing.T) {
	if os.Getenv(panicEnv) == "" {
		t.Skip("runs only as a child of TestPanickingTestLeavesNothing")
	}
	NewDB(t)
	shared.mu.Lock()
	c := shared.cluster
	shared.mu.Unlock()
	fmt.Println("READY", c.local.proc.cmd.Process.Pid, c.local.root)
	panic("a test panics")
}

// startHelper runs helperMain in a child process and returns it with the
// postmaster's pid and the cluster directory.
func startHelper(t *testing.T, mode string, env ...string) (*exec.Cmd, int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), helperEnv+"="+mode), env...)
	cmd.Stderr = os.Stderr
	return startChild(t, cmd)
}

// startChild starts cmd, a test binary that prints "READY <postmaster pid>
// <cluster dir>" once it has a server, and returns what it printed.
func startChild(t *testing.T, cmd *exec.Cmd) (*exec.Cmd, int, string) {
	t.Helper()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		for s.Scan() {
			if line := s.Text(); strings.HasPrefix(line, "READY") || strings.HasPrefix(line, "ERROR") {
				lines <- line
				return
			}
		}
		lines <- "ERROR helper exited"
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(60 * time.Second):
		t.Fatal("helper did not start a cluster within 60s")
	}
	f := strings.Fields(line)
	if f[0] != "READY" || len(f) != 3 {
		t.Fatalf("helper: %s", line)
	}
	pid, err := strconv.Atoi(f[1])
	if err != nil {
		t.Fatalf("helper: %s", line)
	}
	return cmd, pid, f[2]
}

// eventually polls cond every 50ms until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// With no janitor, only the parent-death signal can stop the server when
// its parent is killed with SIGKILL; the directory stays for the sweep.
func TestServerDiesWithParent(t *testing.T) {
	t.Parallel()
	if !hasDeathSignal {
		t.Skip("no parent-death signal on " + runtime.GOOS)
	}
	requireLocal(t)
	// A private temporary directory: the sweep of a cluster starting in a
	// parallel test would otherwise remove the dead run's directory first.
	tmp := t.TempDir()
	for _, d := range []string{tmp, filepath.Dir(tmp)} {
		if err := os.Chmod(d, 0o755); err != nil { // the postgres user must get in
			t.Fatal(err)
		}
	}
	child, pid, root := startHelper(t, "nojanitor", "TMPDIR="+tmp)
	if filepath.Dir(root) != tmp {
		t.Fatalf("helper made its cluster in %s, want %s", root, tmp)
	}
	if !processAlive(pid) {
		t.Fatalf("postmaster %d not running", pid)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if !eventually(5*time.Second, func() bool { return !processAlive(pid) }) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("postmaster %d still alive 5s after its parent was killed", pid)
	}
	if !exists(root) {
		t.Fatalf("%s is gone without a janitor: the test proves nothing about the sweep", root)
	}
	// The directory of the dead run is what the sweep is for.
	if !isStale(root) {
		t.Fatalf("isStale(%s) = false after its owner and postmaster died", root)
	}
	sweepStale(filepath.Dir(root))
	if exists(root) {
		t.Errorf("sweep left %s", root)
	}
}

// With the janitor, a SIGKILLed parent leaves neither a server nor files.
func TestKilledParentLeavesNothing(t *testing.T) {
	t.Parallel()
	requireLocal(t)
	child, pid, root := startHelper(t, "janitor")
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if !eventually(10*time.Second, func() bool { return !processAlive(pid) && !exists(root) }) {
		t.Fatalf("10s after its parent was killed: postmaster alive=%v, %s exists=%v", processAlive(pid), root, exists(root))
	}
}

// A panicking test ends the process without running Main's deferred
// clean-up: the server must go and its files too.
func TestPanickingTestLeavesNothing(t *testing.T) {
	t.Parallel()
	requireLocal(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPanics$")
	cmd.Env = append(os.Environ(), panicEnv+"=1", "CI=")
	cmd.Stderr = nil // the panic's stack trace is expected noise
	child, pid, root := startChild(t, cmd)
	t.Cleanup(func() { os.RemoveAll(root) })
	if err := child.Wait(); err == nil {
		t.Fatal("the panicking test binary exited 0")
	}
	if !eventually(10*time.Second, func() bool { return !processAlive(pid) && !exists(root) }) {
		t.Fatalf("10s after a test panicked: postmaster alive=%v, %s exists=%v", processAlive(pid), root, exists(root))
	}
}

func TestSweepStale(t *testing.T) {
	base := t.TempDir()
	dead := deadPID(t)
	mk := func(name string, owner, postmaster int, age time.Duration) string {
		dir := filepath.Join(base, name)
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
		if owner != 0 {
			writePID(t, filepath.Join(dir, ownerFile), owner)
		}
		if postmaster != 0 {
			writePID(t, filepath.Join(dir, "data", "postmaster.pid"), postmaster)
		}
		if age > 0 {
			old := time.Now().Add(-age)
			if err := os.Chtimes(dir, old, old); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	stale := mk(dirPrefix+"stale", dead, dead, 0)
	staleNoServer := mk(dirPrefix+"nopm", dead, 0, 0)
	oldNoOwner := mk(dirPrefix+"old", 0, 0, 2*time.Hour)
	ownerAlive := mk(dirPrefix+"owner", os.Getpid(), dead, 0)
	serverAlive := mk(dirPrefix+"server", dead, os.Getpid(), 0)
	young := mk(dirPrefix+"young", 0, 0, 0)
	other := mk("someone-else", dead, dead, 2*time.Hour)

	removed := sweepStale(base)
	for _, dir := range []string{stale, staleNoServer, oldNoOwner} {
		if exists(dir) {
			t.Errorf("sweep kept stale %s", filepath.Base(dir))
		}
	}
	for _, dir := range []string{ownerAlive, serverAlive, young, other} {
		if !exists(dir) {
			t.Errorf("sweep removed live or foreign %s", filepath.Base(dir))
		}
	}
	if len(removed) != 3 {
		t.Errorf("sweep reported %d removed, want 3: %v", len(removed), removed)
	}
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no `true` command: ", err)
	}
	pid := cmd.Process.Pid
	if processAlive(pid) {
		t.Skipf("pid %d was reused already", pid)
	}
	return pid
}

func writePID(t *testing.T, path string, pid int) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
