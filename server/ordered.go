package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// orderedMap is a JSON object that keeps its keys in insertion order. Nango builds connection
// configs and authorization params as JS objects, whose order shows in the authorize query and
// in error messages ("Provided Connection Config: {…}"); a Go map would sort them.
type orderedMap struct {
	keys []string
	vals map[string]any
}

func newOrderedMap() *orderedMap { return &orderedMap{vals: map[string]any{}} }

func (m *orderedMap) Len() int {
	if m == nil {
		return 0
	}
	return len(m.keys)
}

func (m *orderedMap) Keys() []string {
	if m == nil {
		return nil
	}
	return m.keys
}

func (m *orderedMap) Get(k string) (any, bool) {
	if m == nil {
		return nil, false
	}
	v, ok := m.vals[k]
	return v, ok
}

// Set replaces a value in place, or appends a new key, as assigning to a JS object does.
func (m *orderedMap) Set(k string, v any) {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

func (m *orderedMap) Delete(k string) {
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

func (m *orderedMap) Clone() *orderedMap {
	c := newOrderedMap()
	c.Assign(m)
	return c
}

// Assign copies from's entries over m's, in from's order, as Object.assign(m, from) does.
func (m *orderedMap) Assign(from *orderedMap) {
	for _, k := range from.Keys() {
		m.Set(k, from.vals[k])
	}
}

// String returns the value as interpolation sees it: JS's String(v) for scalars, and
// ok=false for missing, empty and structured values, which Nango treats as missing.
func (m *orderedMap) String(k string) (string, bool) {
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

func (m *orderedMap) MarshalJSON() ([]byte, error) {
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
func (m *orderedMap) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("nango: expected a JSON object")
	}
	*m = orderedMap{vals: map[string]any{}}
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

// compactJSON renders v as JSON.stringify would: no HTML escaping (the text is escaped where it
// is shown, not here).
func compactJSON(v any) string {
	b, err := stableJSON(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
