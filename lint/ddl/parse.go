package ddl

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"

	"github.com/tenantguard/tenantguard/lint/internal/par"
	"github.com/tenantguard/tenantguard/lint/model"
	"github.com/tenantguard/tenantguard/lint/source"
)

// stmt is a statement of a file, parsed when it can change the model.
type stmt struct {
	Span source.Span
	// Nodes is empty for statements that cannot change the model (data)
	// and for statements that did not parse; it holds more than one node
	// only when the splitter missed a boundary the parser found.
	Nodes []*pg_query.Node
	// Base is the file offset that the node's locations count from.
	Base int
	// Bodies holds, by node, the parsed body of a CREATE FUNCTION (nil
	// for other nodes, and nil altogether when there is none).
	Bodies []*functionBody
}

// parsedFile is the outcome of parsing one file.
type parsedFile struct {
	File  *source.File
	Stmts []stmt
	Diags []model.Diagnostic
}

// maxParseErrors caps parse-error diagnostics per file: garbage input
// would otherwise yield one per "statement".
const maxParseErrors = 10

// needsParse reports whether a statement can change the schema model.
// Data statements, and statements about objects the model does not hold,
// are skipped without a full parse (skip_test.go checks that replaying
// them would change nothing).
func needsParse(s *rawStmt) bool {
	if s.Unterminated {
		return true
	}
	switch s.word(0) {
	case "GRANT", "REVOKE":
		return !grantsUnmodelled(s.On)
	case "CREATE", "ALTER", "DROP":
		return !unmodelled[objectKind(s.Words)]
	case "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "TRUNCATE", "WITH", "TABLE", "VALUES",
		"BEGIN", "COMMIT", "END", "START", "ROLLBACK", "SAVEPOINT", "RELEASE", "ABORT",
		"ANALYZE", "ANALYSE", "VACUUM", "CLUSTER", "REINDEX", "CHECKPOINT", "LOCK",
		"LISTEN", "NOTIFY", "UNLISTEN", "DISCARD", "DEALLOCATE", "PREPARE", "FETCH", "MOVE",
		"CLOSE", "DECLARE", "LOAD", "EXPLAIN", "REFRESH", "SHOW", "COMMENT", "SECURITY":
		return false
	case "SELECT":
		return s.SetConfig || s.SelectInto
	}
	return true
}

// unmodelled are the kinds of object the model does not hold: creating,
// altering or dropping them changes nothing a rule reads.
var unmodelled = map[string]bool{
	"SEQUENCE": true, "TYPE": true, "DOMAIN": true, "TRIGGER": true, "EVENT": true,
	"AGGREGATE": true, "OPERATOR": true, "CAST": true, "COLLATION": true, "CONVERSION": true,
	"TEXT": true, "PUBLICATION": true, "SUBSCRIPTION": true, "STATISTICS": true,
	"DEFAULT": true, // ALTER DEFAULT PRIVILEGES
}

// objectKind returns the keyword naming the kind of object of a CREATE,
// ALTER or DROP: SEQUENCE in CREATE TEMP SEQUENCE, TRIGGER in CREATE OR
// REPLACE CONSTRAINT TRIGGER.
func objectKind(w [4]string) string {
	i := 1
	if w[0] == "CREATE" && w[1] == "OR" && w[2] == "REPLACE" {
		i = 3
	}
	switch w[i] {
	case "TEMP", "TEMPORARY", "UNLOGGED", "CONSTRAINT":
		i++
	}
	if i >= len(w) {
		return ""
	}
	return w[i]
}

// grantsUnmodelled reports whether a GRANT or REVOKE is about objects
// whose privileges the model does not hold (only tables and views have
// grants there), given the keywords after ON.
func grantsUnmodelled(on [2]string) bool {
	switch on[0] {
	case "FUNCTION", "PROCEDURE", "ROUTINE", "SEQUENCE", "SCHEMA", "DATABASE", "DOMAIN", "TYPE",
		"LANGUAGE", "LARGE", "TABLESPACE", "PARAMETER":
		return true
	case "FOREIGN":
		return on[1] == "DATA" || on[1] == "SERVER"
	case "ALL":
		return on[1] == "FUNCTIONS" || on[1] == "SEQUENCES" || on[1] == "PROCEDURES" || on[1] == "ROUTINES"
	}
	return false
}

