// Command tenantguard keeps multi-tenant PostgreSQL honest: it lints
// migrations, inspects live databases and probes them for cross-tenant
// leaks. See `tenantguard --help`.
package main

import (
	"os"

	"github.com/tenantguard/tenantguard/cmd/internal/cli"
)

func main() { os.Exit(cli.Main()) }
