package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The end-to-end tests build the real binary and run it on the cases in
// testdata/e2e/<case>/. Each case has a cmd file:
//
//	# comment
//	dir: ../../examples/saas     (working directory, relative to the case; default the case)
//	env: NO_COLOR=1              (repeatable)
//	run: lint --format json      (repeatable: one invocation each)
//	needs: postgres              (the runs start a throwaway PostgreSQL: skipped without one, failed under CI)
//
// and a golden file with, for each run, the command, its exit status,
// stdout and stderr. `go test ./cmd/tenantguard -update` rewrites them;
// review the diff before committing.

var update = flag.Bool("update", false, "rewrite golden files")

var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "tenantguard-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "tenantguard")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Binary returns the path of the built binary (for other tests here).
func Binary() string { return binary }

type e2eCase struct {
	dir   string
	env   []string
	runs  []string
	needs []string
}

func readCase(t *testing.T, caseDir string) e2eCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(caseDir, "cmd"))
	if err != nil {
		t.Fatal(err)
	}
	c := e2eCase{dir: caseDir}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("%s/cmd:%d: want key: value", caseDir, i+1)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "dir":
			c.dir = filepath.Join(caseDir, val)
		case "env":
			c.env = append(c.env, val)
		case "run":
			c.runs = append(c.runs, val)
		case "needs":
			c.needs = append(c.needs, val)
		default:
			t.Fatalf("%s/cmd:%d: unknown key %q", caseDir, i+1, key)
		}
	}
	return c
}

// run executes the binary with a command line (split on spaces; single
// quotes group) and returns the transcript.
func (c e2eCase) run(t *testing.T, cmdline string) string {
	t.Helper()
	cmd := exec.Command(binary, splitArgs(cmdline)...)
	cmd.Dir = c.dir
	cmd.Env = append(cleanEnv(), c.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", cmdline, err)
	}
	return fmt.Sprintf("$ tenantguard %s\nexit %d\n--- stdout\n%s--- stderr\n%s", cmdline, code, stdout.String(), stderr.String())
}

// cleanEnv is the environment without variables that change output.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "NO_COLOR", "DATABASE_URL", "PGPASSWORD", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, have := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			inQuote, have = !inQuote, true
		case r == ' ' && !inQuote:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

func TestEndToEnd(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "e2e")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		caseDir := filepath.Join(root, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			c := readCase(t, caseDir)
			for _, n := range c.needs {
				requireNeed(t, n) // live_test.go
			}
			var got strings.Builder
			for i, r := range c.runs {
				if i > 0 {
					got.WriteString("\n")
				}
				got.WriteString(c.run(t, r))
			}
			golden := filepath.Join(caseDir, "golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got.String() != string(want) {
				t.Errorf("output differs from %s (run `go test ./cmd/tenantguard -update` and review the diff):\n%s",
					golden, diff(string(want), got.String()))
			}
		})
	}
}

// diff shows the first differing lines of two texts.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want: %s\n  got:  %s\n", i+1, wl, gl)
			if shown++; shown == 10 {
				break
			}
		}
	}
	return b.String()
}
