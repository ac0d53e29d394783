//go:build js && wasm

package browser

import (
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/internal/jsfake"
)

// The fakes of the browser APIs live in package jsfake, shared with package nango's tests; these
// are their short names here.

func jsEval(t *testing.T, src string) safejs.Value { t.Helper(); return jsfake.Eval(t, src) }

func fakeBrowser(t *testing.T) safejs.Value { t.Helper(); return jsfake.Browser(t) }

func fakeDocument(t *testing.T) safejs.Value { t.Helper(); return jsfake.Document(t) }

func get(t *testing.T, v safejs.Value, path ...any) safejs.Value {
	t.Helper()
	return jsfake.Get(t, v, path...)
}

func str(t *testing.T, v safejs.Value) string { t.Helper(); return jsfake.String(t, v) }
