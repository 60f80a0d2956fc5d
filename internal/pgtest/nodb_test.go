package pgtest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// noServerEnv makes the test binary find no local binaries (see TestMain);
// the parent also hides PATH, Docker and EnvDatabaseURL from it.
const noServerEnv = "PGTEST_NO_SERVER"

// TestHelperNeedsDB is a test that needs a database; it runs only in a child
// process that can have none (see TestNewDBWithoutServer).
func TestHelperNeedsDB(t *testing.T) {
	if os.Getenv(noServerEnv) == "" {
		t.Skip("runs only as a child of TestNewDBWithoutServer")
	}
	NewDB(t)
	t.Log("NewDB returned")
}

// Without any server NewDB skips, except under CI=true, where it fails.
func TestNewDBWithoutServer(t *testing.T) {
	for _, tc := range []struct {
		ci       string
		wantFail bool
		want     string
	}{
		{"", false, "--- SKIP: TestHelperNeedsDB"},
		{"true", true, "--- FAIL: TestHelperNeedsDB"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperNeedsDB$", "-test.v")
		cmd.Env = append(os.Environ(),
			noServerEnv+"=1",
			"CI="+tc.ci,
			"PATH="+t.TempDir(),
			EnvDatabaseURL+"=",
			"DOCKER_HOST=unix:///nonexistent/docker.sock",
		)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != tc.wantFail {
			t.Errorf("CI=%q: child failed=%v, want %v:\n%s", tc.ci, failed, tc.wantFail, out)
		}
		for _, want := range []string{tc.want, "no PostgreSQL server available", "ensure-postgres.sh"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("CI=%q: output lacks %q:\n%s", tc.ci, want, out)
			}
		}
		if strings.Contains(string(out), "NewDB returned") {
			t.Errorf("CI=%q: NewDB returned without a server", tc.ci)
		}
	}
}
