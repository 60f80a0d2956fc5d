// Package source holds the files tenantguard reads and positions inside
// them. Positions are byte offsets; lines and columns are computed on demand.
package source

import (
	"sort"
	"unicode/utf8"
)

// File is one input file. Content is the SQL that is linted: for layouts
// with sections (goose, dbmate) the parts that are not applied are blanked
// with spaces so that every byte offset and line number still matches the
// file on disk.
type File struct {
	// Path is how the file is shown to users: relative to the working
	// directory where possible, with forward slashes.
	Path string
	// Content is the (masked) file content.
	Content []byte
	// Statements are the spans of the file's SQL statements in order,
	// from the first token to the end of the last (without the
	// semicolon); set by the parser.
	Statements []Span

	lineStarts []int
}

// NewFile returns a File for the given display path and content.
func NewFile(path string, content []byte) *File {
	return &File{Path: path, Content: content}
}

// Position is a 1-based line and column. Column counts Unicode code points
// (SARIF columnKind "unicodeCodePoints").
type Position struct {
	Line   int
	Column int
}

// IsValid reports whether p denotes a position.
func (p Position) IsValid() bool { return p.Line > 0 }

func (f *File) lines() []int {
	if f.lineStarts == nil {
		starts := make([]int, 1, 64)
		for i, b := range f.Content {
			if b == '\n' {
				starts = append(starts, i+1)
			}
		}
		f.lineStarts = starts
	}
	return f.lineStarts
}

// LineCount returns the number of lines in the file.
func (f *File) LineCount() int { return len(f.lines()) }

// Position converts a byte offset into a line and column. Offsets outside
// the content are clamped.
func (f *File) Position(offset int) Position {
	if f == nil {
		return Position{}
	}
	if offset < 0 {
		offset = 0
	}
	if offset > len(f.Content) {
		offset = len(f.Content)
	}
	starts := f.lines()
	line := sort.Search(len(starts), func(i int) bool { return starts[i] > offset }) - 1
	col := utf8.RuneCount(f.Content[starts[line]:offset]) + 1
	return Position{Line: line + 1, Column: col}
}

// LineStart returns the byte offset of the first byte of a 1-based line.
func (f *File) LineStart(line int) int {
	starts := f.lines()
	if line < 1 {
		return 0
	}
	if line > len(starts) {
		return len(f.Content)
	}
	return starts[line-1]
}

// Line returns the text of a 1-based line without its newline.
func (f *File) Line(line int) string {
	start := f.LineStart(line)
	end := f.LineStart(line + 1)
	for end > start && (f.Content[end-1] == '\n' || f.Content[end-1] == '\r') {
		end--
	}
	return string(f.Content[start:end])
}

// Offset converts a 1-based character index within Content[base:] (as
// PostgreSQL reports error cursors) into a byte offset into Content.
func (f *File) Offset(base, charIndex int) int {
	off := base
	for n := 1; n < charIndex && off < len(f.Content); n++ {
		_, size := utf8.DecodeRune(f.Content[off:])
		off += size
	}
	return off
}

// Span is a range of bytes [Start, End) in a file. The zero Span has no
// file: the object it belongs to was not read from a file (a live catalog).
type Span struct {
	File  *File
	Start int
	End   int
}

// IsValid reports whether the span points into a file.
func (s Span) IsValid() bool { return s.File != nil }

// Path returns the file's display path or "".
func (s Span) Path() string {
	if s.File == nil {
		return ""
	}
	return s.File.Path
}

// StartPos returns the position of the span's first byte.
func (s Span) StartPos() Position { return s.File.Position(s.Start) }

// EndPos returns the position just after the span's last byte.
func (s Span) EndPos() Position { return s.File.Position(s.End) }

// Text returns the bytes the span covers.
func (s Span) Text() string {
	if s.File == nil || s.Start < 0 || s.End > len(s.File.Content) || s.Start > s.End {
		return ""
	}
	return string(s.File.Content[s.Start:s.End])
}

// Contains reports whether o lies within s (same file).
func (s Span) Contains(o Span) bool {
	return s.File != nil && s.File == o.File && s.Start <= o.Start && o.End <= s.End
}
