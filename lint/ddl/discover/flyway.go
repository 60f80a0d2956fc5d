package discover

import (
	"regexp"
	"slices"
	"strings"
)

var (
	flywayVersioned  = regexp.MustCompile(`^([VUB])([0-9]+(?:[._][0-9]+)*)__(.*)\.(?i:sql)$`)
	flywayRepeatable = regexp.MustCompile(`^R__(.*)\.(?i:sql)$`)
)

// flywayName is a parsed Flyway file name.
type flywayName struct {
	kind  byte     // 'V', 'U', 'B' or 'R'
	parts []string // version parts, as written
	desc  string   // description as written (underscores kept)
}

func parseFlyway(base string) (flywayName, bool) {
	if m := flywayRepeatable.FindStringSubmatch(base); m != nil {
		return flywayName{kind: 'R', desc: m[1]}, true
	}
	m := flywayVersioned.FindStringSubmatch(base)
	if m == nil {
		return flywayName{}, false
	}
	parts := strings.FieldsFunc(m[2], func(r rune) bool { return r == '.' || r == '_' })
	return flywayName{kind: m[1][0], parts: parts, desc: m[3]}, true
}

// version is the version as Flyway shows it: parts joined with dots, "R"
// for a repeatable migration.
func (f flywayName) version() string {
	if f.kind == 'R' {
		return "R"
	}
	return strings.Join(f.parts, ".")
}

// compareFlywayVersions compares part by part as integers; a missing part
// counts as 0, so 1 and 1.0 are the same version, as in Flyway.
func compareFlywayVersions(a, b []string) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		pa, pb := "0", "0"
		if i < len(a) {
			pa = a[i]
		}
		if i < len(b) {
			pb = b[i]
		}
		if c := compareNumbers(pa, pb); c != 0 {
			return c
		}
	}
	return 0
}

func anyFlyway(files []sqlFile) bool {
	for _, f := range files {
		if _, ok := parseFlyway(f.base); ok {
			return true
		}
	}
	return false
}

type flywayFile struct {
	sqlFile
	flywayName
}

// flyway applies, as on an empty database: the latest baseline, the
// versioned migrations above it by version, then the repeatable ones by
// description. Undo migrations are never part of a forward replay.
func (d *discoverer) flyway(r root, files []sqlFile) {
	var versioned, repeatable []flywayFile
	var baseline *flywayFile
	for _, f := range files {
		n, ok := parseFlyway(f.base)
		if !ok {
			continue
		}
		ff := flywayFile{f, n}
		switch n.kind {
		case 'V':
			versioned = append(versioned, ff)
		case 'R':
			repeatable = append(repeatable, ff)
		case 'B':
			if baseline == nil || compareFlywayVersions(n.parts, baseline.parts) > 0 {
				baseline = &ff
			}
		}
	}
	byVersion := func(a, b flywayFile) int {
		if c := compareFlywayVersions(a.parts, b.parts); c != 0 {
			return c
		}
		return strings.Compare(a.rel, b.rel)
	}
	slices.SortStableFunc(versioned, byVersion)
	// Flyway orders repeatable migrations by description, in which
	// underscores read as spaces.
	slices.SortStableFunc(repeatable, func(a, b flywayFile) int {
		da, db := strings.ReplaceAll(a.desc, "_", " "), strings.ReplaceAll(b.desc, "_", " ")
		if c := strings.Compare(da, db); c != 0 {
			return c
		}
		return strings.Compare(a.rel, b.rel)
	})

	var ordered []flywayFile
	if baseline != nil {
		ordered = append(ordered, *baseline)
		versioned = slices.DeleteFunc(versioned, func(f flywayFile) bool {
			return compareFlywayVersions(f.parts, baseline.parts) <= 0
		})
	}
	ordered = append(ordered, versioned...)
	ordered = append(ordered, repeatable...)
	for _, f := range ordered {
		d.add(d.candidate(r, f.sqlFile, LayoutFlyway, f.version(), f.desc))
	}
}
