package rules

import (
	"strings"

	"github.com/tenantguard/tenantguard/internal/textdist"
)

// Closest returns the rule name nearest to a mistyped one (by edit
// distance, at most a third of its length), or "".
func Closest(name string) string {
	name = strings.ToLower(name)
	best, bestD := "", len(name)/3+1
	for _, r := range registry {
		if d := textdist.Levenshtein(name, r.Name); d < bestD {
			best, bestD = r.Name, d
		}
	}
	return best
}
