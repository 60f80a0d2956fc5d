package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenantguard/tenantguard/internal/pgtest"
	"github.com/tenantguard/tenantguard/lint"
	"github.com/tenantguard/tenantguard/lint/introspect/introspecttest"
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

// serverLog collects a server's log as it is written, and counts the
// statements it logged (log_statement = all).
type serverLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *serverLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// statementsBefore counts the statements logged before the first line
// holding mark, or returns false when mark has not been logged yet.
func (l *serverLog) statementsBefore(mark string) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range strings.Split(l.buf.String(), "\n") {
		if strings.Contains(line, mark) {
			return n, true
		}
		if strings.Contains(line, "LOG:  statement: ") || strings.Contains(line, "LOG:  execute ") {
			n++
		}
	}
	return 0, false
}

// BenchmarkInspectBinary10kTables times `tenantguard inspect --db URL
// --format json -o /dev/null` with the built binary, from process start
// to exit, as a user runs it, on a database of 10,000 tenant tables and
// 20,000 policies. The server logs every statement of that database, so
// the queries the binary sent are counted by the server (queries/op),
// not by the code under test.
//
//	go test ./cmd/tenantguard -run '^$' -bench InspectBinary -benchtime 5x
func BenchmarkInspectBinary10kTables(b *testing.B) {
	ctx := context.Background()
	log := &serverLog{}
	c, err := pgtest.Start(ctx, pgtest.Options{Log: log})
	if errors.Is(err, pgtest.ErrUnavailable) {
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			b.Fatal(err)
		}
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	if err := c.CreateDatabase(ctx, "big", ""); err != nil {
		b.Fatal(err)
	}
	url := c.URL("big")
	start := time.Now()
	introspecttest.BigCatalog(b, url, introspecttest.BenchTables)
	b.Logf("built %d tables, %d policies in %s", introspecttest.BenchTables, 2*introspecttest.BenchTables, time.Since(start).Round(time.Second))
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "ALTER DATABASE big SET log_statement = 'all'"); err != nil {
		b.Fatal(err)
	}
	mark := func(i int) string {
		m := fmt.Sprintf("tenantguard-bench-mark-%d", i)
		// A session of its own: the new setting applies to new sessions.
		mc, err := pgx.Connect(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		defer mc.Close(ctx)
		if _, err := mc.Exec(ctx, "SELECT '"+m+"'"); err != nil {
			b.Fatal(err)
		}
		return m
	}
	waitFor := func(m string) int {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if n, ok := log.statementsBefore(m); ok {
				return n
			}
			if time.Now().After(deadline) {
				b.Fatalf("the server never logged %s", m)
			}
		}
	}
	runs, queries := 0, 0
	var times []time.Duration
	last := waitFor(mark(0))
	for b.Loop() {
		cmd := exec.Command(binary, "inspect", "--db", url, "--format", "json", "-o", os.DevNull)
		cmd.Env = cleanEnv()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		times = append(times, time.Since(start))
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
			b.Fatalf("inspect: %v: %s", err, stderr.String())
		}
		b.StopTimer()
		runs++
		n := waitFor(mark(runs))
		queries += n - last - 1 // the previous mark is counted, not this one
		last = n
		b.StartTimer()
	}
	b.ReportMetric(float64(queries)/float64(runs), "queries/op")
	// On a shared machine the mean says more about the neighbours than
	// about tenantguard: the fastest and the middle run too.
	slices.Sort(times)
	b.ReportMetric(float64(times[0].Milliseconds()), "min-ms")
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "median-ms")
}
