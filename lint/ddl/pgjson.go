package ddl

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"
)

//go:generate go run ./internal/pgjsongen/gen

// parseSQL parses SQL text into the tree pg_query.Parse returns, with the
// same errors, in a little over half its time: libpg_query prints a tree
// as JSON about three times faster than it packs it as protobuf
// (protobuf-c walks all 270 members of every node's oneof), and the
// generated decoder (pgjson_gen.go) reads that JSON straight into
// pg_query's structs, a Node, its wrapper and its message in one
// allocation. Should the decoder meet anything it does not expect (a
// newer libpg_query, say), the text is parsed the usual way.
func parseSQL(text string) (*pg_query.ParseResult, error) {
	js, err := parser.ParseToJSON(text)
	if err != nil {
		return nil, err
	}
	if tree, err := decodeTree(js); err == nil {
		return tree, nil
	}
	return pg_query.Parse(text)
}

// decodeTree decodes libpg_query's JSON parse tree.
func decodeTree(js string) (*pg_query.ParseResult, error) {
	d := &treeDecoder{s: js}
	tree := decodeJSONParseResult(d)
	d.space()
	if d.err == nil && (tree == nil || d.i != len(d.s)) {
		d.fail()
	}
	if d.err != nil {
		return nil, d.err
	}
	return tree, nil
}

var errTreeJSON = errors.New("ddl: unexpected JSON in pg_query's parse tree")

// treeDecoder reads the JSON of a parse tree. After the first error every
// method returns zero values and the decoding unwinds.
type treeDecoder struct {
	s   string
	i   int
	err error
	// key is the member name member just read.
	key string
}

func (d *treeDecoder) fail() {
	if d.err == nil {
		d.err = errTreeJSON
	}
	d.i = len(d.s)
}

// unknown is a member the decoder has no field for.
func (d *treeDecoder) unknown() { d.fail() }

// oneof fails when a oneof already holds a member.
func (d *treeDecoder) oneof(set bool) {
	if set {
		d.fail()
	}
}

// notNull fails on a null element of a list of nodes.
func notNull[T any](d *treeDecoder, v *T) *T {
	if v == nil {
		d.fail()
	}
	return v
}

