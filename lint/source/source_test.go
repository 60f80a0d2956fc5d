package source

import (
	"testing"
)

func TestPosition(t *testing.T) {
	// "é" is 2 bytes, "€" 3 bytes, "𝄞" 4 bytes: columns count code points.
	content := "ab\n" + // line 1: offsets 0..2
		"éx€y\n" + // line 2: é(3,4) x(5) €(6,7,8) y(9) \n(10)
		"\r\n" + // line 3: \r(11) \n(12)
		"𝄞z" // line 4: 𝄞(13..16) z(17); end 18
	f := NewFile("f.sql", []byte(content))
	tests := []struct {
		offset int
		want   Position
	}{
		{-5, Position{1, 1}}, // clamped
		{0, Position{1, 1}},
		{1, Position{1, 2}},
		{2, Position{1, 3}}, // the newline itself belongs to its line
		{3, Position{2, 1}},
		{5, Position{2, 2}}, // after é: one code point
		{6, Position{2, 3}},
		{9, Position{2, 4}}, // after €
		{10, Position{2, 5}},
		{11, Position{3, 1}},
		{12, Position{3, 2}}, // \r counts as a column
		{13, Position{4, 1}},
		{17, Position{4, 2}}, // after 𝄞
		{18, Position{4, 3}}, // end of content
		{99, Position{4, 3}}, // clamped
	}
	for _, tt := range tests {
		if got := f.Position(tt.offset); got != tt.want {
			t.Errorf("Position(%d) = %+v, want %+v", tt.offset, got, tt.want)
		}
	}
	if got := f.LineCount(); got != 4 {
		t.Errorf("LineCount = %d, want 4", got)
	}
}

func TestPositionInsideMultibyteRune(t *testing.T) {
	// An offset in the middle of a rune (never produced by the parser, but
	// possible from a bad cursor) must not panic and stays on its line.
	f := NewFile("f.sql", []byte("x€y"))
	for off := 0; off <= 5; off++ {
		p := f.Position(off)
		if p.Line != 1 || p.Column < 1 || p.Column > 4 {
			t.Errorf("Position(%d) = %+v", off, p)
		}
	}
}

func TestPositionEmptyAndNil(t *testing.T) {
	f := NewFile("empty.sql", nil)
	if got := f.Position(0); got != (Position{1, 1}) {
		t.Errorf("empty file: Position(0) = %+v", got)
	}
	if f.LineCount() != 1 {
		t.Errorf("empty file: LineCount = %d, want 1", f.LineCount())
	}
	var nilFile *File
	if got := nilFile.Position(3); got.IsValid() {
		t.Errorf("nil file: Position = %+v, want invalid", got)
	}
}

func TestTrailingNewline(t *testing.T) {
	f := NewFile("f.sql", []byte("a\nb\n"))
	if f.LineCount() != 3 {
		t.Errorf("LineCount = %d, want 3 (an empty last line after the final newline)", f.LineCount())
	}
	if got := f.Position(4); got != (Position{3, 1}) {
		t.Errorf("Position(end) = %+v, want 3:1", got)
	}
}

func TestLineAndLineStart(t *testing.T) {
	f := NewFile("f.sql", []byte("first\r\nsecond\n\nfourth"))
	lines := map[int]string{1: "first", 2: "second", 3: "", 4: "fourth", 5: "", 0: ""}
	for n, want := range lines {
		if got := f.Line(n); got != want {
			t.Errorf("Line(%d) = %q, want %q", n, got, want)
		}
	}
	starts := map[int]int{0: 0, 1: 0, 2: 7, 3: 14, 4: 15, 5: 21, 100: 21}
	for n, want := range starts {
		if got := f.LineStart(n); got != want {
			t.Errorf("LineStart(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestOffset(t *testing.T) {
	// PostgreSQL reports error cursors as 1-based character indexes into
	// the statement text; Offset turns them into byte offsets.
	f := NewFile("f.sql", []byte("-- x\nSELECT 'é€' FROM"))
	base := 5 // "SELECT"
	tests := []struct {
		char, want int
	}{
		{0, 5}, // before the first character: the base
		{1, 5},
		{8, 12},  // the quote at byte 12 ("SELECT '" is 8 chars)
		{9, 13},  // é
		{10, 15}, // € (é is 2 bytes)
		{11, 18}, // closing quote (€ is 3 bytes)
		{13, 20}, // F of FROM
		{100, len(f.Content)},
	}
	for _, tt := range tests {
		if got := f.Offset(base, tt.char); got != tt.want {
			t.Errorf("Offset(%d, %d) = %d, want %d", base, tt.char, got, tt.want)
		}
	}
	if got := f.Position(f.Offset(base, 13)); got != (Position{2, 13}) {
		t.Errorf("position of char 13 = %+v, want 2:13", got)
	}
}

func TestSpan(t *testing.T) {
	f := NewFile("dir/f.sql", []byte("CREATE TABLE t (id int);\nSELECT 1;"))
	s := Span{File: f, Start: 0, End: 23}
	if !s.IsValid() || s.Path() != "dir/f.sql" {
		t.Errorf("IsValid/Path = %v %q", s.IsValid(), s.Path())
	}
	if got := s.Text(); got != "CREATE TABLE t (id int)" {
		t.Errorf("Text = %q", got)
	}
	if s.StartPos() != (Position{1, 1}) || s.EndPos() != (Position{1, 24}) {
		t.Errorf("StartPos/EndPos = %+v %+v", s.StartPos(), s.EndPos())
	}
	inner := Span{File: f, Start: 13, End: 14}
	if !s.Contains(inner) || inner.Contains(s) {
		t.Errorf("Contains: outer⊇inner %v, inner⊇outer %v", s.Contains(inner), inner.Contains(s))
	}
	other := Span{File: NewFile("dir/f.sql", f.Content), Start: 13, End: 14}
	if s.Contains(other) {
		t.Error("Contains matched a span of another File with the same path")
	}

	var zero Span
	if zero.IsValid() || zero.Path() != "" || zero.Text() != "" || zero.Contains(zero) {
		t.Error("zero span should be invalid, with no path or text, containing nothing")
	}
	for _, bad := range []Span{{File: f, Start: -1, End: 3}, {File: f, Start: 5, End: 2}, {File: f, Start: 0, End: 999}} {
		if got := bad.Text(); got != "" {
			t.Errorf("Text of out-of-range %+v = %q, want empty", bad, got)
		}
	}
}
