//go:build js && wasm

package browser

import (
	"errors"
	"testing"

	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestToGoKeepsJavaScriptShapes(t *testing.T) {
	v := ToGo(jsEval(t, `({ b: 1, 2: 'two', a: [true, null, undefined, 'x'], u: undefined, n: { deep: 'yes' }, f() {}, d: new Date(0) })`))
	o, ok := v.(*auth.Object)
	require.True(t, ok)
	assert.Equal(t, []string{"2", "b", "a", "u", "n", "f", "d"}, o.Keys(), "JavaScript's key order")
	b, _ := o.Get("b")
	assert.Equal(t, 1.0, b)
	a, _ := o.Get("a")
	assert.Equal(t, []any{true, nil, auth.Undefined, "x"}, a)
	u, _ := o.Get("u")
	assert.Equal(t, auth.Undefined, u)
	n, _ := o.Object("n")
	deep, _ := n.String("deep")
	assert.Equal(t, "yes", deep)
	f, _ := o.Get("f")
	assert.IsType(t, auth.Opaque{}, f)
	d, _ := o.Get("d")
	assert.IsType(t, auth.Opaque{}, d, "class instances are not walked")
}

func TestToGoSurvivesCycles(t *testing.T) {
	v := ToGo(jsEval(t, `(() => { const o = {}; o.self = o; return o; })()`))
	require.IsType(t, &auth.Object{}, v)
}

func TestSettlerGoRecoversPanics(t *testing.T) {
	held := jsEval(t, `(() => { const o = {}; o.p = new Promise((a, b) => { o.resolve = a; o.reject = b; }); return o; })()`)
	SettlerOf(get(t, held, "resolve"), get(t, held, "reject")).Go(func() (any, error) { panic("boom") })
	_, err := Await(get(t, held, "p"), nil)
	require.Error(t, err)
	assert.Equal(t, "nango-wasm internal error: boom", err.Error())
}

func TestAwait(t *testing.T) {
	v, err := Await(jsEval(t, `Promise.resolve(42)`), nil)
	require.NoError(t, err)
	n, _ := v.Int()
	assert.Equal(t, 42, n)
	_, err = Await(jsEval(t, `Promise.reject(new Error('nope'))`), nil)
	assert.EqualError(t, err, "nope")
	stop := make(chan struct{})
	close(stop)
	_, err = Await(jsEval(t, `new Promise(() => {})`), stop)
	assert.True(t, errors.Is(err, errStopped))
}

// A WebSocket frame reads the same whichever way it goes: compact JSON with integers in Go from
// the one string, any other JSON through JSON.parse; what is not JSON is no frame.
func TestFrameValue(t *testing.T) {
	for _, text := range []string{
		`{"message_type":"success","provider_config_key":"zendesk","connection_id":"c-1","is_pending":false,"n":[1,null]}`,
		"{ \"message_type\": \"error\",\n  \"error_type\": \"x\", \"ratio\": 0.5, \"big\": 1e300 }",
	} {
		got, ok := frameValue(jsEval(t, jsString(text)))
		require.True(t, ok, text)
		want := ToGo(jsEval(t, "JSON.parse("+jsString(text)+")"))
		assert.Equal(t, want, got, text)
	}
	_, ok := frameValue(jsEval(t, `'not json'`))
	assert.False(t, ok)
}
