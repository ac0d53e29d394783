//go:build js && wasm

package browser

import (
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnectUI(t *testing.T) {
	w := fakeBrowser(t)
	doc := fakeDocument(t)
	require.NoError(t, waitFor(func() bool { return LiveFuncs() == 0 }))
	events := jsEval(t, `[]`)
	props := jsEval(t, `({ sessionToken: 'tok', baseURL: 'http://127.0.0.1:3003/connect', apiURL: 'http://127.0.0.1:3003', lang: 'fr', themeOverride: 'dark' })`)
	onEvent, err := newCallback(func(_ safejs.Value, args []safejs.Value) any {
		_, _ = events.Call("push", args[0])
		return nil
	}, nil)
	require.NoError(t, err)
	defer onEvent.Release()
	before := LiveFuncs()

	u, err := NewConnectUI(ToGo(props), safejs.Undefined(), onEvent.Value(), nil)
	require.NoError(t, err)
	require.NoError(t, u.Open())
	require.NoError(t, u.Open(), "a second open() is a no-op")
	n, _ := get(t, doc, "body", "children").Length()
	assert.Equal(t, 1, n, "one iframe")
	iframe := get(t, doc, "body", "children", 0)
	assert.Equal(t, "http://127.0.0.1:3003/connect/?apiURL=http%3A%2F%2F127.0.0.1%3A3003&lang=fr&theme=dark", str(t, get(t, iframe, "src")))
	assert.Equal(t, "connect-ui", str(t, get(t, iframe, "id")))
	assert.Equal(t, "hidden", str(t, get(t, doc, "body", "style", "overflow")))
	frameWin := get(t, iframe, "contentWindow")

	ready := jsEval(t, `({ type: 'ready' })`)
	deliver(t, w, ready, "http://evil.test", frameWin)                              // wrong origin
	deliver(t, w, ready, "http://127.0.0.1:3003", jsEval(t, `({})`))                // right origin, another window
	deliver(t, w, jsEval(t, `({ payload: 1 })`), "http://127.0.0.1:3003", frameWin) // no type
	n, _ = events.Length()
	assert.Zero(t, n, "nothing forwarded yet")
	n, _ = get(t, frameWin, "posted").Length()
	assert.Zero(t, n, "no token sent before ready")

	deliver(t, w, ready, "http://127.0.0.1:3003", frameWin)
	posted := get(t, frameWin, "posted", 0)
	assert.Equal(t, "session_token", str(t, get(t, posted, "data", "type")))
	assert.Equal(t, "tok", str(t, get(t, posted, "data", "sessionToken")))
	assert.Equal(t, "http://127.0.0.1:3003", str(t, get(t, posted, "targetOrigin")), "the token goes to the Connect UI's origin only")

	u.SetSessionToken("tok-2")
	assert.Equal(t, "tok-2", str(t, get(t, frameWin, "posted", 1, "data", "sessionToken")))

	deliver(t, w, jsEval(t, `({ type: 'connect', payload: { providerConfigKey: 'zendesk', connectionId: 'c' } })`), "http://127.0.0.1:3003", frameWin)
	deliver(t, w, jsEval(t, `({ type: 'close' })`), "http://127.0.0.1:3003", frameWin)
	n, _ = events.Length()
	require.Equal(t, 3, n)
	assert.Equal(t, "ready", str(t, get(t, events, 0, "type")))
	assert.Equal(t, "zendesk", str(t, get(t, events, 1, "payload", "providerConfigKey")))
	assert.Equal(t, "close", str(t, get(t, events, 2, "type")))

	n, _ = get(t, doc, "body", "children").Length()
	assert.Zero(t, n, "close removed the iframe")
	assert.Equal(t, "scroll", str(t, get(t, doc, "body", "style", "overflow")), "the page's own overflow is back")
	assert.Equal(t, before, LiveFuncs(), "close released the listener")

	deliver(t, w, ready, "http://127.0.0.1:3003", frameWin)
	n, _ = events.Length()
	assert.Equal(t, 3, n, "nothing after close")
}

// A baseURL that is not http(s) is refused before anything is mounted: a javascript: URL in
// the iframe would run in the app's own origin.
func TestConnectUIRefusesNonHTTPBaseURL(t *testing.T) {
	fakeBrowser(t)
	doc := fakeDocument(t)
	for _, base := range []string{"javascript:alert(document.domain)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "not a url"} {
		u, err := NewConnectUI(ToGo(jsEval(t, `({ sessionToken: 'tok', baseURL: `+jsString(base)+` })`)), safejs.Undefined(), safejs.Undefined(), nil)
		require.NoError(t, err)
		requireAuthError(t, u.Open(), auth.InvalidOptions)
	}
	n, _ := get(t, doc, "body", "children").Length()
	assert.Zero(t, n, "no iframe was mounted")
}

func jsString(s string) string {
	v, _ := global("JSON").Call("stringify", s)
	out, _ := v.String()
	return out
}
