package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// summary renders a result as "path layout "version"" lines and problem
// paths, which is what the tests compare.
func summary(ms []Migration) []string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s %s %q", m.File.Path, m.Layout, m.Version))
	}
	return out
}

func problemPaths(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Path)
	}
	return out
}

func testdata(t *testing.T, elem ...string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func TestDiscover(t *testing.T) {
	tests := []struct {
		name     string
		dir      string // under testdata
		paths    []string
		want     []string
		problems []string
	}{
		{
			name: "supabase by file name, bad names skipped",
			dir:  "supabase",
			want: []string{
				`supabase/migrations/20240101120000_tenants.sql supabase "20240101120000"`,
				`supabase/migrations/20240102090000_tasks.sql supabase "20240102090000"`,
				`supabase/migrations/9_late.sql supabase "9"`,
			},
		},
		{
			name:  "golang-migrate numeric order, down files ignored",
			paths: []string{"golang-migrate"},
			want: []string{
				`golang-migrate/1_tenants.up.sql golang-migrate "1"`,
				`golang-migrate/2_tasks.up.sql golang-migrate "2"`,
				`golang-migrate/000003_tasks_rls.up.sql golang-migrate "000003"`,
				`golang-migrate/10_tasks_policy.up.sql golang-migrate "10"`,
			},
		},
		{
			name: "flyway versions part by part, repeatables last, undo ignored",
			dir:  "flyway", // default folder "sql"
			want: []string{
				`sql/V1__tenants.sql flyway "1"`,
				`sql/V1.1__tenant_index.sql flyway "1.1"`,
				`sql/V1.2__tenant_slug.sql flyway "1.2"`,
				`sql/V1_10__tenant_owner.sql flyway "1.10"`,
				`sql/V2__tasks.sql flyway "2"`,
				`sql/release2/V3__tasks_rls.sql flyway "3"`,
				`sql/V10__tasks_policy.sql flyway "10"`,
				`sql/R__a_functions.sql flyway "R"`,
				`sql/R__views.sql flyway "R"`,
			},
		},
		{
			name:  "flyway latest baseline replaces the versions it covers",
			paths: []string{"flyway-baseline"},
			want: []string{
				`flyway-baseline/B2__baseline.sql flyway "2"`,
				`flyway-baseline/V3__tasks_rls.sql flyway "3"`,
				`flyway-baseline/R__views.sql flyway "R"`,
			},
		},
		{
			name: "dbmate by file name, names without digits skipped",
			dir:  "dbmate", // default folder "db/migrations"
			want: []string{
				`db/migrations/20240101000000_tenants.sql dbmate "20240101000000"`,
				`db/migrations/20240102000000_force.sql dbmate "20240102000000"`,
				`db/migrations/20240103000000_down_only.sql dbmate "20240103000000"`,
				`db/migrations/20240104000000_two_sections.sql dbmate "20240104000000"`,
			},
		},
		{
			name:  "goose numeric and timestamp versions, version 0 and .go skipped",
			paths: []string{"goose"},
			want: []string{
				`goose/1_tenants.sql goose "1"`,
				`goose/2_tasks.sql goose "2"`,
				`goose/00003_no_annotation.sql goose "00003"`,
				`goose/10_policy.sql goose "10"`,
				`goose/20240201000000_timestamp.sql goose "20240201000000"`,
			},
		},
		{
			name:  "sql-migrate numbered first, then by name",
			paths: []string{"sql-migrate"},
			want: []string{
				`sql-migrate/1_init.sql sql-migrate "1"`,
				`sql-migrate/2_tasks.sql sql-migrate "2"`,
				`sql-migrate/10_policy.sql sql-migrate "10"`,
				`sql-migrate/seed.sql sql-migrate "seed"`,
			},
		},
		{
			name: "sqitch default deploy folder, plan order with reworks",
			dir:  "sqitch",
			want: []string{
				`deploy/tenants.sql sqitch "tenants"`,
				`deploy/users@v1.0.sql sqitch "users@v1.0"`,
				`deploy/tasks.sql sqitch "tasks"`,
				`deploy/users@v2.0.sql sqitch "users@v2.0"`,
				`deploy/users.sql sqitch "users"`,
			},
			problems: []string{"deploy/audit.sql"},
		},
		{
			name:  "sqitch project folder",
			paths: []string{"sqitch"},
			want: []string{
				`sqitch/deploy/tenants.sql sqitch "tenants"`,
				`sqitch/deploy/users@v1.0.sql sqitch "users@v1.0"`,
				`sqitch/deploy/tasks.sql sqitch "tasks"`,
				`sqitch/deploy/users@v2.0.sql sqitch "users@v2.0"`,
				`sqitch/deploy/users.sql sqitch "users"`,
			},
			problems: []string{"sqitch/deploy/audit.sql"},
		},
		{
			name: "prisma by folder name, folder without migration.sql is a problem",
			dir:  "prisma",
			want: []string{
				`prisma/migrations/20231231000000_tenants/migration.sql prisma "20231231000000"`,
				`prisma/migrations/20240101000000_init/migration.sql prisma "20240101000000"`,
				`prisma/migrations/20240102000000_tasks/migration.sql prisma "20240102000000"`,
			},
			problems: []string{"prisma/migrations/20240103000000_empty/migration.sql"},
		},
		{
			name:  "plain natural order, nested, skipped folders, sectioned file masked",
			paths: []string{"plain"},
			want: []string{
				`plain/1_tenants.sql plain "1"`,
				`plain/2_tasks.sql plain "2"`,
				`plain/10_tasks_rls.sql plain "10"`,
				`plain/UPPER.SQL plain ""`,
				`plain/schema/01_indexes.sql plain "01"`,
				`plain/schema/sub/3_policies.sql plain "3"`,
				`plain/schema/sub/4_sectioned.sql goose "4"`,
			},
		},
		{
			name:  "single file of no layout",
			paths: []string{"single/schema.sql"},
			want:  []string{`single/schema.sql file ""`},
		},
		{
			name:  "single goose file keeps goose masking",
			paths: []string{"goose/2_tasks.sql"},
			want:  []string{`goose/2_tasks.sql goose "2"`},
		},
		{
			name: "single files named after their layout",
			paths: []string{
				"golang-migrate/2_tasks.up.sql",
				"golang-migrate/1_tenants.down.sql",
				"flyway/sql/V1_10__tenant_owner.sql",
				"sqitch/deploy/users@v2.0.sql",
				"prisma/prisma/migrations/20240101000000_init/migration.sql",
				"supabase/supabase/migrations/9_late.sql",
				"dbmate/db/migrations/20240102000000_force.sql",
			},
			want: []string{
				`golang-migrate/2_tasks.up.sql golang-migrate "2"`,
				`golang-migrate/1_tenants.down.sql file ""`,
				`flyway/sql/V1_10__tenant_owner.sql flyway "1.10"`,
				`sqitch/deploy/users@v2.0.sql sqitch "users@v2.0"`,
				`prisma/prisma/migrations/20240101000000_init/migration.sql prisma "20240101000000"`,
				`supabase/supabase/migrations/9_late.sql supabase "9"`,
				`dbmate/db/migrations/20240102000000_force.sql dbmate "20240102000000"`,
			},
		},
		{
			name:  "several paths in the order given, each file once",
			paths: []string{"golang-migrate/2_tasks.up.sql", "golang-migrate", "single/schema.sql", "golang-migrate/1_tenants.up.sql"},
			want: []string{
				`golang-migrate/2_tasks.up.sql golang-migrate "2"`,
				`golang-migrate/1_tenants.up.sql golang-migrate "1"`,
				`golang-migrate/000003_tasks_rls.up.sql golang-migrate "000003"`,
				`golang-migrate/10_tasks_policy.up.sql golang-migrate "10"`,
				`single/schema.sql file ""`,
			},
		},
		{
			name:  "same folder spelled twice",
			paths: []string{"sql-migrate", "./sql-migrate/../sql-migrate/"},
			want: []string{
				`sql-migrate/1_init.sql sql-migrate "1"`,
				`sql-migrate/2_tasks.sql sql-migrate "2"`,
				`sql-migrate/10_policy.sql sql-migrate "10"`,
				`sql-migrate/seed.sql sql-migrate "seed"`,
			},
		},
		{
			name: "no path: first default folder that exists",
			dir:  "defaults",
			want: []string{`migrations/1_a.sql plain "1"`},
		},
		{
			name:  "paths outside the working directory keep their spelling",
			dir:   "plain/schema",
			paths: []string{"../../goose/10_policy.sql"},
			want:  []string{`../../goose/10_policy.sql goose "10"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, ps, err := Discover(tt.paths, Options{Dir: testdata(t, tt.dir)})
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if got := summary(ms); !slices.Equal(got, tt.want) {
				t.Errorf("migrations:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
			}
			if got := problemPaths(ps); !slices.Equal(got, tt.problems) {
				t.Errorf("problems = %q, want %q (%v)", got, tt.problems, ps)
			}
		})
	}
}

func TestDiscoverRawContent(t *testing.T) {
	dir := testdata(t)
	ms, _, err := Discover([]string{"golang-migrate", "flyway/sql", "sqitch", "prisma/prisma/migrations", "supabase/supabase/migrations", "single/schema.sql", "plain/1_tenants.sql"}, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations")
	}
	for _, m := range ms {
		raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(m.File.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if string(m.File.Content) != string(raw) {
			t.Errorf("%s (%s): content differs from the file on disk", m.File.Path, m.Layout)
		}
	}
}

func TestDiscoverMasksSections(t *testing.T) {
	dir := testdata(t)
	ms, _, err := Discover([]string{"dbmate/db/migrations", "goose", "sql-migrate", "plain/schema/sub/4_sectioned.sql"}, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	// Lines applied by the tool, per file; every other line must be blank.
	keep := map[string][]int{
		"dbmate/db/migrations/20240101000000_tenants.sql":      lines(2, 10),
		"dbmate/db/migrations/20240102000000_force.sql":        lines(4, 5),
		"dbmate/db/migrations/20240103000000_down_only.sql":    nil,
		"dbmate/db/migrations/20240104000000_two_sections.sql": {1, 2, 5, 6},
		"goose/1_tenants.sql":                                  lines(1, 12),
		"goose/2_tasks.sql":                                    {2, 3, 4},
		"goose/00003_no_annotation.sql":                        {1, 2},
		"goose/10_policy.sql":                                  {1, 2},
		"goose/20240201000000_timestamp.sql":                   {1, 2},
		"sql-migrate/1_init.sql":                               {1, 2},
		"sql-migrate/2_tasks.sql":                              {1, 2},
		"sql-migrate/10_policy.sql":                            {1, 2, 3, 4},
		"sql-migrate/seed.sql":                                 {1, 2},
		"plain/schema/sub/4_sectioned.sql":                     {1, 2},
	}
	if len(ms) != len(keep) {
		t.Errorf("got %d migrations, want %d: %q", len(ms), len(keep), summary(ms))
	}
	for _, m := range ms {
		want, ok := keep[m.File.Path]
		if !ok {
			t.Errorf("unexpected %s", m.File.Path)
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(m.File.Path)))
		if err != nil {
			t.Fatal(err)
		}
		checkMask(t, m.File.Path, string(raw), string(m.File.Content), want)
	}
}

func TestDiscoverErrors(t *testing.T) {
	t.Run("missing path", func(t *testing.T) {
		_, _, err := Discover([]string{"goose", "nope"}, Options{Dir: testdata(t)})
		if err == nil || err.Error() != "lint: open nope: no such file or directory" {
			t.Fatalf("err = %v", err)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err does not match fs.ErrNotExist: %v", err)
		}
	})
	for _, dir := range []string{t.TempDir(), testdata(t, "deploy-no-plan")} {
		t.Run("no default folder in "+filepath.Base(dir), func(t *testing.T) {
			ms, _, err := Discover(nil, Options{Dir: dir})
			if err == nil {
				t.Fatalf("no error, got %q", summary(ms))
			}
			msg := err.Error()
			for _, part := range []string{"supabase/migrations, migrations, db/migrations, prisma/migrations, sql", "deploy", "pass a PATH"} {
				if !strings.Contains(msg, part) {
					t.Errorf("error %q does not mention %q", msg, part)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
		})
	}
}

func TestDiscoverDefaultDir(t *testing.T) {
	// Options.Dir empty: the process's working directory (the package
	// folder under go test).
	ms, _, err := Discover([]string{"testdata/goose/10_policy.sql"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(ms); !slices.Equal(got, []string{`testdata/goose/10_policy.sql goose "10"`}) {
		t.Errorf("got %q", got)
	}
}

func TestDiscoverAbsolutePaths(t *testing.T) {
	inside := testdata(t, "goose", "10_policy.sql")
	ms, _, err := Discover([]string{inside}, Options{Dir: testdata(t)})
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(ms); !slices.Equal(got, []string{`goose/10_policy.sql goose "10"`}) {
		t.Errorf("inside Dir: got %q", got)
	}

	ms, _, err = Discover([]string{inside}, Options{Dir: testdata(t, "plain")})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.ToSlash(inside) + ` goose "10"`
	if got := summary(ms); !slices.Equal(got, []string{want}) {
		t.Errorf("outside Dir: got %q, want %q", got, want)
	}
}

// writeTree creates files (path -> content) under a temporary folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDiscoverUnreadableFiles(t *testing.T) {
	t.Run("dangling symlink", func(t *testing.T) {
		dir := writeTree(t, map[string]string{
			"migrations/1_a.sql": "create table a (id int);\n",
			"migrations/3_c.sql": "create table c (id int);\n",
		})
		if err := os.Symlink(filepath.Join(dir, "gone.sql"), filepath.Join(dir, "migrations", "2_b.sql")); err != nil {
			t.Skipf("symlinks not supported: %v", err)
		}
		ms, ps, err := Discover(nil, Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := summary(ms), []string{`migrations/1_a.sql plain "1"`, `migrations/3_c.sql plain "3"`}; !slices.Equal(got, want) {
			t.Errorf("migrations = %q, want %q", got, want)
		}
		if len(ps) != 1 || ps[0].Path != "migrations/2_b.sql" || !errors.Is(ps[0].Err, fs.ErrNotExist) {
			t.Fatalf("problems = %v", ps)
		}
		if msg := ps[0].Err.Error(); !strings.Contains(msg, "migrations/2_b.sql") || strings.Contains(msg, dir) {
			t.Errorf("problem message %q should name the display path only", msg)
		}
	})

	t.Run("read error", func(t *testing.T) {
		dir := writeTree(t, map[string]string{
			"db/migrations/1_a.sql": "-- migrate:up\ncreate table a (id int);\n",
			"db/migrations/2_b.sql": "-- migrate:up\ncreate table b (id int);\n",
			"db/migrations/3_c.sql": "-- migrate:up\ncreate table c (id int);\n",
		})
		denied := filepath.Join(dir, "db", "migrations", "2_b.sql")
		stubReadFile(t, func(name string) ([]byte, error) {
			if name == denied {
				return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
			}
			return os.ReadFile(name)
		})
		ms, ps, err := Discover(nil, Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := summary(ms), []string{`db/migrations/1_a.sql dbmate "1"`, `db/migrations/3_c.sql dbmate "3"`}; !slices.Equal(got, want) {
			t.Errorf("migrations = %q, want %q", got, want)
		}
		if len(ps) != 1 || ps[0].Path != "db/migrations/2_b.sql" || !errors.Is(ps[0].Err, fs.ErrPermission) {
			t.Fatalf("problems = %v", ps)
		}
	})

	t.Run("unreadable sqitch plan", func(t *testing.T) {
		stubReadFile(t, func(name string) ([]byte, error) {
			if filepath.Base(name) == "sqitch.plan" {
				return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
			}
			return os.ReadFile(name)
		})
		ms, ps, err := Discover([]string{"sqitch", "goose/10_policy.sql"}, Options{Dir: testdata(t)})
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(ms); !slices.Equal(got, []string{`goose/10_policy.sql goose "10"`}) {
			t.Errorf("migrations = %q", got)
		}
		if got := problemPaths(ps); !slices.Equal(got, []string{"sqitch/sqitch.plan"}) {
			t.Errorf("problems = %v", ps)
		}
	})
}

func stubReadFile(t *testing.T, fn func(string) ([]byte, error)) {
	t.Helper()
	old := readFile
	readFile = fn
	t.Cleanup(func() { readFile = old })
}

func TestDiscoverPlainSkips(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"sql/1_a.sql":                "create table a (id int);\n",
		"sql/node_modules/pkg/x.sql": "drop table a;\n",
		"sql/.git/x.sql":             "drop table a;\n",
		"sql/verify/a.sql":           "select 1;\n",
		"sql/down/1_a.sql":           "drop table a;\n",
		"sql/.1_hidden.sql":          "drop table a;\n",
		"sql/2_b.Sql":                "create table b (id int);\n",
		"sql/readme.md":              "not sql\n",
		"sql/x.sql/1_in_dir.sql":     "create table x (id int);\n",
	})
	ms, ps, err := Discover(nil, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`sql/1_a.sql plain "1"`, `sql/2_b.Sql plain "2"`, `sql/x.sql/1_in_dir.sql plain "1"`}
	if got := summary(ms); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(ps) != 0 {
		t.Errorf("problems = %v", ps)
	}
}

func TestDiscoverSectionFolderVote(t *testing.T) {
	// One file with goose markers among dbmate ones: the folder is dbmate,
	// and the goose file is applied whole (dbmate would reject it).
	dir := writeTree(t, map[string]string{
		"m/1_a.sql": "-- migrate:up\ncreate table a (id int);\n-- migrate:down\ndrop table a;\n",
		"m/2_b.sql": "-- migrate:up\ncreate table b (id int);\n",
		"m/3_c.sql": "-- +goose Up\ncreate table c (id int);\n",
	})
	ms, _, err := Discover([]string{"m"}, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`m/1_a.sql dbmate "1"`, `m/2_b.sql dbmate "2"`, `m/3_c.sql dbmate "3"`}
	if got := summary(ms); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := string(ms[2].File.Content); got != "-- +goose Up\ncreate table c (id int);\n" {
		t.Errorf("goose file in a dbmate folder was masked: %q", got)
	}
}

func TestDiscoverSupabaseLegacyInit(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"supabase/migrations/20211001000000_init.sql":  "create schema legacy;\n",
		"supabase/migrations/20220101000000_tasks.sql": "create table tasks (id int);\n",
		"supabase/migrations/20220201000000_init.sql":  "create table later (id int);\n",
	})
	ms, _, err := Discover(nil, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`supabase/migrations/20220101000000_tasks.sql supabase "20220101000000"`,
		`supabase/migrations/20220201000000_init.sql supabase "20220201000000"`,
	}
	if got := summary(ms); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDiscoverSqitchReworkFallsBackToLatestTag(t *testing.T) {
	// No script for either rework tag yet: sqitch names it after the latest
	// tag before the rework.
	dir := writeTree(t, map[string]string{
		"sqitch.plan": "%project=p\n\nusers 2024-01-01T00:00:00Z A <a@x>\n@v1 2024-01-01T00:00:00Z A <a@x>\n" +
			"other 2024-01-01T00:00:00Z A <a@x>\n@v2 2024-01-01T00:00:00Z A <a@x>\nusers [users@v2] 2024-01-01T00:00:00Z A <a@x>\n",
		"deploy/users.sql": "select 1;\n",
		"deploy/other.sql": "select 1;\n",
	})
	ms, ps, err := Discover([]string{"."}, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(ms), []string{`deploy/other.sql sqitch "other"`, `deploy/users.sql sqitch "users"`}; !slices.Equal(got, want) {
		t.Errorf("migrations = %q, want %q", got, want)
	}
	if got := problemPaths(ps); !slices.Equal(got, []string{"deploy/users@v2.sql"}) {
		t.Errorf("problems = %v", ps)
	}
}
