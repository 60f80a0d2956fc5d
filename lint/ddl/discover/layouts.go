package discover

import (
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// golangMigrate applies <digits>_<title>.up.sql by numeric version.
func (d *discoverer) golangMigrate(r root, files []sqlFile) {
	var cs []candidate
	for _, f := range files {
		m := golangMigrateName.FindStringSubmatch(f.base)
		if m == nil || m[3] != "up" {
			continue
		}
		cs = append(cs, d.candidate(r, f, LayoutGolangMigrate, m[1], m[2]))
	}
	sortByVersion(cs)
	d.addAll(cs)
}

// supabaseLegacyInit is the first migration older CLIs wrote; the Supabase
// CLI still skips it when it comes first.
var supabaseLegacyInit = regexp.MustCompile(`^([0-9]{14})_init\.sql$`)

// supabase applies <digits>_<name>.sql by file name.
func (d *discoverer) supabase(r root, files []sqlFile) {
	var cs []candidate
	for i, f := range files {
		if m := supabaseLegacyInit.FindStringSubmatch(f.base); i == 0 && m != nil && m[1] < "20211209000000" {
			continue
		}
		m := numberedName.FindStringSubmatch(f.base)
		if m == nil {
			continue
		}
		cs = append(cs, d.candidate(r, f, LayoutSupabase, m[1], m[2]))
	}
	sortByName(cs)
	d.addAll(cs)
}

// sectioned applies the files of a goose, sql-migrate or dbmate folder in
// that tool's order.
func (d *discoverer) sectioned(r root, files []sqlFile, l Layout) {
	var cs []candidate
	for _, f := range files {
		switch l {
		case LayoutGoose:
			m := numberedName.FindStringSubmatch(f.base)
			if m == nil || compareNumbers(m[1], "0") == 0 {
				continue // goose rejects it
			}
			cs = append(cs, d.candidate(r, f, l, m[1], m[2]))
		case LayoutDbmate:
			m := dbmateName.FindStringSubmatch(f.base)
			if m == nil {
				continue // dbmate skips it
			}
			cs = append(cs, d.candidate(r, f, l, m[1], strings.TrimLeft(m[2], "_-.")))
		case LayoutSQLMigrate:
			version, name := splitNumbered(f.base)
			if version == "" {
				version = stem(f.base)
			}
			cs = append(cs, d.candidate(r, f, l, version, name))
		}
	}
	switch l {
	case LayoutGoose:
		sortByVersion(cs)
	case LayoutDbmate:
		sortByName(cs)
	case LayoutSQLMigrate:
		sortSQLMigrate(cs)
	}
	d.addAll(cs)
}

// plain applies every *.sql file of the tree in natural order of the
// relative paths.
func (d *discoverer) plain(r root, files []sqlFile) {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b sqlFile) int { return naturalCompare(a.rel, b.rel) })
	for _, f := range files {
		version, name := splitNumbered(f.base)
		if version == "" {
			name = stem(f.base)
		}
		d.add(d.candidate(r, f, LayoutPlain, version, name))
	}
}

// prisma applies <folder>/migration.sql by folder name.
func (d *discoverer) prisma(r root, entries []fs.DirEntry) {
	// os.ReadDir returns entries sorted by name, the order Prisma uses.
	for _, e := range entries {
		if !e.IsDir() || isHidden(e.Name()) {
			continue
		}
		abs := filepath.Join(r.abs, e.Name(), "migration.sql")
		display := d.display(r, abs)
		if !isFile(abs) && !isSymlink(abs) {
			d.problem(display, &fs.PathError{Op: "open", Path: display, Err: fs.ErrNotExist})
			continue
		}
		version, name := prismaVersion(e.Name())
		d.add(candidate{abs: abs, display: display, layout: LayoutPrisma, version: version, name: name})
	}
}

// prismaVersion splits a Prisma migration folder name,
// "20240101120000_init", into its timestamp and name.
func prismaVersion(folder string) (version, name string) {
	if v, n, ok := strings.Cut(folder, "_"); ok && v != "" && leadingDigits(v) == v {
		return v, n
	}
	return folder, folder
}

func (d *discoverer) candidate(r root, f sqlFile, l Layout, version, name string) candidate {
	return candidate{abs: f.abs, display: d.display(r, f.abs), layout: l, version: version, name: name}
}

func (d *discoverer) addAll(cs []candidate) {
	for _, c := range cs {
		d.add(c)
	}
}

// sortByVersion orders by numeric version, then by file name (tools
// reject duplicate versions; the order stays deterministic anyway).
func sortByVersion(cs []candidate) {
	slices.SortStableFunc(cs, func(a, b candidate) int {
		if c := compareNumbers(a.version, b.version); c != 0 {
			return c
		}
		return strings.Compare(a.display, b.display)
	})
}

func sortByName(cs []candidate) {
	slices.SortStableFunc(cs, func(a, b candidate) int {
		return strings.Compare(filepath.Base(a.abs), filepath.Base(b.abs))
	})
}

// sortSQLMigrate is sql-migrate's order: files whose name starts with a
// number first, by that number, then by name.
func sortSQLMigrate(cs []candidate) {
	slices.SortStableFunc(cs, func(a, b candidate) int {
		na, nb := leadingDigits(filepath.Base(a.abs)), leadingDigits(filepath.Base(b.abs))
		switch {
		case na != "" && nb != "":
			if c := compareNumbers(na, nb); c != 0 {
				return c
			}
		case na != "":
			return -1
		case nb != "":
			return 1
		}
		return strings.Compare(filepath.Base(a.abs), filepath.Base(b.abs))
	})
}
