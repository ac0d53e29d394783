//go:build js && wasm

// Package jsfake builds, for the wasm tests that run in Node, fakes of the browser APIs the SDK
// uses (a window that opens popups and delivers messages, a document, fetch) and small helpers
// to read JavaScript values. What only a real browser can show (popup blocking, COOP) is tested
// in e2e/ instead. It is imported by tests only.
package jsfake

import (
	"errors"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/stretchr/testify/require"
)

// Host and SessionToken are what tests connect to and with: the dev server's default API host,
// and a connect session token of the right form.
const (
	Host         = "http://127.0.0.1:3003"
	SessionToken = "nango_connect_session_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// Eval evaluates a JavaScript expression in Node and returns its value.
func Eval(t *testing.T, src string) safejs.Value {
	t.Helper()
	function, err := safejs.Global().Get("Function")
	require.NoError(t, err)
	fn, err := function.New("return (" + src + ");")
	require.NoError(t, err)
	v, err := fn.Invoke()
	require.NoError(t, err)
	return v
}

// Browser installs a fake `window` (an EventTarget with screen and open) and returns it; the
// test's cleanup removes it. window.openBehaviour selects what open() returns: "popup"
// (default), "null" or "closed"; window.opened lists the popups, each recording what it was
// opened with, where it was sent (location) and what was posted to it (received).
// window.deliver(data, origin, source) dispatches a message event to the window.
func Browser(t *testing.T) safejs.Value {
	t.Helper()
	w := Eval(t, `(() => {
		const w = new EventTarget();
		w.screen = { width: 1920, height: 1080 };
		w.openBehaviour = 'popup';
		w.opened = [];
		w.open = (url, target, features) => {
			if (w.openBehaviour === 'null') return null;
			const popup = {
				closed: w.openBehaviour === 'closed', location: url, openedWith: { url, target, features },
				received: [],
				postMessage(data, targetOrigin) { this.received.push({ data, targetOrigin }); },
				close() { this.closed = true; },
			};
			w.opened.push(popup);
			return popup;
		};
		w.deliver = (data, origin, source) => {
			const ev = new Event('message');
			Object.assign(ev, { data, origin, source });
			w.dispatchEvent(ev);
		};
		return w;
	})()`)
	require.NoError(t, safejs.Global().Set("window", w))
	t.Cleanup(func() { _ = safejs.Global().Delete("window") })
	return w
}

// Document installs a minimal `document` whose body starts with overflow 'scroll', and whose
// iframes have a contentWindow that records what is posted to it (posted).
func Document(t *testing.T) safejs.Value {
	t.Helper()
	doc := Eval(t, `(() => {
		const body = { style: { overflow: 'scroll' }, children: [],
			append(el) { el.isConnected = true; this.children.push(el); } };
		return {
			body,
			createElement(tag) {
				const el = { tag, style: {}, isConnected: false,
					contentWindow: { posted: [], postMessage(data, targetOrigin) { this.posted.push({ data, targetOrigin }); } },
					remove() { this.isConnected = false; body.children = body.children.filter((c) => c !== el); } };
				return el;
			},
		};
	})()`)
	require.NoError(t, safejs.Global().Set("document", doc))
	t.Cleanup(func() { _ = safejs.Global().Delete("document") })
	return doc
}

// Fetch replaces `fetch` with a fake that answers every request with status and body (a JSON
// text) or, with status 0, never answers: its promise rejects when the request's signal aborts,
// as fetch's does. It returns the list of requests it got, each {url, method, contentType,
// body, signal}; the test's cleanup puts the real fetch back.
func Fetch(t *testing.T, status int, body string) safejs.Value {
	t.Helper()
	requests := Eval(t, `[]`)
	fake, err := Eval(t, `(requests, status, body) => async (url, init) => {
		requests.push({ url: String(url), method: init.method, contentType: init.headers['Content-Type'], body: init.body, signal: init.signal });
		if (status === 0) {
			await new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError'))));
		}
		return { ok: status >= 200 && status < 300, status, statusText: '', text: async () => body };
	}`).Invoke(requests, status, body)
	require.NoError(t, err)
	real, err := safejs.Global().Get("fetch")
	require.NoError(t, err)
	require.NoError(t, safejs.Global().Set("fetch", fake))
	t.Cleanup(func() { _ = safejs.Global().Set("fetch", real) })
	return requests
}

// PopupNonce reads the nonce a flow sent its popup with, from the popup's URL: a callback
// page echoes it to bind its result to the call.
func PopupNonce(t *testing.T, popup safejs.Value) string {
	t.Helper()
	url, err := safejs.Global().Get("URL")
	require.NoError(t, err)
	u, err := url.New(Get(t, popup, "location"))
	require.NoError(t, err)
	nonce, err := Get(t, u, "searchParams").Call("get", auth.NonceParam)
	require.NoError(t, err)
	require.Equal(t, safejs.TypeString, nonce.Type(), "the popup's URL carries the call's nonce")
	return String(t, nonce)
}

// Deliver dispatches a message event with data, origin and source to a fake window.
func Deliver(t *testing.T, window, data safejs.Value, origin string, source safejs.Value) {
	t.Helper()
	_, err := window.Call("deliver", data, origin, source)
	require.NoError(t, err)
}

// Get reads a path of properties (strings) and indexes (ints) from v.
func Get(t *testing.T, v safejs.Value, path ...any) safejs.Value {
	t.Helper()
	var err error
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v, err = v.Get(p)
		case int:
			v, err = v.Index(p)
		}
		require.NoError(t, err)
	}
	return v
}

// String returns v, which must be a string.
func String(t *testing.T, v safejs.Value) string {
	t.Helper()
	s, err := v.String()
	require.NoError(t, err)
	return s
}

// WaitFor yields to Node's event loop (time.Sleep does, on js/wasm) until cond holds, for at
// most two seconds. Call it from the test's goroutine: it blocks.
func WaitFor(cond func() bool) error {
	for range 200 {
		if cond() {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return errors.New("jsfake: condition not met within two seconds")
}
