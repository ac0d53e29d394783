package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// decodeJS decodes JSON into the core's value model, keeping key order and turning
// {"$undefined": true} into Undefined, as the golden generator writes it.
func decodeJS(t *testing.T, raw []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeValue(dec)
	require.NoError(t, err)
	return v
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '[' {
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := dec.Token()
			return arr, err
		}
		obj := NewObject()
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			obj.Set(k.(string), v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		if obj.Len() == 1 && obj.Has("$undefined") {
			return Undefined, nil
		}
		return obj, nil
	case json.Number:
		return tok.Float64()
	default:
		return tok, nil
	}
}

func obj(kv ...any) *Object {
	o := NewObject()
	for i := 0; i < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// goResolver stands in for the browser's URL parser in native tests. It is close to the WHATWG
// parser for the URLs the tests use; the real one runs in the browser tests.
func goResolver(ref, base string) (string, string, error) {
	var u *url.URL
	var err error
	if base == "" {
		u, err = url.Parse(ref)
	} else {
		var b *url.URL
		if b, err = url.Parse(base); err == nil {
			u, err = b.Parse(ref)
		}
	}
	if err != nil {
		return "", "", err
	}
	if u.Scheme == "" || u.Host == "" || strings.ContainsAny(u.Host, " ") {
		return "", "", errors.New("invalid URL")
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String(), u.Scheme + "://" + u.Host, nil
}
