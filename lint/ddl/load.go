// Package ddl reads migration SQL: it splits files into statements,
// parses those that can change the schema with PostgreSQL's own parser
// (pg_query), and replays them in order into a model.Catalog. It is the
// only package that imports pg_query.
package ddl

import (
	"runtime"
	"sync"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// Load parses the files (in parallel) and replays them in the given
// order into a new catalog. It never fails: problems become diagnostics.
func Load(files []*source.File) *model.Catalog {
	parsed := make([]parsedFile, len(files))
	workers := runtime.GOMAXPROCS(0)
	if workers > len(files) {
		workers = len(files)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				parsed[i] = parseFile(files[i])
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	cat := model.NewCatalog(model.FromMigrations)
	cat.Files = files
	r := newReplayer(cat)
	for _, pf := range parsed {
		cat.Diagnostics = append(cat.Diagnostics, pf.Diags...)
		r.startFile()
		for _, st := range pf.Stmts {
			r.stmt, r.base = st.Span, st.Base
			for _, n := range st.Nodes {
				r.replay(n)
			}
		}
	}
	r.stmt = source.Span{}
	return cat
}
