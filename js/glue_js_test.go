//go:build js && wasm

// Package glue_test holds the glue's JavaScript rules (js/popup.js, js/values.js) equal to the Go
// rules they stand in for: the same JavaScript values go through both, in Node (make test-wasm).
package glue_test

import (
	"fmt"
	"math"
	"os"
	"syscall/js"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/nango-wasm/nango-wasm/wasm/browser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// glue evaluates js/popup.js and js/values.js and returns their functions by name.
func glue(t *testing.T) safejs.Value {
	t.Helper()
	return eval(t, glueSource(t)+"return { nangoPopupFeatures, nangoOpensPopup, nangoEncodeValue, nangoReadOptions, nangoCallArgs };")
}

// glueSource is js/popup.js and js/values.js. AuthError is js/runtime.js's, which cannot run
// alone (it starts the Go runtime): the e2e tests check the real one's errors
// (e2e/unreadable_test.go).
func glueSource(t *testing.T) string {
	t.Helper()
	src := "class AuthError extends Error { constructor(message, type, options) { super(message, options); this.type = type; } }\n"
	for _, name := range []string{"popup.js", "values.js"} {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		src += string(b) + "\n"
	}
	return src
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

// What the glue encodes for nango.wasm (js/values.js) decodes to what browser.ToGo reads from the
// same value across the bridge: shapes, key order, numbers of every kind, strings JSON escapes,
// opaque values, cycles and nesting beyond ToGo's depth.
func TestEncodedValuesEqualToGo(t *testing.T) {
	g := glue(t)
	cases := eval(t, `
		const cyclic = { name: "c" }; cyclic.self = cyclic;
		let deep = { end: true }; for (let i = 0; i < 40; i++) deep = { next: deep, i };
		class Thing { constructor() { this.a = 1; } }
		const sparse = [1, , 3]; sparse.extra = 'ignored';
		return [
			undefined, null, true, false, 0, -0, 1, -1, 42, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 0.1, -2.5e-7, 1e21, 1e300, NaN, Infinity, -Infinity, 5e-324,
			'', 'acme', 'quote " backslash \\ slash / tab \t newline \n nul \u0000 del \u007f', 'é ü 日本 🎉', '\ud800 lone', 'lone \udc00', '\ud83c\udf89',
			[], [1, 'two', null, undefined, [true]], sparse, {}, Object.create(null),
			{ b: 1, 2: 'two', a: [true, null, undefined, 'x'], u: undefined, n: { deep: 'yes' } },
			{ params: { subdomain: 'acme' }, authorization_params: { nango_dev_fault: 'auto_approve' }, user_scope: ['a', 'b'], timeout: Infinity },
			{ 'key "quoted"': 1, '': 2, 'ключ': 3 },
			function named() {}, () => 1, Symbol('s'), 10n, new Date(0), new Thing(), new Map(), /re/, new AbortController().signal,
			{ f() {}, d: new Date(0), s: Symbol('x') }, cyclic, deep,
		];`)
	n, err := cases.Length()
	require.NoError(t, err)
	for i := range n {
		v, _ := cases.Index(i)
		encoded, err := g.Call("nangoEncodeValue", v)
		require.NoError(t, err)
		text, _ := encoded.String()
		got, err := auth.DecodeValue(text)
		require.NoError(t, err, "case %d: %s", i, text)
		var want any = auth.Opaque{Kind: "bigint"} // which syscall/js cannot read (Value.Type panics)
		if text != `!"bigint"` {
			want = browser.ToGo(v)
		}
		assert.Equal(t, goString(want), goString(got), "case %d: %s", i, text)
	}
	require.Greater(t, n, 45)

}

// A read that throws (a getter, a Proxy trap, a revoked Proxy) is an AuthError of type
// invalid_options that names the option where it is, says what was thrown, and keeps it as its
// cause. (Through ToGo it would stop the Go runtime: syscall/js's property read does not catch
// what JavaScript throws.)
func TestUnreadableValuesAreNamedErrors(t *testing.T) {
	g := glue(t)
	cases := eval(t, `
		const boom = () => { throw new Error('boom'); };
		const trap = new Proxy({ a: 1 }, { get: boom });
		const revoked = Proxy.revocable({}, {}); revoked.revoke();
		return [
			[{ ok: 1, get bad() { return boom(); }, after: 'x' }, 'the option bad could not be read: boom'],
			[{ params: { list: [1, { get deep() { return boom(); } }] } }, 'the option params.list[1].deep could not be read: boom'],
			[{ params: trap }, 'the option params.a could not be read: boom'],
			[trap, 'the option a could not be read: boom'],
			[new Proxy({}, { ownKeys: boom }), 'the options could not be read: boom'],
			[{ nested: new Proxy({}, { getPrototypeOf: boom }) }, 'the option nested could not be read: boom'],
			[{ gone: revoked.proxy }, "the option gone could not be read: Cannot perform 'IsArray' on a proxy that has been revoked"],
			[{ get odd() { throw { get message() { return boom(); } }; } }, 'the option odd could not be read: a value that cannot be read'],
			[{ get text() { throw 'plain'; } }, 'the option text could not be read: plain'],
		];`)
	compared := eachPair(t, cases, func(i int, v, want safejs.Value) bool {
		_, err := g.Call("nangoEncodeValue", v)
		requireInvalidOptions(t, err, str(want), "case %d", i)
		return true
	})
	require.Equal(t, 9, compared)

	// An options object is copied, each getter read once, and its copy encoded; when the copy
	// fails, the error still names the option.
	got, err := g.Call("nangoReadOptions", eval(t, `return { host: 'h', get width() { return 800; } };`), "the Nango option")
	require.NoError(t, err)
	copied, _ := got.Index(0)
	encoded, _ := got.Index(1)
	assert.Equal(t, `{"host":"h","width":800}`, describe(copied))
	assert.Equal(t, `{"host":"h","width":800}`, str(encoded))
	_, err = g.Call("nangoReadOptions", eval(t, `return new Proxy({ host: 'h' }, { get() { throw new Error('boom'); } });`), "the Nango option")
	requireInvalidOptions(t, err, "the Nango option host could not be read: boom", "a Proxy")
}

// requireInvalidOptions checks err is what the glue throws: an AuthError of type invalid_options
// with that message, whose cause is what was thrown.
func requireInvalidOptions(t *testing.T, err error, message string, msgAndArgs ...any) {
	t.Helper()
	var thrown js.Error
	require.ErrorAs(t, err, &thrown, msgAndArgs...)
	e := safejs.Safe(thrown.Value)
	typ, _ := e.Get("type")
	msg, _ := e.Get("message")
	cause, _ := e.Get("cause")
	assert.Equal(t, "invalid_options", str(typ), msgAndArgs...)
	assert.Equal(t, message, str(msg), msgAndArgs...)
	assert.NotEqual(t, safejs.TypeUndefined, cause.Type(), msgAndArgs...)
}

// items is a JavaScript array's items, as arguments for a call.
func items(t *testing.T, arr safejs.Value) []any {
	t.Helper()
	n, err := arr.Length()
	require.NoError(t, err)
	list := make([]any, n)
	for i := range list {
		list[i], _ = arr.Index(i)
	}
	return list
}

func str(v safejs.Value) string {
	s, _ := v.String()
	return s
}

// nangoCallArgs encodes every argument and hands nango.wasm, for the signal option (the options
// argument's first, as in their merge), the glue's own AbortSignal that follows it: it aborts
// with the app signal's reason as text, and nango.wasm never reads the app's object.
func TestCallArgsFollowTheSignal(t *testing.T) {
	g := glue(t)
	got := eval(t, `
		const { nangoCallArgs } = (() => { `+glueSource(t)+` return { nangoCallArgs }; })();
		const a = new AbortController(), b = new AbortController(), done = new AbortController();
		done.abort(new Error('already gone'));
		const follows = (args, controller, reason) => {
			const [encoded, own] = nangoCallArgs(...args);
			if (!(own instanceof AbortSignal) || own === controller.signal || own.aborted !== controller.signal.aborted) return 'not a follower: ' + encoded;
			if (!controller.signal.aborted) controller.abort(reason);
			return own.aborted + ' ' + JSON.stringify(own.reason) + ' ' + encoded;
		};
		const once = nangoCallArgs('k', { signal: b.signal })[1];
		return [
			follows(['k', { signal: a.signal }, { signal: b.signal }], a, 'left'),
			String(once === nangoCallArgs('k', 'conn', { signal: b.signal })[1]),
			follows(['k', { signal: null }, { signal: b.signal }], b, new Error('user left')),
			follows(['k', { signal: done.signal }], done),
			follows(['k', 'conn', { signal: new AbortController().signal }], { signal: { aborted: false }, abort() {} }),
			String(nangoCallArgs('k', [], undefined)[1]) + ' ' + nangoCallArgs('k', [], undefined)[0],
			nangoCallArgs('k').length + ' ' + String(nangoCallArgs('k')[1]) + ' ' + nangoCallArgs('k')[0],
		];`)
	want := []string{
		`true "left" ["k",{"signal":!"object"},{"signal":!"object"}]`,
		"true",
		`true "user left" ["k",{"signal":null},{"signal":!"object"}]`,
		`true "already gone" ["k",{"signal":!"object"}]`,
		`false undefined ["k","conn",{"signal":!"object"}]`,
		"undefined [\"k\",[],u]",
		"2 undefined [\"k\"]",
	}
	for i, w := range want {
		v, err := got.Index(i)
		require.NoError(t, err)
		assert.Equal(t, w, str(v), "case %d", i)
	}

	for i, c := range []struct{ args, message string }{
		{`'k', { signal: 'no' }`, "the option signal is not an AbortSignal: signal.addEventListener is not a function"},
		{`'k', { get signal() { throw new Error('x'); } }, { signal: new AbortController().signal }`, "the option signal could not be read: x"},
		{`'k', { signal: { get aborted() { throw new Error('boom'); }, addEventListener() {} } }`, "the option signal.aborted could not be read: boom"},
		{`'k', { signal: new (class { get aborted() { throw new Error('boom'); } })() }`, "the option signal is not an AbortSignal: boom"},
		{`'k', 'conn', { signal: { aborted: false, addEventListener() { throw new Error('refused'); } } }`, "the option signal is not an AbortSignal: refused"},
	} {
		_, err := g.Call("nangoCallArgs", items(t, eval(t, `return [`+c.args+`];`))...)
		requireInvalidOptions(t, err, c.message, "case %d", i)
	}
}

// goString prints a value of the model with numbers by their bits, so -0 and NaN compare.
func goString(v any) string {
	switch v := v.(type) {
	case float64:
		return fmt.Sprintf("num(%x)", math.Float64bits(v))
	case []any:
		s := "["
		for _, item := range v {
			s += goString(item) + ","
		}
		return s + "]"
	case *auth.Object:
		s := "{"
		for _, k := range v.Keys() {
			item, _ := v.Get(k)
			s += fmt.Sprintf("%q:%s,", k, goString(item))
		}
		return s + "}"
	}
	return fmt.Sprintf("%#v", v)
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
