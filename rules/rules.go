// Package rules holds tenantguard's rules: one file per rule, its
// documentation in docs/rules/NAME.md and its fixture in testdata/.
// Rules import only lint and lint/model: the same rule runs on a model
// replayed from migrations and on one read from a live database.
package rules

import (
	"sort"
	"strings"

	"github.com/tenantguard/tenantguard/docs"
	"github.com/tenantguard/tenantguard/lint"
)

var registry []*lint.Rule

// register adds a rule to the registry, attaching its documentation.
func register(r *lint.Rule) *lint.Rule {
	r.Doc = docs.Rule(r.Name)
	if len(r.Tags) == 0 {
		r.Tags = []string{"security", "multi-tenancy"}
	}
	registry = append(registry, r)
	return r
}

// families orders rule codes as DESIGN.md lists them.
var families = []string{"RLS", "POL", "COL", "VIEW", "FK", "FUNC", "GRANT", "ROLE", "SQL", "PRB"}

func familyRank(code string) int {
	for i, f := range families {
		if strings.HasPrefix(code, f) && len(code) > len(f) && code[len(f)] >= '0' && code[len(f)] <= '9' {
			return i
		}
	}
	return len(families)
}

// All returns every rule, ordered by family then code.
func All() []*lint.Rule {
	out := append([]*lint.Rule(nil), registry...)
	sort.Slice(out, func(i, j int) bool {
		a, b := familyRank(out[i].Code), familyRank(out[j].Code)
		if a != b {
			return a < b
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// Lookup returns the rule with that name, or nil.
func Lookup(name string) *lint.Rule {
	for _, r := range registry {
		if r.Name == name {
			return r
		}
	}
	return nil
}
