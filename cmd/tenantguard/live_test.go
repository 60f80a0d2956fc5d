package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
)

var postgresCheck struct {
	once sync.Once
	err  error
}

// requireNeed skips the test when the machine lacks what it needs, or
// fails it under CI, where a missing database is a failure.
func requireNeed(t *testing.T, need string) {
	t.Helper()
	if need != "postgres" {
		t.Fatalf("unknown need %q (known: postgres)", need)
	}
	postgresCheck.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		c, err := pgtest.Start(ctx, pgtest.Options{})
		if err == nil {
			err = c.Stop()
		}
		postgresCheck.err = err
	})
	err := postgresCheck.err
	switch {
	case err == nil:
	case errors.Is(err, pgtest.ErrUnavailable):
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			t.Fatalf("CI is set and no PostgreSQL server can be started: %v", err)
		}
		t.Skipf("needs a throwaway PostgreSQL: %v", err)
	default:
		t.Fatalf("cannot start a throwaway PostgreSQL: %v", err)
	}
}

// runBinary runs the built binary in dir with extra environment.
func runBinary(t *testing.T, dir string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

func findings(t *testing.T, out string) []lint.Finding {
	t.Helper()
	var doc struct {
		Findings []lint.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	return doc.Findings
}

// check --ephemeral on every bundled example, with the built binary: the
// migrations apply to a throwaway PostgreSQL, every lint finding is there
// at the same file and line, confirmed by the database unless its rule is
// one only lint has, and what only the database shows is the platform's
// (Supabase's default grants).
func TestCheckEphemeralExamples(t *testing.T) {
	requireNeed(t, "postgres")
	examples, err := filepath.Glob(filepath.Join("..", "..", "testdata", "examples", "*"))
	if err != nil || len(examples) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	lintOnly := map[string]bool{"parse-error": true, "dynamic-sql": true, "bad-ignore": true}
	for _, ex := range examples {
		t.Run(filepath.Base(ex), func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runBinary(t, ex, nil, "lint", ".", "--format", "json")
			if code == 2 {
				t.Fatalf("lint: %s", stderr)
			}
			want := findings(t, stdout)
			code, stdout, stderr = runBinary(t, ex, nil, "check", "--ephemeral", ".", "--format", "json")
			if code != 1 {
				t.Fatalf("check --ephemeral: exit %d: %s", code, stderr)
			}
			got := findings(t, stdout)
			type key struct {
				rule, object, file string
				line               int
			}
			byKey := map[key]lint.Finding{}
			for _, f := range got {
				byKey[key{f.Rule, f.Object, f.File, f.Line}] = f
			}
			for _, w := range want {
				g, ok := byKey[key{w.Rule, w.Object, w.File, w.Line}]
				switch {
				case !ok:
					t.Errorf("lint finding missing from check: %s %s %s:%d", w.Rule, w.Object, w.File, w.Line)
				case lintOnly[w.Rule] && g.Source != "lint":
					t.Errorf("%s %s: source %q", w.Rule, w.Object, g.Source)
				case !lintOnly[w.Rule] && g.Source != "lint+inspect":
					t.Errorf("%s %s: source %q, detail %q: the database does not confirm it", w.Rule, w.Object, g.Source, g.Detail)
				}
			}
			for _, g := range got {
				if g.Source == "inspect" && g.Rule != "grant-public-tenant-table" {
					t.Errorf("only the database shows %s %s (%s:%d): %s", g.Rule, g.Object, g.File, g.Line, g.Message)
				}
			}
		})
	}
}

// The binary never prints a password, from the URL or from PGPASSWORD,
// whatever goes wrong.
func TestDatabaseErrorsNeverPrintPasswords(t *testing.T) {
	db := pgtest.NewDB(t)
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "pw-Zebra-9931"
	u.Path = "/no_such_database"
	missing := u.String()
	withPassword := *u
	withPassword.User = url.UserPassword("postgres", secret)
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		env  []string
		args []string
	}{
		{"PGPASSWORD", []string{"PGPASSWORD=" + secret}, []string{"inspect", "--db", missing}},
		{"DATABASE_URL", []string{"DATABASE_URL=" + withPassword.String()}, []string{"check"}},
		{"keyword string", nil, []string{"inspect", "--db", "host=" + u.Hostname() + " port=" + u.Port() + " dbname=no_such_database user=postgres password=" + secret}},
		{"json report", []string{"PGPASSWORD=" + secret}, []string{"check", "--db", missing, "--format", "json"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runBinary(t, dir, tt.env, tt.args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, "/no_such_database") || !strings.Contains(stderr, "does not exist") {
				t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
			}
			if strings.Contains(stdout+stderr, secret) {
				t.Errorf("the password is printed: %q", stderr)
			}
		})
	}
}
