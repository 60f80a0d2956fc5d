// Package ddl reads migration SQL: it splits files into statements,
// parses those that can change the schema with PostgreSQL's own parser
// (pg_query), and replays them in order into a model.Catalog. It is the
// only package that imports pg_query.
package ddl

import (
	"github.com/tenantguard/tenantguard/lint/internal/par"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// Load parses the files (in parallel) and replays them in the given
// order into a new catalog. It never fails: problems become diagnostics.
//
// Parsing and replay overlap: workers parse files in order (statements,
// and the bodies of the functions they create: all that does not depend
// on the model) while the caller replays each file as soon as it and
// those before it are parsed, then drops its syntax trees.
func Load(files []*source.File) *model.Catalog {
	n := len(files)
	parsed := make([]parsedFile, n)
	ready := make([]chan struct{}, n)
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	go par.Do(n, func(i int) {
		parsed[i] = parseFile(files[i])
		close(ready[i])
	})

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
			for k, n := range st.Nodes {
				if st.Bodies != nil {
					r.body = st.Bodies[k]
				}
				r.replay(n)
				r.body = nil
			}
		}
		*pf = parsedFile{}
	}
	r.stmt = source.Span{}
	return cat
}
