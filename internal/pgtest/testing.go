package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// EnvDatabaseURL names the variable that points tests at an existing server
// (a postgres:// URL of a role that may create databases). When it is set,
// NewDB creates and drops each test's database there and starts nothing.
const EnvDatabaseURL = "TENANTGUARD_TEST_DATABASE_URL"

// acquireTimeout bounds getting the package's server, Docker image pull
// included.
const acquireTimeout = 5 * time.Minute

// shared is the one server of a test package.
var shared struct {
	once    sync.Once
	mu      sync.Mutex
	done    bool // once has run
	cluster *Cluster
	err     error
}

// Main runs the tests of a package and then stops the server that NewDB
// started, if any. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
// A test that panics ends the process before Main can clean up; the server
// still dies with the process and its files are removed by a janitor process
// (see the package documentation).
func Main(m *testing.M) int {
	defer stopShared()
	return m.Run()
}

func stopShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.cluster == nil {
		return
	}
	if err := shared.cluster.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

// sharedCluster gets the package's server on first use.
func sharedCluster() (*Cluster, error) {
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), acquireTimeout)
		defer cancel()
		c, err := acquire(ctx)
		shared.mu.Lock()
		shared.cluster, shared.err, shared.done = c, err, true
		shared.mu.Unlock()
	})
	return shared.cluster, shared.err
}

// acquire gets a server for tests: the one EnvDatabaseURL names, else one of
// our own.
func acquire(ctx context.Context) (*Cluster, error) {
	if raw := os.Getenv(EnvDatabaseURL); raw != "" {
		return borrow(ctx, raw)
	}
	return Start(ctx, Options{})
}

// borrow wraps the server at raw, a URL, after checking that it answers.
// Stop leaves it running.
func borrow(ctx context.Context, raw string) (*Cluster, error) {
	u, err := parseServerURL(raw)
	if err != nil {
		return nil, err
	}
	c := &Cluster{base: u, adminDB: strings.TrimPrefix(u.Path, "/")}
	if c.adminDB == "" {
		c.adminDB = "postgres"
	}
	if err := c.exec(ctx, "SELECT 1"); err != nil {
		return nil, fmt.Errorf("pgtest: %s (%s): %w", EnvDatabaseURL, u.Redacted(), err)
	}
	return c, nil
}

// parseServerURL parses a postgres:// URL. Its errors never quote the URL,
// which may hold a password.
func parseServerURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return nil, fmt.Errorf("pgtest: %s must be a postgres://user@host:port/dbname URL", EnvDatabaseURL)
	}
	return u, nil
}

// NewDB creates a fresh, empty database for this test on the package's
// server (started on first use) and returns the superuser's URL for it. The
// database is dropped when the test ends.
//
// When no server can be had, NewDB skips the test, or fails it when the
// variable CI is true: in CI a missing database is a failure. A server that
// exists but will not start fails the test everywhere.
//
// The server is shared by the package's tests, so cluster-wide objects
// (roles, tablespaces, settings made with ALTER SYSTEM) are shared too: give
// roles names unique to the test. Without Main the server lives until the
// process exits and is cleaned up then all the same.
func NewDB(t testing.TB) string {
	t.Helper()
	c, err := sharedCluster()
	if err != nil {
		fail, msg := unavailable(os.Getenv("CI"), err)
		if fail {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return newDB(t, c)
}

// newDB is NewDB on a given server.
func newDB(t testing.TB, c *Cluster) string {
	t.Helper()
	name := uniqueDBName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.CreateDatabase(ctx, name, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.DropDatabase(ctx, name); err != nil {
			t.Error(err)
		}
	})
	return c.URL(name)
}

// unavailable decides what NewDB does when it has no server: skip, or fail
// under CI (any true value of the CI variable) or when the server exists but
// would not start (that is a broken setup, not a missing one).
func unavailable(ci string, err error) (fail bool, msg string) {
	if !errors.Is(err, ErrUnavailable) {
		return true, fmt.Sprintf("pgtest: cannot get a PostgreSQL server: %v", err)
	}
	msg = fmt.Sprintf("%v\n(run scripts/ensure-postgres.sh, start a Docker engine, or set %s)", err, EnvDatabaseURL)
	if inCI, _ := strconv.ParseBool(ci); inCI {
		return true, msg + "\nCI is set: a missing database fails the test instead of skipping it"
	}
	return false, msg
}

// Available returns nil if a database can be had: EnvDatabaseURL is a
// well-formed URL, local binaries are usable, or a Docker engine answers. It
// starts nothing, except that once NewDB has tried, it reports how that went.
func Available() error {
	shared.mu.Lock()
	done, err := shared.done, shared.err
	shared.mu.Unlock()
	if done {
		return err
	}
	if raw := os.Getenv(EnvDatabaseURL); raw != "" {
		_, err := parseServerURL(raw)
		return err
	}
	_, err = locate(context.Background(), "")
	return err
}

var (
	dbSeq atomic.Int64
	runID = func() string {
		id, err := randomHex(3)
		if err != nil {
			return "0"
		}
		return id
	}()
)

// uniqueDBName makes a database name from a test's name that no other test,
// process or machine sharing the server will use: pgtest_<test>_<pid>_<random>_<n>,
// within PostgreSQL's 63 bytes.
func uniqueDBName(testName string) string {
	suffix := fmt.Sprintf("_%d_%s_%d", os.Getpid(), runID, dbSeq.Add(1))
	var b strings.Builder
	gap := false // a run of other characters becomes one underscore
	for _, r := range strings.ToLower(testName) {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			gap = b.Len() > 0
			continue
		}
		if gap {
			b.WriteByte('_')
			gap = false
		}
		b.WriteRune(r)
	}
	name := b.String()
	if max := 63 - len("pgtest_") - len(suffix); len(name) > max {
		name = name[:max]
	}
	return "pgtest_" + name + suffix
}
