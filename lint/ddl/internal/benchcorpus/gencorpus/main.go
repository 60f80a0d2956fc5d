// Command gencorpus writes the benchmark corpus of package benchcorpus
// into a folder, for measurements outside `go test` (see
// scripts/bench-vs-squawk.sh):
//
//	go run ./lint/ddl/internal/benchcorpus/gencorpus -o /tmp/corpus
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tenantguard/tenantguard/lint/ddl/internal/benchcorpus"
)

func main() {
	out := flag.String("o", "", "folder to write the migrations into (required)")
	seed := flag.Uint64("seed", 1, "corpus seed: the same seed gives the same files")
	files := flag.Int("files", benchcorpus.DefaultFiles, "number of migration files")
	size := flag.Int("bytes", benchcorpus.DefaultBytes, "approximate total size in bytes")
	noCopy := flag.Bool("no-copy", false, "seed data as INSERTs only, without psql COPY ... FROM stdin blocks")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gencorpus -o DIR [-seed N] [-files N] [-bytes N] [-no-copy]")
		os.Exit(2)
	}
	st, err := benchcorpus.Write(*out, benchcorpus.Options{Seed: *seed, Files: *files, Bytes: *size, NoCopy: *noCopy})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("%d files (%d with seed data), %d bytes, %d tables in %s\n", st.Files, st.DataFiles, st.Bytes, st.Tables, *out)
}
