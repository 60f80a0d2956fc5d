package ddl

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"

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
// Data statements are skipped without a full parse.
func needsParse(s *rawStmt) bool {
	switch s.word(0) {
	case "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "TRUNCATE", "WITH", "TABLE", "VALUES",
		"BEGIN", "COMMIT", "END", "START", "ROLLBACK", "SAVEPOINT", "RELEASE", "ABORT",
		"ANALYZE", "ANALYSE", "VACUUM", "CLUSTER", "REINDEX", "CHECKPOINT", "LOCK",
		"LISTEN", "NOTIFY", "UNLISTEN", "DISCARD", "DEALLOCATE", "PREPARE", "FETCH", "MOVE",
		"CLOSE", "DECLARE", "LOAD", "EXPLAIN", "REFRESH", "SHOW", "COMMENT", "SECURITY":
		return false
	case "SELECT":
		return s.SetConfig
	}
	return true
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
	// Parse runs of consecutive statements that matter in one call; on
	// failure fall back to one call per statement to find the culprit.
	errs := 0
	for i := 0; i < len(raws); {
		if !needsParse(&raws[i]) {
			i++
			continue
		}
		j := i
		for j < len(raws) && needsParse(&raws[j]) {
			j++
		}
		if !parseBatch(f, pf.Stmts[i:j]) {
			for k := i; k < j; k++ {
				if err := parseOne(f, &pf.Stmts[k]); err != nil {
					errs++
					if errs <= maxParseErrors {
						pf.Diags = append(pf.Diags, parseDiag(f, pf.Stmts[k].Span, err))
					}
				}
			}
		}
		i = j
	}
	if errs > maxParseErrors {
		last := &pf.Diags[len(pf.Diags)-1]
		last.Message += fmt.Sprintf(" (and %d more statements in this file did not parse)", errs-maxParseErrors)
	}
	return pf
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
	tree, err := pg_query.Parse(text)
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
	tree, err := pg_query.Parse(text)
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
		d.Message = pe.Message
		if pe.Cursorpos > 0 {
			off := f.Offset(at.Start, pe.Cursorpos)
			d.Span = source.Span{File: f, Start: off, End: off}
		}
	} else {
		d.Message = err.Error()
	}
	return d
}
