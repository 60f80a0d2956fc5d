package discover

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// planChange is one change line of a sqitch plan.
type planChange struct {
	name   string
	line   int
	revert bool     // declared with the "-" operator
	tags   []string // tags declared right after this change
	// reworkTags is set when the change is declared again later: the tags
	// that can name this earlier declaration's script, in the order sqitch
	// tries them (the latest tag before the rework first).
	reworkTags []string
}

// planError is a line of sqitch.plan that sqitch would reject.
type planError struct {
	line int
	msg  string
}

func (e planError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// parsePlan reads a sqitch plan (syntax 1.0):
//
//	%syntax-version=1.0.0            pragma
//	%project=flipr
//	                                 blank lines and "# ..." note lines
//	users [roles !old] 2024-01-01T00:00:00Z Ann <ann@x.org> # a note
//	+users ... / -users ...          deploy (default) / revert operator
//	@v1.0 2024-01-02T00:00:00Z Ann <ann@x.org> # tag the last change
//
// Only what decides which script runs and in which order is kept: change
// names in order, their operator, and the tags that name reworked scripts.
// A line sqitch would reject is reported and skipped.
func parsePlan(content []byte) ([]*planChange, []error) {
	var (
		changes  []*planChange
		errs     []error
		latest   = map[string]int{} // change name -> index of its latest declaration
		sinceTag = map[string]int{} // change names declared since the last tag -> line
	)
	lineNo := 0
	eachLine(content, func(_, _ int, text string) {
		lineNo++
		s := strings.TrimSpace(text)
		if s == "" || s[0] == '#' || s[0] == '%' {
			return
		}
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = strings.TrimSpace(s[:i])
		}
		if s[0] == '@' {
			name := firstField(s[1:])
			if len(changes) == 0 {
				errs = append(errs, planError{lineNo, fmt.Sprintf("tag %q declared without a preceding change", name)})
				return
			}
			last := changes[len(changes)-1]
			last.tags = append(last.tags, name)
			clear(sinceTag)
			return
		}
		revert := false
		if s[0] == '+' || s[0] == '-' {
			revert = s[0] == '-'
			s = strings.TrimLeft(s[1:], " \t")
		}
		name := firstField(s)
		if name == "" {
			errs = append(errs, planError{lineNo, "missing change name"})
			return
		}
		if at, dup := sinceTag[name]; dup {
			errs = append(errs, planError{lineNo, fmt.Sprintf("change %q duplicates earlier declaration on line %d", name, at)})
			return
		}
		if i, ok := latest[name]; ok {
			// A rework: sqitch names the earlier script after the tags
			// between the two declarations, latest first, then the tags of
			// the earlier change itself.
			var tags []string
			for k := len(changes) - 1; k > i; k-- {
				tags = append(tags, changes[k].tags...)
			}
			changes[i].reworkTags = append(tags, changes[i].tags...)
		}
		latest[name] = len(changes)
		sinceTag[name] = lineNo
		changes = append(changes, &planChange{name: name, line: lineNo, revert: revert})
	})
	return changes, errs
}

// firstField returns s up to the first blank or dependency list.
func firstField(s string) string {
	if i := strings.IndexAny(s, " \t["); i >= 0 {
		return s[:i]
	}
	return s
}

// sqitch applies deploy/<change>.sql in plan order.
func (d *discoverer) sqitch(r root, planPath, deployDir string) {
	planDisplay := d.display(r, planPath)
	content, err := readFile(planPath)
	if err != nil {
		d.problem(planDisplay, err)
		return
	}
	changes, errs := parsePlan(content)
	for _, err := range errs {
		d.problem(planDisplay, fmt.Errorf("%s: %w", planDisplay, err))
	}
	for _, c := range changes {
		if c.revert {
			continue
		}
		script, version := sqitchScript(deployDir, c)
		display := d.display(r, script)
		if !isFile(script) && !isSymlink(script) {
			d.problem(display, fmt.Errorf("%s:%d: change %q has no deploy script %s: %w",
				planDisplay, c.line, c.name, display, fs.ErrNotExist))
			continue
		}
		d.add(candidate{abs: script, display: display, layout: LayoutSqitch, version: version, name: c.name})
	}
}

// sqitchScript returns the deploy script of a change and its name as
// sqitch shows it: "users", or "users@v1.0" for a reworked declaration.
func sqitchScript(deployDir string, c *planChange) (script, version string) {
	base := filepath.Join(deployDir, filepath.FromSlash(c.name))
	if len(c.reworkTags) == 0 {
		return base + ".sql", c.name
	}
	// sqitch takes the first rework tag whose script exists, else the first.
	for _, tag := range c.reworkTags {
		if p := base + "@" + tag + ".sql"; isFile(p) {
			return p, c.name + "@" + tag
		}
	}
	tag := c.reworkTags[0]
	return base + "@" + tag + ".sql", c.name + "@" + tag
}
