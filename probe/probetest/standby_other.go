//go:build !unix

package probetest

import "testing"

// StartStandby skips the test: running a PostgreSQL server of its own is
// implemented on Unix only.
func StartStandby(t testing.TB, setup func(url string)) string {
	t.Skip("probetest: a hot standby is made on Unix only")
	return ""
}
