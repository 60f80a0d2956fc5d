package discover

import (
	"slices"
	"strings"
	"testing"

	"github.com/tenantguard/tenantguard/lint/source"
)

// lines returns from..to inclusive.
func lines(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// checkMask asserts that masked is orig with every line not in keep
// (1-based) blanked: same length, newlines and carriage returns where they
// were, kept lines byte for byte, other lines only spaces.
func checkMask(t *testing.T, name, orig, masked string, keep []int) {
	t.Helper()
	if len(masked) != len(orig) {
		t.Errorf("%s: masked length %d, original %d", name, len(masked), len(orig))
		return
	}
	of, mf := source.NewFile(name, []byte(orig)), source.NewFile(name, []byte(masked))
	if of.LineCount() != mf.LineCount() {
		t.Errorf("%s: %d lines masked, %d original", name, mf.LineCount(), of.LineCount())
		return
	}
	for n := 1; n <= of.LineCount(); n++ {
		o, m := of.Line(n), mf.Line(n)
		if slices.Contains(keep, n) {
			if m != o {
				t.Errorf("%s:%d: applied line changed: %q, want %q", name, n, m, o)
			}
			continue
		}
		if strings.Trim(m, " \r") != "" || len(m) != len(o) {
			t.Errorf("%s:%d: line not blanked: %q (original %q)", name, n, m, o)
		}
	}
	for i := range orig {
		if (orig[i] == '\n' || orig[i] == '\r') != (masked[i] == '\n' || masked[i] == '\r') {
			t.Errorf("%s: byte %d: line break moved", name, i)
			return
		}
	}
}

func TestMaskSections(t *testing.T) {
	tests := []struct {
		name    string
		layout  Layout
		content string
		keep    []int
	}{
		{
			name:   "goose up, statement block, down",
			layout: LayoutGoose,
			content: "-- +goose Up\ncreate table t (id int);\n-- +goose StatementBegin\n" +
				"create function f() returns int language plpgsql as $$ begin return 1; end; $$;\n" +
				"-- +goose StatementEnd\n-- +goose Down\n-- +goose StatementBegin\ndrop function f();\n-- +goose StatementEnd\ndrop table t;\n",
			keep: lines(1, 5),
		},
		{
			name:    "goose annotations in any case, directive before up blanked",
			layout:  LayoutGoose,
			content: "-- +goose NO TRANSACTION\n--+goose UP\ncreate index concurrently i on t (a);\n--  +goose down\ndrop index i;",
			keep:    []int{2, 3},
		},
		{
			name:    "goose without annotations is kept whole",
			layout:  LayoutGoose,
			content: "create table t (id int);\n-- +gooseUp is not an annotation\n",
			keep:    []int{1, 2},
		},
		{
			name:    "goose CRLF",
			layout:  LayoutGoose,
			content: "-- +goose Up\r\ncreate table t (id int);\r\n-- +goose Down\r\ndrop table t;\r\n",
			keep:    []int{1, 2},
		},
		{
			name:    "goose BOM before the up annotation",
			layout:  LayoutGoose,
			content: "\ufeff-- +goose Up\ncreate table t (id int);\n-- +goose Down\ndrop table t;\n",
			keep:    []int{1, 2},
		},
		{
			name:    "goose non-UTF-8 bytes in the down section",
			layout:  LayoutGoose,
			content: "-- +goose Up\ncreate table t (id int);\n-- +goose Down\n-- \xff\xfe caf\xc3\xa9\ndrop table t;\n",
			keep:    []int{1, 2},
		},
		{
			name:    "sql-migrate",
			layout:  LayoutSQLMigrate,
			content: "-- comment\n-- +migrate Up notransaction\ncreate table t (id int);\n-- +migrate Down\ndrop table t;\n-- +migrate Up\ncreate table u (id int);\n",
			keep:    []int{2, 3, 6, 7},
		},
		{
			name:    "sql-migrate wants exact case",
			layout:  LayoutSQLMigrate,
			content: "-- +migrate Up\ncreate table t (id int);\n-- +migrate down\ndrop table t;\n",
			keep:    lines(1, 4),
		},
		{
			name:    "dbmate down before up",
			layout:  LayoutDbmate,
			content: "-- migrate:down\ndrop table t;\n\n--migrate:up transaction:false\ncreate table t (id int);\n",
			keep:    []int{4, 5},
		},
		{
			name:    "dbmate down only is all blank",
			layout:  LayoutDbmate,
			content: "-- migrate:down\nalter table t disable row level security;\n",
			keep:    nil,
		},
		{
			name:    "dbmate marker must be the whole word",
			layout:  LayoutDbmate,
			content: "-- migrate:up\ncreate table t (id int);\n-- migrate:downgrade notes\nalter table t enable row level security;\n-- migrate:down\ndrop table t;",
			keep:    lines(1, 4),
		},
		{
			name:    "empty",
			layout:  LayoutDbmate,
			content: "",
			keep:    nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := maskSections([]byte(tt.content), tt.layout)
			checkMask(t, tt.name, tt.content, string(got), tt.keep)
		})
	}
}

func TestMaskSectionsDoesNotTouchInput(t *testing.T) {
	in := []byte("-- +goose Up\nselect 1;\n-- +goose Down\nselect 2;\n")
	orig := string(in)
	maskSections(in, LayoutGoose)
	if string(in) != orig {
		t.Errorf("input modified: %q", in)
	}
}

func TestSectionLayout(t *testing.T) {
	tests := []struct {
		content string
		want    Layout
	}{
		{"-- +goose Up\nselect 1;\n", LayoutGoose},
		{"-- +goose down\n", LayoutGoose},
		{"-- +goose StatementBegin\n", ""},
		{"-- +migrate Up\n", LayoutSQLMigrate},
		{"-- migrate:up\n", LayoutDbmate},
		{"-- migrate:down\n", LayoutDbmate},
		{"select 1; -- migrate:up\n", ""},
		{"  -- +goose Up\n", ""},
		{"-- +migrate Down\n-- +goose Up\n", LayoutSQLMigrate},
		{"create table t (id int);\n", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := sectionLayout([]byte(tt.content)); got != tt.want {
			t.Errorf("sectionLayout(%q) = %q, want %q", tt.content, got, tt.want)
		}
	}
}
