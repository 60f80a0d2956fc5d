package lint

import (
	"fmt"
	"strings"

	"github.com/tenantguard/tenantguard/lint/model"
)

// Unmatched returns a warning for each entry of schemas and global_tables
// that names nothing in the catalog: a typo there (`Public` for `public`)
// silently checks nothing, or shares nothing, and the run would pass.
func (c *Config) Unmatched(cat *model.Catalog) []string {
	var out []string
	var missing []string
	for _, s := range c.Schemas {
		if _, ok := cat.Schemas[s]; !ok && !schemaHasObjects(cat, s) {
			missing = append(missing, s+closeName(s, cat))
		}
	}
	if len(missing) > 0 {
		out = append(out, fmt.Sprintf("schemas lists %s, which %s (names are case-sensitive): nothing there is checked",
			strings.Join(missing, ", "), origin(cat)))
	}
	missing = missing[:0]
	for _, g := range c.GlobalTables {
		found := false
		for t := range cat.AllTables() {
			if g == t.QName().String() || g == t.Name {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, g)
		}
	}
	if len(missing) > 0 {
		out = append(out, fmt.Sprintf("global_tables lists %s, which %s", strings.Join(missing, ", "), origin(cat)))
	}
	return out
}

func origin(cat *model.Catalog) string {
	if cat.Origin == model.FromDatabase {
		return "the database does not have"
	}
	return "no migration creates"
}

func schemaHasObjects(cat *model.Catalog, s string) bool {
	for t := range cat.AllTables() {
		if t.Schema == s {
			return true
		}
	}
	return false
}

// closeName suggests the catalog's schema that differs from s only in case.
func closeName(s string, cat *model.Catalog) string {
	for name := range cat.Schemas {
		if strings.EqualFold(name, s) {
			return fmt.Sprintf(" (did you mean %s?)", name)
		}
	}
	return ""
}
