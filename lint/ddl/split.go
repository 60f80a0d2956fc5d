package ddl

import (
	"bytes"
)

// rawStmt is one statement found by the splitter: [Start, End) covers its
// first token through its last, without the terminating semicolon.
type rawStmt struct {
	Start, End int
	// Words are the first few keywords, upper case, for classification.
	Words [4]string
	// SetConfig reports a call of set_config anywhere in the statement.
	SetConfig bool
	// On holds, for GRANT and REVOKE, the first two keywords after ON
	// (the kind of object: TABLE, FUNCTION, ALL TABLES, ...).
	On [2]string
	// Unterminated reports a quote, dollar quote or block comment still
	// open at the end of the file: PostgreSQL rejects the statement, so it
	// is always parsed (for the error), even when it looks like data.
	Unterminated bool
	// SelectInto reports SELECT ... INTO at the top level: it creates a
	// table, so it is parsed like DDL.
	SelectInto bool
}

func (s *rawStmt) word(i int) string { return s.Words[i] }

// splitter finds statement boundaries without parsing. It understands
// everything that can hide a semicolon: quoted strings (standard,
// escape strings E'...', Unicode strings U&'...'), quoted identifiers, dollar quotes, nested block comments, line
// comments, parentheses (CREATE RULE ... DO (a; b)) and SQL-standard
// function bodies (BEGIN ATOMIC ... END). psql meta-commands (\connect,
// \restrict, ...) end the current statement and are skipped, and the
// data lines after COPY ... FROM stdin are skipped up to the \. line.
type splitter struct {
	src   []byte
	i     int
	stmts []rawStmt

	cur      rawStmt
	inStmt   bool
	lastEnd  int
	nwords   int
	depth    int
	atomic   int
	prevWord []byte
	copyIn   bool
	// onWords counts the keywords recorded in cur.On; -1 until a GRANT
	// or REVOKE reaches ON.
	onWords int
}

func split(src []byte) []rawStmt {
	s := &splitter{src: src, onWords: -1}
	// A UTF-8 byte order mark (editors on Windows write one) is not part
	// of the first statement.
	if bytes.HasPrefix(src, []byte("\ufeff")) {
		s.i = len("\ufeff")
	}
	s.run()
	return s.stmts
}

func (s *splitter) run() {
	src := s.src
	n := len(src)
	for s.i < n {
		c := src[s.i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.i++
		case c == '-' && s.i+1 < n && src[s.i+1] == '-':
			s.skipLine()
		case c == '/' && s.i+1 < n && src[s.i+1] == '*':
			s.skipBlockComment()
		case c == '\\':
			// A psql meta-command runs to the end of the line and ends
			// any statement in progress.
			s.emit()
			s.skipLine()
		case c == ';' && s.atomic == 0 && (s.depth == 0 || !s.isRule()):
			s.i++
			copyIn := s.inStmt && s.copyIn
			s.emit()
			if copyIn {
				s.skipCopyData()
			}
		default:
			s.token()
		}
	}
	s.emit()
}

// isRule reports whether the statement is CREATE [OR REPLACE] RULE, the
// only statement whose parentheses can hold semicolons (DO (a; b)).
// Elsewhere a semicolon inside parentheses ends the statement: psql
// would keep reading, but then a missing ")" would swallow the rest of
// the file into one parse error instead of one broken statement.
func (s *splitter) isRule() bool {
	w := s.cur.Words
	return w[0] == "CREATE" && (w[1] == "RULE" || w[1] == "OR" && w[2] == "REPLACE" && w[3] == "RULE")
}

func (s *splitter) emit() {
	if s.inStmt {
		s.cur.End = s.lastEnd
		s.stmts = append(s.stmts, s.cur)
	}
	s.cur = rawStmt{}
	s.inStmt = false
	s.nwords = 0
	s.depth = 0
	s.atomic = 0
	s.prevWord = nil
	s.copyIn = false
	s.onWords = -1
}

func (s *splitter) skipLine() {
	if j := bytes.IndexByte(s.src[s.i:], '\n'); j >= 0 {
		s.i += j + 1
	} else {
		s.i = len(s.src)
	}
}

func (s *splitter) skipBlockComment() {
	src := s.src
	start := s.i
	depth := 0
	defer func() {
		if s.i >= len(src) && depth > 0 {
			// Never closed: the rest of the file is one broken statement.
			if !s.inStmt {
				s.inStmt = true
				s.cur.Start = start
			}
			s.cur.Unterminated = true
			s.lastEnd = len(src)
		}
	}()
	for s.i < len(src) {
		if src[s.i] == '/' && s.i+1 < len(src) && src[s.i+1] == '*' {
			depth++
			s.i += 2
			continue
		}
		if src[s.i] == '*' && s.i+1 < len(src) && src[s.i+1] == '/' {
			depth--
			s.i += 2
			if depth == 0 {
				return
			}
			continue
		}
		s.i++
	}
}

