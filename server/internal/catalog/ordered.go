package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// OrderedMap is a JSON object that keeps its keys in insertion order. Nango builds connection
// configs and authorization params as JS objects, whose order shows in the authorize query and
// in error messages ("Provided Connection Config: {…}"); a Go map would sort them.
type OrderedMap struct {
	keys []string
	vals map[string]any
}

// NewOrderedMap is an empty object.
func NewOrderedMap() *OrderedMap { return &OrderedMap{vals: map[string]any{}} }

func (m *OrderedMap) Len() int {
	if m == nil {
		return 0
	}
	return len(m.keys)
}

func (m *OrderedMap) Keys() []string {
	if m == nil {
		return nil
	}
	return m.keys
}

func (m *OrderedMap) Get(k string) (any, bool) {
	if m == nil {
		return nil, false
	}
	v, ok := m.vals[k]
	return v, ok
}

// Set replaces a value in place, or appends a new key, as assigning to a JS object does.
func (m *OrderedMap) Set(k string, v any) {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

func (m *OrderedMap) Delete(k string) {
	if _, ok := m.vals[k]; !ok {
		return
	}
	delete(m.vals, k)
	for i, key := range m.keys {
		if key == k {
			m.keys = append(m.keys[:i:i], m.keys[i+1:]...)
			break
		}
	}
}

func (m *OrderedMap) Clone() *OrderedMap {
	c := NewOrderedMap()
	c.Assign(m)
	return c
}

// Assign copies from's entries over m's, in from's order, as Object.assign(m, from) does.
func (m *OrderedMap) Assign(from *OrderedMap) {
	for _, k := range from.Keys() {
		m.Set(k, from.vals[k])
	}
}

// String returns the value as interpolation sees it: JS's String(v) for scalars, and
// ok=false for missing, empty and structured values, which Nango treats as missing.
func (m *OrderedMap) String(k string) (string, bool) {
	v, ok := m.Get(k)
	if !ok {
		return "", false
	}
	var s string
	switch t := v.(type) {
	case string:
		s = t
	case json.Number:
		s = t.String()
	case bool:
		s = strconv.FormatBool(t)
	case float64:
		s = strconv.FormatFloat(t, 'f', -1, 64)
	case int, int64, uint64:
		s = fmt.Sprint(t)
	default:
		return "", false
	}
	return s, s != ""
}

func (m *OrderedMap) MarshalJSON() ([]byte, error) {
	if m == nil {
		return []byte("null"), nil
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		// HTML escaping is left to the outer encoder, which applies it (or not) to the whole.
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(k); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1)
		buf.WriteByte(':')
		if err := enc.Encode(m.vals[k]); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON reads an object keeping its key order; numbers stay json.Number so they are
// written back exactly as received.
func (m *OrderedMap) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("nango: expected a JSON object")
	}
	*m = OrderedMap{vals: map[string]any{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		m.Set(key, v)
	}
	_, err = dec.Token()
	return err
}

// CompactJSON renders v as JSON.stringify would: no HTML escaping (the text is escaped where it
// is shown, not here).
func CompactJSON(v any) string {
	b, err := StableJSON(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// StableJSON writes v as JSON.stringify would after sorting keys: no HTML escaping, and
// U+2028 and U+2029 as they are (encoding/json always escapes them; JSON.stringify does not).
// Nango's legacy webhook verifier hashes JSON.stringify of the parsed body, so a body that is
// not already in that form fails it.
func StableJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return unescapeLineSeparators(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

// unescapeLineSeparators turns encoding/json's \u2028 and \u2029 back into the characters,
// escape by escape, so an escaped backslash followed by "u2028" stays text.
func unescapeLineSeparators(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u202`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		switch string(b[i:min(i+6, len(b))]) {
		case `\u2028`:
			out, i = append(out, "\u2028"...), i+5
		case `\u2029`:
			out, i = append(out, "\u2029"...), i+5
		default:
			out, i = append(out, b[i], b[i+1]), i+1
		}
	}
	return out
}
