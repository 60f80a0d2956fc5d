// Package ddl reads migration SQL: it splits files into statements,
// parses those that can change the schema with PostgreSQL's own parser
// (pg_query), and replays them in order into a model.Catalog. It is the
// only package that imports pg_query.
package ddl

import (
	"runtime"
	"sync/atomic"

	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// Load parses the files (in parallel) and replays them in the given
// order into a new catalog. It never fails: problems become diagnostics.
//
// Parsing and replay overlap: workers parse files in order while the
// caller replays each file as soon as it and those before it are parsed,
// then drops its syntax trees.
func Load(files []*source.File) *model.Catalog {
	n := len(files)
	parsed := make([]parsedFile, n)
	ready := make([]chan struct{}, n)
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	var next atomic.Int64
	for w := min(runtime.GOMAXPROCS(0), n); w > 0; w-- {
		go func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				parsed[i] = parseFile(files[i])
				close(ready[i])
			}
		}()
	}

	cat := model.NewCatalog(model.FromMigrations)
	cat.Files = files
	r := newReplayer(cat)
	for i := range files {
		<-ready[i]
		pf := &parsed[i]
		cat.Diagnostics = append(cat.Diagnostics, pf.Diags...)
		r.startFile()
		for _, st := range pf.Stmts {
			r.stmt, r.base = st.Span, st.Base
			for _, n := range st.Nodes {
				r.replay(n)
			}
		}
		*pf = parsedFile{}
	}
	r.stmt = source.Span{}
	return cat
}
