package auth

import (
	"errors"
	"math"
	"unicode/utf8"
)

// DecodeValue reads a value of the model (undefined, null, bool, float64, string, []any, *Object,
// Opaque) from the text the glue writes for it (nangoEncodeValue in js/values.js), so that the
// arguments of a call cross the Go/JavaScript bridge as one string: read key by key, each key
// and value was a bridge call of its own, with safejs's recover and a finalized reference, which
// was most of auth()'s own work. The text is JSON without whitespace and with integers only
// (so a compact JSON text whose numbers are integers reads as JSON.parse would read it), and:
//
//	u                     undefined
//	#7ff8000000000000     a number that is not a safe integer, or -0: its IEEE 754 bits in hex
//	                      (no float parsing in the wasm build; NaN and ±Infinity come through)
//	!"function"           an Opaque of that kind
//
// Anything else is an error.
func DecodeValue(text string) (any, error) {
	d := decoder{s: text}
	v, err := d.value()
	if err == nil && d.i != len(d.s) {
		err = d.fail()
	}
	return v, err
}

type decoder struct {
	s string
	i int
}

var errEncoded = errors.New("nango-wasm: the glue's encoded value is malformed")

func (d *decoder) fail() error { return errEncoded }

func (d *decoder) value() (any, error) {
	if d.i >= len(d.s) {
		return nil, d.fail()
	}
	c := d.s[d.i]
	switch {
	case c == 'u':
		d.i++
		return Undefined, nil
	case d.word("null"):
		return nil, nil
	case d.word("true"):
		return true, nil
	case d.word("false"):
		return false, nil
	case c == '"':
		return d.str()
	case c == '!':
		d.i++
		kind, err := d.str()
		return Opaque{Kind: kind}, err
	case c == '#':
		return d.bits()
	case c == '-' || '0' <= c && c <= '9':
		return d.integer()
	case c == '[':
		return d.array()
	case c == '{':
		return d.object()
	}
	return nil, d.fail()
}

// word consumes w when it is next.
func (d *decoder) word(w string) bool {
	if len(d.s)-d.i >= len(w) && d.s[d.i:d.i+len(w)] == w {
		d.i += len(w)
		return true
	}
	return false
}

// integer reads a safe integer as JSON writes it: at most 16 digits, so it fits an int64 and a
// float64 exactly; no leading zero, and no -0 (which the glue writes by its bits).
func (d *decoder) integer() (any, error) {
	neg := d.s[d.i] == '-'
	if neg {
		d.i++
	}
	start := d.i
	if d.i < len(d.s) && d.s[d.i] == '0' && (neg || d.i+1 < len(d.s) && '0' <= d.s[d.i+1] && d.s[d.i+1] <= '9') {
		return nil, d.fail()
	}
	var n int64
	for d.i < len(d.s) && '0' <= d.s[d.i] && d.s[d.i] <= '9' && d.i-start < 16 {
		n = n*10 + int64(d.s[d.i]-'0')
		d.i++
	}
	if d.i == start || n > 1<<53-1 {
		return nil, d.fail()
	}
	if neg {
		n = -n
	}
	return float64(n), nil
}

func (d *decoder) bits() (any, error) {
	d.i++
	if d.i+16 > len(d.s) {
		return nil, d.fail()
	}
	var b uint64
	for _, c := range []byte(d.s[d.i : d.i+16]) {
		h, ok := hexDigit(c)
		if !ok {
			return nil, d.fail()
		}
		b = b<<4 | uint64(h)
	}
	d.i += 16
	return math.Float64frombits(b), nil
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// str reads a JSON string as JSON.stringify writes it. A lone surrogate (which JSON.stringify
// escapes) becomes U+FFFD, as it does when syscall/js reads a JavaScript string.
func (d *decoder) str() (string, error) {
	if d.i >= len(d.s) || d.s[d.i] != '"' {
		return "", d.fail()
	}
	d.i++
	var out []byte
	start := d.i
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			out = append(out, d.s[start:d.i]...)
			d.i++
			return string(out), nil
		case c == '\\':
			out = append(out, d.s[start:d.i]...)
			r, err := d.escape()
			if err != nil {
				return "", err
			}
			out = utf8.AppendRune(out, r)
			start = d.i
		case c < 0x20:
			return "", d.fail()
		default:
			d.i++
		}
	}
	return "", d.fail()
}

// escape reads one escape sequence at d.i (a backslash) and returns the character it stands for.
func (d *decoder) escape() (rune, error) {
	if d.i+1 >= len(d.s) {
		return 0, d.fail()
	}
	c := d.s[d.i+1]
	d.i += 2
	if c != 'u' {
		for i := 0; i < len(simpleEscapes); i += 2 {
			if simpleEscapes[i] == c {
				return rune(simpleEscapes[i+1]), nil
			}
		}
		return 0, d.fail()
	}
	r, ok := d.hex4()
	if !ok {
		return 0, d.fail()
	}
	if r < 0xd800 || r > 0xdfff {
		return r, nil
	}
	// A high surrogate followed by an escaped low one is one character; any other is lone.
	if r < 0xdc00 && d.i+1 < len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
		d.i += 2
		lo, ok := d.hex4()
		if ok && 0xdc00 <= lo && lo <= 0xdfff {
			return 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00), nil
		}
		d.i -= 6 // not a pair: the second escape is read on its own
	}
	return utf8.RuneError, nil
}

// simpleEscapes pairs each one-letter escape of JSON with the byte it stands for.
const simpleEscapes = "\"\"\\\\//b\bf\fn\nr\rt\t"

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(d.s[d.i : d.i+4]) {
		h, ok := hexDigit(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(h)
	}
	d.i += 4
	return r, true
}

func (d *decoder) array() (any, error) {
	d.i++
	arr := []any{}
	for !d.skip(']') {
		if len(arr) > 0 && !d.skip(',') {
			return nil, d.fail()
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
	return arr, nil
}

func (d *decoder) object() (any, error) {
	d.i++
	obj := NewObject()
	for first := true; !d.skip('}'); first = false {
		if !first && !d.skip(',') {
			return nil, d.fail()
		}
		key, err := d.str()
		if err != nil || !d.skip(':') {
			return nil, d.fail()
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		obj.Set(key, v)
	}
	return obj, nil
}

// skip consumes c when it is next.
func (d *decoder) skip(c byte) bool {
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}
