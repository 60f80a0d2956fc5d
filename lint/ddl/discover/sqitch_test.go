package discover

import (
	"slices"
	"strings"
	"testing"
)

func TestParsePlan(t *testing.T) {
	plan := strings.Join([]string{
		"%syntax-version=1.0.0",
		"%project=app",
		"",
		"# notes and blank lines are skipped",
		"schemas/app 2024-01-01T00:00:00Z Ann <ann@x.org> # a change in a subfolder",
		"users [schemas/app !old:thing] 2024-01-01T00:00:00Z Ann <ann@x.org>",
		"@v1.0 2024-01-02T00:00:00Z Ann <ann@x.org> # release",
		"@v1.0-final 2024-01-02T00:00:00Z Ann <ann@x.org>",
		"  tasks\t[users] 2024-01-03T00:00:00Z Bob <bob@x.org>",
		"@v1.1 2024-01-04T00:00:00Z Bob <bob@x.org>",
		"more 2024-01-04T00:00:00Z Bob <bob@x.org>",
		"@v1.2 2024-01-04T00:00:00Z Bob <bob@x.org>",
		"+ users [users@v1.1] 2024-01-05T00:00:00Z Bob <bob@x.org>",
		"-tasks 2024-01-06T00:00:00Z Bob <bob@x.org> # revert",
		"",
	}, "\r\n")
	changes, errs := parsePlan([]byte(plan))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	type row struct {
		name   string
		line   int
		revert bool
		rework string
	}
	var got []row
	for _, c := range changes {
		got = append(got, row{c.name, c.line, c.revert, strings.Join(c.reworkTags, ",")})
	}
	want := []row{
		{"schemas/app", 5, false, ""},
		// Tags between the declarations, latest first, then the change's own.
		{"users", 6, false, "v1.2,v1.1,v1.0,v1.0-final"},
		{"tasks", 9, false, "v1.2,v1.1"}, // "-tasks" below declares it again, as sqitch reads it
		{"more", 11, false, ""},
		{"users", 13, false, ""},
		{"tasks", 14, true, ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n got  %v\n want %v", got, want)
	}
}

func TestParsePlanErrors(t *testing.T) {
	plan := "%project=app\n\n@early 2024-01-01T00:00:00Z A <a@x>\nusers 2024-01-01T00:00:00Z A <a@x>\nusers 2024-01-02T00:00:00Z A <a@x>\n"
	changes, errs := parsePlan([]byte(plan))
	if len(changes) != 1 || changes[0].name != "users" {
		t.Errorf("changes = %v", changes)
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	want := []string{
		`line 3: tag "early" declared without a preceding change`,
		`line 5: change "users" duplicates earlier declaration on line 4`,
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("errors = %q, want %q", msgs, want)
	}
}
