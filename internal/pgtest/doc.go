// Package pgtest gives tests, and `tenantguard check --ephemeral`, a real
// PostgreSQL server that nobody has to set up and that leaves nothing behind.
//
// A server comes, in order of preference, from:
//
//  1. TENANTGUARD_TEST_DATABASE_URL (tests only): an existing server on which
//     each test gets its own database, created and dropped around it;
//  2. the local PostgreSQL binaries (initdb, postgres): a cluster in a
//     temporary directory, run as the `postgres` OS user when we are root;
//  3. Docker, through testcontainers-go, when an engine answers.
//
// A throwaway cluster is killed with its parent process (parent-death signal
// on Linux) and its directory is removed by a small janitor process that
// outlives an abrupt exit; directories left by a run that died anyway are
// swept at the next Start.
//
// In tests:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
//
//	func TestSomething(t *testing.T) {
//		url := pgtest.NewDB(t) // a fresh empty database, dropped after the test
//		...
//	}
//
// Without a database NewDB skips the test, except under CI=true, where it
// fails it.
package pgtest
