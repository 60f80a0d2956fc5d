package discover

import (
	"bytes"
	"strings"
)

// marker is what a line means to a tool that splits files into sections.
type marker int

const (
	noMarker    marker = iota
	upMarker           // starts an applied section
	downMarker         // starts a section that is not applied
	otherMarker        // a tool directive that does not change the section
)

// sectionSyntaxes are the tools with up/down sections, in the order that
// breaks ties when a folder mixes them.
var sectionSyntaxes = []struct {
	layout   Layout
	classify func(line string) marker
}{
	{LayoutGoose, gooseMarker},
	{LayoutSQLMigrate, sqlMigrateMarker},
	{LayoutDbmate, dbmateMarker},
}

func classifier(l Layout) func(string) marker {
	for _, s := range sectionSyntaxes {
		if s.layout == l {
			return s.classify
		}
	}
	return nil
}

// gooseMarker recognises `-- +goose Up` and kin. goose matches
// annotations without regard to case, at the start of the line.
func gooseMarker(line string) marker {
	rest, ok := strings.CutPrefix(line, "--")
	if !ok {
		return noMarker
	}
	rest = strings.TrimLeft(rest, " \t")
	if len(rest) < len("+goose") || !strings.EqualFold(rest[:len("+goose")], "+goose") {
		return noMarker
	}
	after := rest[len("+goose"):]
	if after == "" || after[0] != ' ' && after[0] != '\t' {
		return noMarker
	}
	fields := strings.Fields(after)
	if len(fields) == 0 {
		return noMarker
	}
	switch strings.ToLower(fields[0]) {
	case "up":
		return upMarker
	case "down":
		return downMarker
	}
	return otherMarker
}

// sqlMigrateMarker recognises `-- +migrate Up` and kin; sql-migrate wants
// the exact prefix and case.
func sqlMigrateMarker(line string) marker {
	rest, ok := strings.CutPrefix(line, "-- +migrate ")
	if !ok {
		return noMarker
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return noMarker
	}
	switch fields[0] {
	case "Up":
		return upMarker
	case "Down":
		return downMarker
	}
	return otherMarker
}

// dbmateMarker recognises `-- migrate:up` and `-- migrate:down` (dbmate:
// `^--\s*migrate:up(\s|$)`), options such as transaction:false allowed.
func dbmateMarker(line string) marker {
	rest, ok := strings.CutPrefix(line, "--")
	if !ok {
		return noMarker
	}
	rest, ok = strings.CutPrefix(strings.TrimLeft(rest, " \t"), "migrate:")
	if !ok {
		return noMarker
	}
	word := rest
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		word = rest[:i]
	}
	switch word {
	case "up":
		return upMarker
	case "down":
		return downMarker
	}
	return noMarker
}

// eachLine calls fn with every line's bounds [start, end), end before the
// '\n', and the line text without '\r' (and without a UTF-8 byte order
// mark on the first line) for matching markers.
func eachLine(content []byte, fn func(start, end int, text string)) {
	for start := 0; start < len(content); {
		end := bytes.IndexByte(content[start:], '\n')
		next := start + end + 1
		if end < 0 {
			end = len(content) - start
			next = len(content)
		}
		end += start
		text := strings.TrimRight(string(content[start:end]), "\r")
		if start == 0 {
			text = strings.TrimPrefix(text, "\ufeff")
		}
		fn(start, end, text)
		start = next
	}
}

// sectionLayout returns the tool whose up or down marker comes first in
// content, or "" when there is none.
func sectionLayout(content []byte) Layout {
	var found Layout
	eachLine(content, func(_, _ int, text string) {
		if found != "" || !strings.HasPrefix(text, "--") {
			return
		}
		for _, s := range sectionSyntaxes {
			if m := s.classify(text); m == upMarker || m == downMarker {
				found = s.layout
				return
			}
		}
	})
	return found
}

// maskSections blanks what the tool of layout l does not apply: every byte
// outside an up section becomes a space, '\n' and '\r' stay, so offsets
// and line numbers of the applied text are those of the file on disk. Up
// markers, and directives inside an up section, are comments and stay.
// Content without any up or down marker is returned whole (see the package
// documentation).
func maskSections(content []byte, l Layout) []byte {
	classify := classifier(l)
	if classify == nil {
		return content
	}
	type line struct {
		start, end int
		m          marker
	}
	var lines []line
	sectioned := false
	eachLine(content, func(start, end int, text string) {
		m := classify(text)
		sectioned = sectioned || m == upMarker || m == downMarker
		lines = append(lines, line{start, end, m})
	})
	if !sectioned {
		return content
	}
	out := bytes.Clone(content)
	applied := false
	for _, ln := range lines {
		switch ln.m {
		case upMarker:
			applied = true
		case downMarker:
			applied = false
		}
		if applied {
			continue
		}
		for i := ln.start; i < ln.end; i++ {
			if out[i] != '\r' {
				out[i] = ' '
			}
		}
	}
	return out
}
