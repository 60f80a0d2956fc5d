package probe

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// quoteLiteral quotes s as a SQL string literal that reads the same
// whatever standard_conforming_strings says (E'...' when s has a backslash),
// as PostgreSQL's quote_literal does.
func quoteLiteral(s string) string {
	if strings.Contains(s, `\`) {
		return "E'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", "''") + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// quoteIdent quotes a name for SQL when it needs it. Names read from the
// catalog come quoted by the server (quote_ident knows its keywords); this
// is for names from the configuration, such as roles.
func quoteIdent(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || i > 0 && (r >= '0' && r <= '9' || r == '$')) {
			plain = false
			break
		}
	}
	if plain && !reserved[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// reserved lists the keywords that cannot be a bare role name (SET ROLE
// user would mean something else).
var reserved = map[string]bool{
	"all": true, "analyse": true, "analyze": true, "and": true, "any": true, "array": true, "as": true,
	"asc": true, "asymmetric": true, "authorization": true, "both": true, "case": true, "cast": true,
	"check": true, "collate": true, "column": true, "constraint": true, "create": true, "current_role": true,
	"current_user": true, "default": true, "deferrable": true, "desc": true, "distinct": true, "do": true,
	"else": true, "end": true, "except": true, "false": true, "for": true, "foreign": true, "from": true,
	"grant": true, "group": true, "having": true, "in": true, "initially": true, "intersect": true,
	"into": true, "leading": true, "limit": true, "none": true, "not": true, "null": true, "offset": true,
	"on": true, "only": true, "or": true, "order": true, "placing": true, "primary": true,
	"public": true, "references": true, "returning": true, "select": true, "session_user": true,
	"some": true, "symmetric": true, "table": true, "then": true, "to": true, "trailing": true,
	"true": true, "union": true, "unique": true, "user": true, "using": true, "variadic": true,
	"when": true, "where": true, "window": true, "with": true,
}

// value is a SQL value as text plus the type to cast it to; expr values
// are SQL expressions used as written (DEFAULT, NULL).
type value struct {
	text string
	typ  string
	expr bool
}

func (v value) String() string {
	if v.expr {
		return v.text
	}
	if v.typ == "" {
		return quoteLiteral(v.text)
	}
	return quoteLiteral(v.text) + "::" + v.typ
}

func lit(text, typ string) value { return value{text: text, typ: typ} }

// stableHash derives a number from labels, so that seeded values are the
// same from one run to the next (reports stay comparable) and differ from
// table to table (they never collide with each other).
func stableHash(labels ...string) uint64 {
	h := sha256.New()
	h.Write([]byte("tenantguard probe"))
	for _, l := range labels {
		h.Write([]byte{0})
		h.Write([]byte(l))
	}
	return binary.BigEndian.Uint64(h.Sum(nil)[:8])
}

// stableUUID is a version 4 shaped UUID derived from labels.
func stableUUID(labels ...string) string {
	h := sha256.New()
	h.Write([]byte("tenantguard probe uuid"))
	for _, l := range labels {
		h.Write([]byte{0})
		h.Write([]byte(l))
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// freshValue is a value of a column's type that no existing row is likely
// to hold, for keys and unique columns: derived from labels, far from the
// values sequences hand out. ok is false for types it cannot make.
func freshValue(c *column, labels ...string) (value, bool) {
	h := stableHash(labels...)
	switch c.baseType {
	case "uuid":
		return lit(stableUUID(labels...), c.typ), true
	case "int2":
		return lit(strconv.FormatUint(32767-h%10000, 10), c.typ), true
	case "int4":
		return lit(strconv.FormatUint(2147483647-h%1000000, 10), c.typ), true
	case "int8":
		return lit(strconv.FormatUint(9223372036854775807-h%1000000000, 10), c.typ), true
	case "numeric", "float4", "float8", "money":
		return lit(strconv.FormatUint(100000+h%900000, 10), c.typ), true
	}
	switch c.category {
	case "S":
		return lit(fmt.Sprintf("tg-%06x", h%0xffffff), c.typ), true
	}
	return value{}, false
}

// plainValue is an ordinary value of a column's type, for NOT NULL
// columns the probe has to fill. ok is false for types it cannot make.
func plainValue(c *column, labels ...string) (value, bool) {
	if v, ok := freshValue(c, labels...); ok && (c.baseType == "uuid" || c.category == "S") {
		return v, true
	}
	switch c.category {
	case "N":
		return lit("1", c.typ), true
	case "B":
		return lit("false", c.typ), true
	case "D":
		return lit("now", c.typ), true
	case "T":
		return lit("0", c.typ), true
	case "E":
		if c.firstEnum != "" {
			return lit(c.firstEnum, c.typ), true
		}
	case "A":
		return lit("{}", c.typ), true
	case "I":
		return lit("127.0.0.1", c.typ), true
	case "R":
		return lit("empty", c.typ), true
	case "V":
		return lit("0", c.typ), true
	case "U":
		switch c.baseType {
		case "json", "jsonb":
			return lit("{}", c.typ), true
		case "bytea", "tsvector", "xml":
			return lit("", c.typ), true
		case "macaddr", "macaddr8":
			return lit("00:00:00:00:00:00", c.typ), true
		}
	}
	return value{}, false
}