// parseFile splits a file into statements and parses those that matter.
func parseFile(f *source.File) parsedFile {
	pf := parsedFile{File: f}
	if d, ok := checkText(f); !ok {
		pf.Diags = append(pf.Diags, d)
		return pf
	}
	raws := split(f.Content)
	pf.Stmts = make([]stmt, len(raws))
	f.Statements = make([]source.Span, len(raws))
	for i := range raws {
		sp := source.Span{File: f, Start: raws[i].Start, End: raws[i].End}
		pf.Stmts[i].Span = sp
		f.Statements[i] = sp
	}
	units := parseUnits(raws)
	failed := make([][]parseFailure, len(units))
	parseUnit := func(u int) {
		i, j := units[u][0], units[u][1]
		if !parseBatch(f, pf.Stmts[i:j]) {
			for k := i; k < j; k++ {
				if err := parseOne(f, &pf.Stmts[k]); err != nil {
					failed[u] = append(failed[u], parseFailure{k, err})
				}
			}
		}
		if parseBodiesAhead {
			for k := i; k < j; k++ {
				prepareBodies(&pf.Stmts[k])
			}
		}
	}
	// A large file (a pg_dump schema) is parsed by all cores, not one:
	// its units are independent and their results land in their own
	// statements.
	if len(f.Content) >= parallelFileSize {
		par.Do(len(units), parseUnit)
	} else {
		for u := range units {
			parseUnit(u)
		}
	}
	errs := 0
	for _, fails := range failed {
		for _, fl := range fails {
			errs++
			if errs <= maxParseErrors {
				pf.Diags = append(pf.Diags, parseDiag(f, pf.Stmts[fl.stmt].Span, fl.err))
			}
		}
	}
	if errs > maxParseErrors {
		last := &pf.Diags[len(pf.Diags)-1]
		last.Message += fmt.Sprintf(" (and %d more statements in this file did not parse)", errs-maxParseErrors)
	}
	return pf
}

// parseBodiesAhead has the parse workers parse function bodies for
// replay (a variable for tests, which compare with replay parsing them).
var parseBodiesAhead = true

// parallelFileSize is the size from which a file's statements are parsed
// in parallel (a variable for tests); unitSize is how much SQL one parser
// call takes at most.
var parallelFileSize = 1 << 20

const unitSize = 64 << 10

// parseFailure is a statement that did not parse.
type parseFailure struct {
	stmt int
	err  error
}

// parseUnits groups the statements to parse into runs [i, j) of
// consecutive statements, each parsed in one call of at most about
// unitSize bytes; on failure a run falls back to one call per statement
// to find the culprit.
func parseUnits(raws []rawStmt) [][2]int {
	var units [][2]int
	for i := 0; i < len(raws); {
		if !needsParse(&raws[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(raws) && needsParse(&raws[j]) && raws[j].End-raws[i].Start <= unitSize {
			j++
		}
		units = append(units, [2]int{i, j})
		i = j
	}
	return units
}

// checkText rejects files that are not SQL text: binary content or bytes
// that are not UTF-8 (PostgreSQL would refuse them too).
func checkText(f *source.File) (model.Diagnostic, bool) {
	c := f.Content
	if i := bytes.IndexByte(c, 0); i >= 0 {
		return model.Diagnostic{Kind: model.ParseError, Span: source.Span{File: f, Start: i, End: i},
			Message: "file is binary (contains a NUL byte), not SQL text"}, false
	}
	if !utf8.Valid(c) {
		i := 0
		for i < len(c) {
			r, size := utf8.DecodeRune(c[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return model.Diagnostic{Kind: model.ParseError, Span: source.Span{File: f, Start: i, End: i},
			Message: fmt.Sprintf("file is not valid UTF-8 (byte 0x%02x): PostgreSQL would reject it; convert it to UTF-8", c[i])}, false
	}
	return model.Diagnostic{}, true
}

// parseBatch parses the statements as one text. It reports false when the
// text does not parse or pg_query disagrees with the splitter.
func parseBatch(f *source.File, stmts []stmt) bool {
	base := stmts[0].Span.Start
	text := string(f.Content[base:stmts[len(stmts)-1].Span.End])
	tree, err := parseSQL(text)
	if err != nil || len(tree.Stmts) != len(stmts) {
		return false
	}
	for k, rs := range tree.Stmts {
		stmts[k].Nodes = []*pg_query.Node{rs.Stmt}
		stmts[k].Base = base
	}
	return true
}

func parseOne(f *source.File, s *stmt) error {
	text := s.Span.Text()
	tree, err := parseSQL(text)
	if err != nil {
		return err
	}
	for _, rs := range tree.Stmts {
		s.Nodes = append(s.Nodes, rs.Stmt)
	}
	s.Base = s.Span.Start
	return nil
}

func parseDiag(f *source.File, at source.Span, err error) model.Diagnostic {
	d := model.Diagnostic{Kind: model.ParseError, Span: at}
	var pe *parser.Error
	if errors.As(err, &pe) {
		d.Message = shortMessage(pe.Message)
		if pe.Cursorpos > 0 {
			off := f.Offset(at.Start, pe.Cursorpos)
			d.Span = source.Span{File: f, Start: off, End: off}
		}
	} else {
		d.Message = shortMessage(err.Error())
	}
	return d
}

// shortMessage keeps a parser message to one readable line: PostgreSQL
// quotes the rest of the input after "at or near", which after an
// unterminated string or comment is the rest of the file (megabytes, and
// whatever secrets it holds).
func shortMessage(msg string) string {
	const near = `at or near "`
	if i := strings.Index(msg, near); i >= 0 {
		text := strings.TrimSuffix(msg[i+len(near):], `"`)
		cut := false
		if j := strings.IndexAny(text, "\r\n"); j >= 0 {
			text, cut = text[:j], true
		}
		if r := []rune(text); len(r) > 40 {
			text, cut = string(r[:40]), true
		}
		if cut {
			text += "…"
		}
		msg = msg[:i+len(near)] + text + `"`
	}
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		msg = msg[:i] + " …"
	}
	return msg
}
