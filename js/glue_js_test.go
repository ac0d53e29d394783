//go:build js && wasm

// Package glue_test holds the glue's JavaScript rules (js/popup.js) equal to the Go rules they
// stand in for before nango.wasm is ready: the same JavaScript values go through both, in Node
// (make test-wasm).
package glue_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/nango-wasm/nango-wasm/wasm/browser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// glue evaluates js/popup.js and returns its functions by name.
func glue(t *testing.T) safejs.Value {
	t.Helper()
	src, err := os.ReadFile("popup.js")
	require.NoError(t, err)
	return eval(t, string(src)+"\nreturn { nangoPopupFeatures, nangoOpensPopup };")
}

// eval runs a function body in Node and returns what it returns.
func eval(t *testing.T, body string) safejs.Value {
	t.Helper()
	fn, err := safejs.Global().Get("Function")
	require.NoError(t, err)
	f, err := fn.New(body)
	require.NoError(t, err)
	v, err := f.Invoke()
	require.NoError(t, err)
	return v
}

// goldenLayouts are the anchor's own popup cases (make golden), as [screen, options] pairs.
const goldenLayouts = `const g = JSON.parse(require('fs').readFileSync('../wasm/auth/testdata/anchor_golden.json', 'utf8'));
return g.layout.map((c) => [{ width: c.screenWidth, height: c.screenHeight }, { width: c.width, height: c.height }]);`

// The window the glue opens early has the features nango.wasm would give it, for every screen
// and size option nango.wasm accepts (one it rejects fails the constructor, so the window's
// size no longer matters).
func TestPopupFeaturesEqualGo(t *testing.T) {
	cases := eval(t, `
		const screens = [{ width: 1920, height: 1080 }, { width: 1367, height: 769 }, { width: 400, height: 300 }, {}, { width: 2560.5, height: 1440 }, { width: NaN, height: 1e22 }];
		const options = [undefined, null, {}, { width: 800, height: 900 }, { width: 333.5, height: 444.25 }, { width: 0, height: null }, { width: 1e21 },
			{ width: '800' }, { height: -5 }, { width: Infinity }, { width: 700, debug: true, host: 'http://127.0.0.1:3003' }];
		return screens.flatMap((s) => options.map((o) => [s, o]));`)
	golden := eval(t, goldenLayouts)
	n := check(t, cases) + check(t, golden)
	require.Greater(t, n, 40)
}

// check compares the JavaScript and the Go features on [screen, options] pairs and returns how
// many it compared.
func check(t *testing.T, cases safejs.Value) int {
	t.Helper()
	g := glue(t)
	return eachPair(t, cases, func(i int, screen, options safejs.Value) bool {
		opts, aerr := auth.ParseClientOptions(browser.ToGo(options), browser.ResolveURL)
		if aerr != nil {
			return false
		}
		sw, sh := number(screen, "width"), number(screen, "height")
		want := auth.WindowFeatures(auth.ComputeLayout(sw, sh, opts.Width, opts.Height))
		got, err := g.Call("nangoPopupFeatures", screen, options)
		require.NoError(t, err)
		s, _ := got.String()
		assert.Equal(t, want, s, "case %d: screen %v×%v, options %s", i, sw, sh, describe(options))
		return true
	})
}

// eachPair calls compare on each [a, b] of a JavaScript array and returns how many it compared
// (compare reports false for a case it skips).
func eachPair(t *testing.T, cases safejs.Value, compare func(i int, a, b safejs.Value) bool) int {
	t.Helper()
	count, err := cases.Length()
	require.NoError(t, err)
	compared := 0
	for i := range count {
		c, _ := cases.Index(i)
		a, _ := c.Index(0)
		b, _ := c.Index(1)
		if compare(i, a, b) {
			compared++
		}
	}
	return compared
}

// number reads a screen dimension as browser.openPopup does: 0 unless it is a number.
func number(v safejs.Value, key string) float64 {
	p, err := v.Get(key)
	if err != nil || p.Type() != safejs.TypeNumber {
		return 0
	}
	f, _ := p.Float()
	return f
}

// The glue opens a window early exactly for the calls nango.wasm runs as popup flows: auth.ParseAuthCall's
// merge of the arguments and AuthCall.IsCustomAuth, on hand-picked shapes and on every auth()
// call of the anchor's routing goldens.
func TestOpensPopupEqualsGo(t *testing.T) {
	g := glue(t)
	cases := eval(t, `
		const cases = [
			[undefined, undefined], [{ params: { subdomain: 'acme' } }, undefined], ['conn-1', undefined], ['conn-1', { credentials: { apiKey: 'k' } }],
			[{ installation: 'outbound' }, undefined], [{ installation: 'inbound', credentials: { apiKey: 'k' } }, undefined],
			[{ credentials: { apiKey: 'k' } }, undefined], [{ credentials: { oauth_client_id_override: 'i', oauth_client_secret_override: 's' } }, undefined],
			[{ credentials: { oauth_client_id_override: 'i' } }, undefined],
			[{ credentials: { token_id: 't', token_secret: 's', oauth_client_id_override: 'i', oauth_client_secret_override: 's' } }, undefined],
			[{ credentials: {} }, undefined], [{ credentials: null }, undefined], [{ credentials: [] }, undefined], [{ credentials: 'k' }, undefined],
			[{}, { credentials: { apiKey: 'k' } }], [{ credentials: { oauth_client_id_override: 'i', oauth_client_secret_override: 's' } }, { credentials: { apiKey: 'k' } }],
			[{ credentials: { apiKey: 'k' } }, { credentials: { oauth_client_id_override: 'i', oauth_client_secret_override: 's' } }],
			[{ credentials: { oauth_client_id_override: undefined, oauth_client_secret_override: 's' } }, undefined],
			['conn-1', { installation: 'outbound' }], [null, { credentials: { apiKey: 'k' } }], [3, undefined], [[], undefined],
		];
		const g = JSON.parse(require('fs').readFileSync('../wasm/auth/testdata/anchor_golden.json', 'utf8'),
			(k, v) => (v && typeof v === 'object' && v.$undefined === true ? undefined : v));
		for (const r of g.routing) if (r.method === 'auth') cases.push([r.args[1], r.args[2]]);
		return cases;`)
	compared := eachPair(t, cases, func(i int, second, third safejs.Value) bool {
		call, aerr := auth.ParseAuthCall("k", browser.ToGo(second), browser.ToGo(third))
		if aerr != nil {
			return false // thrown synchronously once nango.wasm runs; the glue closes the window then
		}
		got, err := g.Call("nangoOpensPopup", second, third)
		require.NoError(t, err)
		b, _ := got.Bool()
		assert.Equal(t, !call.IsCustomAuth(), b, "case %d: %s, %s", i, describe(second), describe(third))
		return true
	})
	require.Greater(t, compared, 30)
}

func describe(v safejs.Value) string {
	j, err := safejs.Global().Get("JSON")
	if err != nil {
		return "?"
	}
	s, err := j.Call("stringify", v)
	if err != nil {
		return fmt.Sprint(v.Type())
	}
	str, _ := s.String()
	return str
}