func (d *treeDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (d *treeDecoder) peek() byte {
	d.space()
	if d.i >= len(d.s) {
		return 0
	}
	return d.s[d.i]
}

// null consumes a null.
func (d *treeDecoder) null() bool {
	if d.peek() == 'n' && strings.HasPrefix(d.s[d.i:], "null") {
		d.i += len("null")
		return true
	}
	return false
}

// object starts an object; false for null (and on error).
func (d *treeDecoder) object() bool {
	if d.null() {
		return false
	}
	if d.peek() != '{' {
		d.fail()
		return false
	}
	d.i++
	return true
}

// member reads the next member name of an object into d.key and consumes
// the colon; false at the closing brace.
func (d *treeDecoder) member(first *bool) bool {
	c := d.peek()
	if c == '}' {
		d.i++
		return false
	}
	if !*first {
		if c != ',' {
			d.fail()
			return false
		}
		d.i++
	}
	*first = false
	if d.peek() != '"' {
		d.fail()
		return false
	}
	d.key = d.rawString()
	if d.peek() != ':' {
		d.fail()
		return false
	}
	d.i++
	return d.err == nil
}

// element moves to the next element of an array (the first call consumes
// the opening bracket; null counts as an empty array); false at the end.
func (d *treeDecoder) element(first *bool) bool {
	c := d.peek()
	if *first {
		*first = false
		if d.null() {
			return false
		}
		if c != '[' {
			d.fail()
			return false
		}
		d.i++
		if d.peek() == ']' {
			d.i++
			return false
		}
		return d.err == nil
	}
	switch c {
	case ']':
		d.i++
		return false
	case ',':
		d.i++
		return d.err == nil
	}
	d.fail()
	return false
}

// rawString reads a string token without copying it when it has no
// escapes: member names, which are only compared.
func (d *treeDecoder) rawString() string {
	rest := d.s[d.i+1:]
	q := strings.IndexByte(rest, '"')
	if q < 0 {
		d.fail()
		return ""
	}
	if strings.IndexByte(rest[:q], '\\') >= 0 {
		return d.escapedString()
	}
	d.i += 1 + q + 1
	return rest[:q]
}

// str reads a string value. It is copied: the tree outlives the JSON
// text, whose every byte a substring would keep alive.
func (d *treeDecoder) str() string {
	if d.peek() != '"' {
		d.fail()
		return ""
	}
	s := d.rawString()
	if !utf8.ValidString(s) {
		// encoding/json would have replaced the bad bytes; libpg_query
		// only prints what it read, and lint reads UTF-8 only.
		d.fail()
		return ""
	}
	return strings.Clone(s)
}

// escapedString decodes a string token with escapes (d.i at its quote).
func (d *treeDecoder) escapedString() string {
	var b strings.Builder
	j := d.i + 1
	for j < len(d.s) {
		c := d.s[j]
		switch {
		case c == '"':
			d.i = j + 1
			return b.String()
		case c < 0x20:
			d.fail()
			return ""
		case c != '\\':
			b.WriteByte(c)
			j++
			continue
		}
		if j+1 >= len(d.s) {
			break
		}
		esc := d.s[j+1]
		j += 2
		switch esc {
		case '"', '\\', '/':
			b.WriteByte(esc)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := d.hex4(j)
			if !ok {
				d.fail()
				return ""
			}
			j += 4
			if utf16IsSurrogate(r) {
				// A pair is two escapes; a lone half is invalid.
				lo, ok := d.hex4(j + 2)
				if !ok || d.s[j] != '\\' || d.s[j+1] != 'u' || lo < 0xdc00 || lo > 0xdfff || r > 0xdbff {
					d.fail()
					return ""
				}
				r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
				j += 6
			}
			b.WriteRune(r)
		default:
			d.fail()
			return ""
		}
	}
	d.fail()
	return ""
}

func utf16IsSurrogate(r rune) bool { return r >= 0xd800 && r <= 0xdfff }

// hex4 reads the four hex digits of a \u escape at j.
func (d *treeDecoder) hex4(j int) (rune, bool) {
	if j+4 > len(d.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(d.s[j:j+4], 16, 32)
	return rune(n), err == nil
}

// number returns the text of a number token.
func (d *treeDecoder) number() string {
	d.space()
	start := d.i
	for d.i < len(d.s) && strings.IndexByte("0123456789+-.eE", d.s[d.i]) >= 0 {
		d.i++
	}
	if d.i == start {
		d.fail()
	}
	return d.s[start:d.i]
}

func (d *treeDecoder) int64() int64 {
	n, err := strconv.ParseInt(d.number(), 10, 64)
	if err != nil {
		d.fail()
	}
	return n
}

func (d *treeDecoder) uint64() uint64 {
	n, err := strconv.ParseUint(d.number(), 10, 64)
	if err != nil {
		d.fail()
	}
	return n
}

func (d *treeDecoder) int32() int32 {
	n := d.int64()
	if n < math.MinInt32 || n > math.MaxInt32 {
		d.fail()
	}
	return int32(n)
}

func (d *treeDecoder) uint32() uint32 {
	n := d.uint64()
	if n > math.MaxUint32 {
		d.fail()
	}
	return uint32(n)
}

func (d *treeDecoder) float64() float64 {
	f, err := strconv.ParseFloat(d.number(), 64)
	if err != nil {
		d.fail()
	}
	return f
}

func (d *treeDecoder) boolean() bool {
	switch {
	case d.peek() == 't' && strings.HasPrefix(d.s[d.i:], "true"):
		d.i += len("true")
		return true
	case d.peek() == 'f' && strings.HasPrefix(d.s[d.i:], "false"):
		d.i += len("false")
		return false
	}
	d.fail()
	return false
}

// enum reads an enum value by name (as libpg_query prints it) or number.
func (d *treeDecoder) enum(values map[string]int32) int32 {
	if d.peek() != '"' {
		return d.int32()
	}
	v, ok := values[d.rawString()]
	if !ok {
		d.fail()
	}
	return v
}
