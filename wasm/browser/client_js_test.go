//go:build js && wasm

package browser

import (
	"errors"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testHost  = "http://127.0.0.1:3003"
	testToken = "nango_connect_session_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

func newTestClient(t *testing.T) *Client {
	t.Helper()
	opts := auth.NewObject()
	opts.Set("host", testHost+"/")
	opts.Set("connectSessionToken", testToken)
	c, err := NewClient(opts, safejs.Undefined(), safejs.Undefined())
	require.NoError(t, err)
	return c
}

func authCall(t *testing.T, extra ...any) auth.AuthCall {
	t.Helper()
	params := auth.NewObject()
	params.Set("subdomain", "acme")
	opts := auth.NewObject()
	opts.Set("params", params)
	opts.Set("transport", "postMessage")
	for i := 0; i+1 < len(extra); i += 2 {
		opts.Set(extra[i].(string), extra[i+1])
	}
	call, err := auth.ParseAuthCall("zendesk", opts, auth.Undefined)
	require.Nil(t, err)
	return call
}

// successMessage is the dev server's success message for the flow in popup: it echoes the nonce
// the flow sent with the popup's navigation.
func successMessage(t *testing.T, popup safejs.Value, id string) safejs.Value {
	t.Helper()
	return jsEval(t, `({ type: 'nango_oauth_callback_success', payload: { providerConfigKey: 'zendesk', connectionId: '`+id+`', isPending: false, nonce: '`+popupNonce(t, popup)+`' } })`)
}

// popupNonce reads the nonce from the URL the flow sent its popup to.
func popupNonce(t *testing.T, popup safejs.Value) string {
	t.Helper()
	u, err := global("URL").New(get(t, popup, "location"))
	require.NoError(t, err)
	nonce, err := get(t, u, "searchParams").Call("get", auth.NonceParam)
	require.NoError(t, err)
	require.Equal(t, safejs.TypeString, nonce.Type(), "the popup's URL carries the call's nonce")
	return str(t, nonce)
}

func deliver(t *testing.T, w safejs.Value, data safejs.Value, origin string, source safejs.Value) {
	t.Helper()
	_, err := w.Call("deliver", data, origin, source)
	require.NoError(t, err)
}

func requireAuthError(t *testing.T, err error, want auth.ErrorType) *auth.AuthError {
	t.Helper()
	var ae *auth.AuthError
	require.True(t, errors.As(err, &ae), "want an *auth.AuthError, got %v", err)
	assert.Equal(t, want, ae.Type)
	return ae
}

func TestStartOpensCentredPopupAndNavigatesIt(t *testing.T) {
	w := fakeBrowser(t)
	c := newTestClient(t)
	p, err := c.Start(authCall(t), safejs.Undefined())
	require.NoError(t, err)
	popup := get(t, w, "opened", 0)
	assert.Equal(t, "", str(t, get(t, popup, "openedWith", "url")), "opened blank, synchronously")
	assert.Equal(t, "_blank", str(t, get(t, popup, "openedWith", "target")))
	assert.Equal(t, "left=710,top=240,width=500,height=600,scrollbars=yes,resizable=yes,status=no,toolbar=no,location=no,copyhistory=no,menubar=no,directories=no", str(t, get(t, popup, "openedWith", "features")))
	nonce := popupNonce(t, popup)
	assert.Regexp(t, "^[0-9a-f]{32}$", nonce, "128 random bits")
	assert.Equal(t, testHost+"/oauth/connect/zendesk?nango_wasm_nonce="+nonce+"&connect_session_token="+testToken+"&params[subdomain]=acme", str(t, get(t, popup, "location")))
	p.Abort("test over")
	_, err = p.Wait()
	requireAuthError(t, err, auth.Aborted)
}

func TestTrustedMessageResolvesAndAcks(t *testing.T) {
	w := fakeBrowser(t)
	c := newTestClient(t)
	p, err := c.Start(authCall(t), safejs.Undefined())
	require.NoError(t, err)
	popup := get(t, w, "opened", 0)
	deliver(t, w, successMessage(t, popup, "c-1"), testHost, popup)
	r, err := p.Wait()
	require.NoError(t, err)
	assert.Equal(t, auth.Result{ProviderConfigKey: "zendesk", ConnectionID: "c-1"}, r)
	ack := get(t, popup, "received", 0)
	assert.Equal(t, "nango_oauth_callback_ack", str(t, get(t, ack, "data", "type")))
	assert.Equal(t, testHost, str(t, get(t, ack, "targetOrigin")), "the ack goes to the host's origin only")
}

func TestUntrustedMessagesAreIgnored(t *testing.T) {
	w := fakeBrowser(t)
	c := newTestClient(t)
	p, err := c.Start(authCall(t, "timeout", 300.0), safejs.Undefined())
	require.NoError(t, err)
	popup := get(t, w, "opened", 0)
	other := jsEval(t, `({ closed: false })`)
	deliver(t, w, successMessage(t, popup, "forged"), "http://evil.test", popup)
	deliver(t, w, successMessage(t, popup, "forged"), testHost, other)
	deliver(t, w, successMessage(t, popup, "forged"), testHost, safejs.Null())
	// From the host and the popup, but another flow's: the popup was navigated elsewhere.
	deliver(t, w, jsEval(t, `({ type: 'nango_oauth_callback_success', payload: { providerConfigKey: 'zendesk', connectionId: 'forged', nonce: '0123456789abcdef0123456789abcdef' } })`), testHost, popup)
	_, err = p.Wait()
	requireAuthError(t, err, auth.Timeout)
	n, _ := get(t, popup, "received").Length()
	assert.Zero(t, n, "no ack for an ignored message")
}

func TestBlockedPopup(t *testing.T) {
	for _, behaviour := range []string{"null", "closed"} {
		t.Run(behaviour, func(t *testing.T) {
			w := fakeBrowser(t)
			require.NoError(t, w.Set("openBehaviour", behaviour))
			p, err := newTestClient(t).Start(authCall(t), safejs.Undefined())
			require.NoError(t, err)
			_, err = p.Wait()
			ae := requireAuthError(t, err, auth.BlockedByBrowser)
			assert.Equal(t, "Modal blocked by browser", ae.Message)
		})
	}
}

func TestMissingTokenIsSynchronous(t *testing.T) {
	fakeBrowser(t)
	c, err := NewClient(auth.Undefined, safejs.Undefined(), safejs.Undefined())
	require.NoError(t, err)
	_, err = c.Start(authCall(t), safejs.Undefined())
	requireAuthError(t, err, auth.MissingAuthToken)
}

func TestDetectClosedAuthWindow(t *testing.T) {
	w := fakeBrowser(t)
	p, err := newTestClient(t).Start(authCall(t, "detectClosedAuthWindow", true), safejs.Undefined())
	require.NoError(t, err)
	_, err = get(t, w, "opened", 0).Call("close")
	require.NoError(t, err)
	_, err = p.Wait()
	requireAuthError(t, err, auth.WindowClosed)
}

func TestAbortSignal(t *testing.T) {
	fakeBrowser(t)
	controller := jsEval(t, `new AbortController()`)
	signal := get(t, controller, "signal")
	p, err := newTestClient(t).Start(authCall(t), signal)
	require.NoError(t, err)
	_, err = controller.Call("abort", "navigated away")
	require.NoError(t, err)
	_, err = p.Wait()
	ae := requireAuthError(t, err, auth.Aborted)
	assert.Contains(t, ae.Message, "navigated away")

	t.Run("already aborted opens no popup", func(t *testing.T) {
		w := fakeBrowser(t)
		p, err := newTestClient(t).Start(authCall(t), get(t, jsEval(t, `(() => { const c = new AbortController(); c.abort(); return c; })()`), "signal"))
		require.NoError(t, err)
		_, err = p.Wait()
		requireAuthError(t, err, auth.Aborted)
		n, _ := get(t, w, "opened").Length()
		assert.Zero(t, n)
	})
}

func TestNewerCallSupersedesAndClearAborts(t *testing.T) {
	w := fakeBrowser(t)
	c := newTestClient(t)
	first, err := c.Start(authCall(t), safejs.Undefined())
	require.NoError(t, err)
	second, err := c.Start(authCall(t), safejs.Undefined())
	require.NoError(t, err)
	_, err = first.Wait()
	requireAuthError(t, err, auth.Superseded)

	deliver(t, w, successMessage(t, get(t, w, "opened", 0), "late-for-the-first"), testHost, get(t, w, "opened", 0))
	c.Clear()
	_, err = second.Wait()
	requireAuthError(t, err, auth.Aborted)
}

// Every js.Func a flow makes is released when it settles, whichever way it settles.
func TestFlowsReleaseTheirFuncs(t *testing.T) {
	w := fakeBrowser(t)
	c := newTestClient(t)
	// Earlier tests' popups may still have their delayed close pending.
	require.NoError(t, waitFor(func() bool { return LiveFuncs() == 0 }))
	for i := 0; i < 20; i++ {
		p, err := c.Start(authCall(t), safejs.Undefined())
		require.NoError(t, err)
		if i%2 == 0 {
			deliver(t, w, successMessage(t, get(t, w, "opened", i), "c"), testHost, get(t, w, "opened", i))
		} else {
			p.Abort("")
		}
		_, _ = p.Wait()
	}
	// The popups' delayed close timers are the only funcs left; they release themselves.
	require.NoError(t, waitFor(func() bool { return LiveFuncs() == 0 }), "live funcs: %d", LiveFuncs())
}

// waitFor yields to the event loop until cond holds (at most two seconds).
func waitFor(cond func() bool) error {
	for i := 0; i < 200; i++ {
		if cond() {
			return nil
		}
		done := make(chan struct{})
		t, err := after(10, func() { close(done) }, nil)
		if err != nil {
			return err
		}
		<-done
		t.Stop()
	}
	return errors.New("condition not met")
}

// debug: true logs the flow like the anchor, with its prefixes, and never the session token.
func TestDebugLogging(t *testing.T) {
	w := fakeBrowser(t)
	logs := jsEval(t, `[]`)
	console := jsEval(t, `({})`)
	logger, err := newCallback(func(_ safejs.Value, args []safejs.Value) any {
		line := ""
		for _, a := range args {
			s, _ := global("String").Invoke(a)
			text, _ := s.String()
			line += text + " "
		}
		_, _ = logs.Call("push", line)
		return nil
	}, nil)
	require.NoError(t, err)
	defer logger.Release()
	require.NoError(t, console.Set("log", logger.Value()))
	require.NoError(t, console.Set("error", logger.Value()))
	saved := global("console")
	require.NoError(t, safejs.Global().Set("console", console))
	defer func() { _ = safejs.Global().Set("console", saved) }()

	opts := auth.NewObject()
	opts.Set("host", testHost)
	opts.Set("connectSessionToken", testToken)
	opts.Set("debug", true)
	c, err := NewClient(opts, safejs.Undefined(), safejs.Undefined())
	require.NoError(t, err)
	p, err := c.Start(authCall(t), safejs.Undefined())
	require.NoError(t, err)
	deliver(t, w, successMessage(t, get(t, w, "opened", 0), "forged"), "http://evil.test", get(t, w, "opened", 0))
	deliver(t, w, successMessage(t, get(t, w, "opened", 0), "c"), testHost, get(t, w, "opened", 0))
	_, err = p.Wait()
	require.NoError(t, err)

	all, err := global("JSON").Call("stringify", logs)
	require.NoError(t, err)
	text := str(t, all)
	assert.Contains(t, text, "NANGO DEBUG LOG:  Debug mode is enabled.")
	assert.Contains(t, text, "NANGO DEBUG LOG:  Using host: "+testHost+".")
	assert.Contains(t, text, "[nango] opening "+testHost+"/oauth/connect/zendesk?nango_wasm_nonce=***&connect_session_token=***&params[subdomain]=acme")
	assert.Contains(t, text, "ignored a message from origin http://evil.test")
	assert.Contains(t, text, "[nango] authorization succeeded")
	assert.NotContains(t, text, testToken, "the session token never reaches the log")
}

// Prewarm runs a whole flow against stand-ins: it opens no window, leaves no function alive and
// puts the real window opener and socket back.
func TestPrewarmLeavesNothingBehind(t *testing.T) {
	w := fakeBrowser(t)
	// A WebSocket that records the URLs it is constructed with (Node 20 has none of its own).
	sockets := jsEval(t, `(() => {
		const urls = [];
		globalThis.WebSocket = class extends EventTarget {
			constructor(url) { super(); urls.push(url); }
			close() {}
		};
		return urls;
	})()`)
	t.Cleanup(func() { _ = safejs.Global().Delete("WebSocket") })
	require.NoError(t, waitFor(func() bool { return LiveFuncs() == 0 }))
	Prewarm()
	n, _ := get(t, w, "opened").Length()
	assert.Zero(t, n, "no window was opened")
	n, _ = sockets.Length()
	assert.Zero(t, n, "no socket was opened")
	require.NoError(t, waitFor(func() bool { return LiveFuncs() == 0 }), "live funcs: %d", LiveFuncs())
	assert.Zero(t, activeFlows)

	p, err := newTestClient(t).Start(authCall(t, "transport", "websocket"), safejs.Undefined())
	require.NoError(t, err)
	n, _ = get(t, w, "opened").Length()
	assert.Equal(t, 1, n, "the real opener is back")
	n, _ = sockets.Length()
	assert.Equal(t, 1, n, "the real WebSocket is back")
	p.Abort("")
	_, _ = p.Wait()
}
