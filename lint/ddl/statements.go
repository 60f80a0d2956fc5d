package ddl

import "bytes"

// Statement is one statement of a SQL file as tenantguard splits it, for
// callers that run a file statement by statement against a server
// (`check --ephemeral`) and must skip exactly what lint skips.
type Statement struct {
	// Start and End cover the first token through the last, without the
	// terminating semicolon.
	Start, End int
	// Keywords are the first few words, upper case ("CREATE",
	// "EXTENSION", ...).
	Keywords [4]string
	// CopyData is the data of a COPY ... FROM stdin statement: the lines
	// after it up to, not including, the terminating `\.` line. Nil for
	// other statements.
	CopyData []byte
}

// Statements splits src like the linter does: psql meta-commands
// (\connect, \restrict, ...) are left out, and the data lines after COPY
// ... FROM stdin belong to their COPY statement instead of being read as
// SQL.
func Statements(src []byte) []Statement {
	raws := split(src)
	out := make([]Statement, len(raws))
	for i, r := range raws {
		out[i] = Statement{Start: r.Start, End: r.End, Keywords: r.Words}
		if r.Words[0] == "COPY" && copyFromStdin(src[r.Start:r.End]) {
			out[i].CopyData = copyData(src, r.End)
		}
	}
	return out
}

// copyFromStdin reports whether a COPY statement reads its data from the
// script (FROM stdin), as the splitter decides: the words FROM STDIN in
// sequence outside quotes and comments. The statement is scanned token by
// token (the splitter clears the flag when a statement ends).
func copyFromStdin(stmt []byte) bool {
	s := &splitter{src: stmt}
	for s.i < len(s.src) {
		c := s.src[s.i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.i++
		case c == '-' && s.i+1 < len(s.src) && s.src[s.i+1] == '-':
			s.skipLine()
		case c == '/' && s.i+1 < len(s.src) && s.src[s.i+1] == '*':
			s.skipBlockComment()
		default:
			s.token()
		}
	}
	return s.copyIn
}

// copyData returns the data lines that follow a COPY ... FROM stdin
// statement ending at end: from the line after its semicolon up to the
// `\.` line (or the end of the file).
func copyData(src []byte, end int) []byte {
	i := end
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		i += j + 1
	} else {
		return []byte{}
	}
	start := i
	for i < len(src) {
		lineStart := i
		if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
			i += j + 1
		} else {
			i = len(src)
		}
		if string(bytes.TrimRight(src[lineStart:i], "\r\n")) == `\.` {
			return src[start:lineStart]
		}
	}
	return src[start:]
}
