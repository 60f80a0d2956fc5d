// Command gen writes lint/ddl/pgjson_gen.go (run by go generate in
// lint/ddl).
package main

import (
	"fmt"
	"os"

	"github.com/tenantguard/tenantguard/lint/ddl/internal/pgjsongen"
)

func main() {
	src, err := pgjsongen.Generate()
	if err == nil {
		err = os.WriteFile("pgjson_gen.go", src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
