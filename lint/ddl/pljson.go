package ddl

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonValue is a JSON value of pg_query's PL/pgSQL tree. Objects keep
// their members in document order, so the SQL texts of a body come out
// in the order they are written (a map would visit them in random order),
// and reading a tree costs a fraction of encoding/json's generic decoding.
type jsonValue struct {
	kind byte // '{' object, '[' array, '"' string, '0' number, 'l' true, false or null
	str  string
	num  float64
	keys []string     // object member names
	vals []*jsonValue // object member values or array elements
}

// get returns the value of an object member, or nil.
func (v *jsonValue) get(key string) *jsonValue {
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

// number returns a member's numeric value and whether it is a number.
func (v *jsonValue) number(key string) (float64, bool) {
	if m := v.get(key); m != nil && m.kind == '0' {
		return m.num, true
	}
	return 0, false
}

// maxJSONDepth bounds nesting: PL/pgSQL blocks nest, but not this deep.
const maxJSONDepth = 10000

var errJSON = errors.New("ddl: malformed PL/pgSQL parse tree")

// parseJSON reads one JSON document.
func parseJSON(src string) (*jsonValue, error) {
	p := jsonParser{src: src}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.src) {
		return nil, errJSON
	}
	return v, nil
}

type jsonParser struct {
	src string
	i   int
}

func (p *jsonParser) space() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*jsonValue, error) {
	if depth > maxJSONDepth {
		return nil, errJSON
	}
	p.space()
	if p.i >= len(p.src) {
		return nil, errJSON
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.string()
		return &jsonValue{kind: '"', str: s}, err
	case c == '-' || c >= '0' && c <= '9':
		j := p.i + 1
		for j < len(p.src) && strings.IndexByte("0123456789+-.eE", p.src[j]) >= 0 {
			j++
		}
		n, err := strconv.ParseFloat(p.src[p.i:j], 64)
		if err != nil {
			return nil, errJSON
		}
		p.i = j
		return &jsonValue{kind: '0', num: n}, nil
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(p.src[p.i:], lit) {
				p.i += len(lit)
				return &jsonValue{kind: 'l', str: lit}, nil
			}
		}
		return nil, errJSON
	}
}

func (p *jsonParser) object(depth int) (*jsonValue, error) {
	v := &jsonValue{kind: '{'}
	p.i++ // {
	p.space()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		p.space()
		if p.i >= len(p.src) || p.src[p.i] != '"' {
			return nil, errJSON
		}
		k, err := p.string()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return nil, errJSON
		}
		p.i++
		m, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.keys = append(v.keys, k)
		v.vals = append(v.vals, m)
		if done, err := p.next('}'); done || err != nil {
			return v, err
		}
	}
}

func (p *jsonParser) array(depth int) (*jsonValue, error) {
	v := &jsonValue{kind: '['}
	p.i++ // [
	p.space()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		e, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.vals = append(v.vals, e)
		if done, err := p.next(']'); done || err != nil {
			return v, err
		}
	}
}

// next consumes the comma between members or elements, or the closing
// bracket, reporting which.
func (p *jsonParser) next(closing byte) (done bool, err error) {
	p.space()
	if p.i >= len(p.src) {
		return false, errJSON
	}
	switch p.src[p.i] {
	case ',':
		p.i++
		return false, nil
	case closing:
		p.i++
		return true, nil
	}
	return false, errJSON
}

// string reads a string token. Strings with escapes (or anything else
// unusual) are decoded by encoding/json, which knows every escape
// (surrogate pairs included) and rejects what JSON does.
func (p *jsonParser) string() (string, error) {
	start := p.i
	p.i++         // "
	plain := true // no escape, no control character
	for p.i < len(p.src) {
		switch c := p.src[p.i]; {
		case c == '\\':
			plain = false
			p.i += 2
			continue
		case c < 0x20:
			plain = false
		case c == '"':
			p.i++
			if raw := p.src[start+1 : p.i-1]; plain && utf8.ValidString(raw) {
				return raw, nil
			}
			var s string
			if err := json.Unmarshal([]byte(p.src[start:p.i]), &s); err != nil {
				return "", errJSON
			}
			return s, nil
		}
		p.i++
	}
	return "", errJSON
}