// skipCopyData skips the rest of the COPY line and the data lines up to
// and including a line that is exactly "\.".
func (s *splitter) skipCopyData() {
	s.skipLine()
	for s.i < len(s.src) {
		lineStart := s.i
		s.skipLine()
		line := bytes.TrimRight(s.src[lineStart:s.i], "\r\n")
		if string(line) == `\.` {
			return
		}
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$'
}

func (s *splitter) token() {
	src := s.src
	n := len(src)
	start := s.i
	if !s.inStmt {
		s.inStmt = true
		s.cur.Start = start
	}
	c := src[s.i]
	switch {
	case c == '\'':
		s.quoted('\'', false)
	case c == '"':
		s.quoted('"', false)
	case c == '$':
		s.dollar()
	case c == '(':
		s.depth++
		s.i++
	case c == ')':
		if s.depth > 0 {
			s.depth--
		}
		s.i++
	case isIdentStart(c):
		j := s.i + 1
		for j < n && isIdentChar(src[j]) {
			j++
		}
		w := src[s.i:j]
		s.i = j
		// String prefixes: E'', B'', X'', N'', U&''.
		if j < n && src[j] == '\'' && len(w) == 1 {
			switch w[0] {
			case 'e', 'E':
				s.quoted('\'', true)
			case 'b', 'B', 'x', 'X', 'n', 'N':
				s.quoted('\'', false)
			}
		} else if j+1 < n && src[j] == '&' && (src[j+1] == '\'' || src[j+1] == '"') && len(w) == 1 && (w[0] == 'u' || w[0] == 'U') {
			s.i++
			s.quoted(src[s.i], false)
		}
		s.keyword(w)
	case c >= '0' && c <= '9':
		j := s.i + 1
		for j < n && (isIdentChar(src[j]) || src[j] == '.') {
			j++
		}
		s.i = j
	default:
		s.i++
	}
	s.lastEnd = s.i
}

// quoted skips a quoted string or identifier starting at s.i. Doubled
// quotes escape; with backslash set (E” strings) so does a backslash.
func (s *splitter) quoted(q byte, backslash bool) {
	src := s.src
	s.i++
	for s.i < len(src) {
		c := src[s.i]
		if backslash && c == '\\' {
			s.i += 2
			continue
		}
		s.i++
		if c == q {
			if s.i < len(src) && src[s.i] == q {
				s.i++
				continue
			}
			return
		}
	}
	s.i = len(src)
	s.cur.Unterminated = true
}

// dollar skips a dollar-quoted string, or a $n parameter, or a lone $.
func (s *splitter) dollar() {
	src := s.src
	j := s.i + 1
	if j < len(src) && src[j] >= '0' && src[j] <= '9' {
		for j < len(src) && src[j] >= '0' && src[j] <= '9' {
			j++
		}
		s.i = j
		return
	}
	if j < len(src) && isIdentStart(src[j]) {
		for j < len(src) && (isIdentStart(src[j]) || src[j] >= '0' && src[j] <= '9') {
			j++
		}
	}
	if j >= len(src) || src[j] != '$' {
		s.i++
		return
	}
	tag := src[s.i : j+1]
	end := bytes.Index(src[j+1:], tag)
	if end < 0 {
		s.i = len(src)
		s.cur.Unterminated = true
		return
	}
	s.i = j + 1 + end + len(tag)
}

func (s *splitter) keyword(w []byte) {
	if s.nwords < len(s.cur.Words) {
		s.cur.Words[s.nwords] = upperWord(w)
		s.nwords++
	}
	if s.onWords >= 0 {
		if s.onWords < len(s.cur.On) {
			s.cur.On[s.onWords] = upperWord(w)
			s.onWords++
		}
	} else if s.depth == 0 && len(w) == 2 && bytes.EqualFold(w, []byte("ON")) && (s.cur.Words[0] == "GRANT" || s.cur.Words[0] == "REVOKE") {
		s.onWords = 0
	}
	switch len(w) {
	case 4:
		if s.depth == 0 && s.cur.Words[0] == "SELECT" && bytes.EqualFold(w, []byte("INTO")) {
			s.cur.SelectInto = true
		}
	}
	switch len(w) {
	case 3:
		if s.atomic > 0 && bytes.EqualFold(w, []byte("END")) {
			s.atomic--
		}
	case 4:
		if s.atomic > 0 && bytes.EqualFold(w, []byte("CASE")) {
			s.atomic++
		}
	case 5:
		if s.cur.Words[0] == "COPY" && bytes.EqualFold(w, []byte("STDIN")) && bytes.EqualFold(s.prevWord, []byte("FROM")) {
			s.copyIn = true
		}
	case 6:
		if s.atomic == 0 && s.cur.Words[0] == "CREATE" && bytes.EqualFold(w, []byte("ATOMIC")) && bytes.EqualFold(s.prevWord, []byte("BEGIN")) {
			s.atomic = 1
		}
	case 10:
		if bytes.EqualFold(w, []byte("set_config")) {
			s.cur.SetConfig = true
		}
	}
	s.prevWord = w
}

// commonWords are the keywords that classify statements; upperWord
// returns them without allocating.
var commonWords = map[string]string{}

func init() {
	for _, w := range []string{"INSERT", "UPDATE", "DELETE", "COPY", "INTO", "FROM", "SET", "SELECT",
		"CREATE", "ALTER", "DROP", "TABLE", "INDEX", "UNIQUE", "POLICY", "FUNCTION", "OR", "REPLACE",
		"VIEW", "MATERIALIZED", "GRANT", "REVOKE", "ALL", "ON", "TO", "EXECUTE", "USAGE",
		"SCHEMA", "SEQUENCE", "TYPE", "TRIGGER", "COMMENT", "BEGIN", "COMMIT", "WITH", "VALUES",
		"ONLY", "IF", "EXISTS", "NOT", "CONCURRENTLY", "PUBLIC", "EXTENSION", "ROLE", "DO", "TABLES"} {
		commonWords[w] = w
	}
}

// upperWord returns w in upper case.
func upperWord(w []byte) string {
	var buf [16]byte
	if len(w) <= len(buf) {
		for i, c := range w {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			buf[i] = c
		}
		if k, ok := commonWords[string(buf[:len(w)])]; ok {
			return k
		}
	}
	return string(bytes.ToUpper(w))
}
