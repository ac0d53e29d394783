//go:build js && wasm

package jsapi

import (
	"errors"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Go panic behind an export reaches JavaScript as an {error} result, and the runtime keeps
// answering: a panic that crossed into JavaScript would stop every later call of the page.
func TestRegisterTurnsFailuresIntoErrorResults(t *testing.T) {
	binding, err := safejs.Global().Get("Object")
	require.NoError(t, err)
	binding, err = binding.New()
	require.NoError(t, err)
	require.NoError(t, Register(binding, "boom", func([]safejs.Value) (any, error) { panic("kaboom") }))
	require.NoError(t, Register(binding, "fails", func([]safejs.Value) (any, error) { return nil, errors.New("nope") }))
	require.NoError(t, Register(binding, "works", func([]safejs.Value) (any, error) { return "fine", nil }))

	for name, want := range map[string]string{"boom": "nango-wasm internal error in boom: kaboom", "fails": "nope"} {
		r, err := binding.Call(name)
		require.NoError(t, err, "the call must not throw")
		e, err := r.Get("error")
		require.NoError(t, err)
		typ, _ := e.Get("type")
		msg, _ := e.Get("message")
		ts, _ := typ.String()
		ms, _ := msg.String()
		assert.Equal(t, "unknown_error", ts, name)
		assert.Equal(t, want, ms, name)
	}
	r, err := binding.Call("works")
	require.NoError(t, err)
	s, _ := r.String()
	assert.Equal(t, "fine", s, "the runtime is still alive")
}
