package e2e

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An app's object whose reading throws (a getter, a Proxy trap, a fake AbortSignal) fails the
// call it was handed to with an AuthError that names the option, thrown where @nangohq/frontend
// throws what its own read throws (the constructor, auth()), with the thrown error as its cause.
// (create(), async in the anchor, rejects with it.) nango.wasm never reads such an object itself: syscall/js's property reads do not catch what
// JavaScript throws, and the Go runtime would stop, failing every later call of the page. So
// after each, a normal auth() on the same page still connects.
func TestUnreadableOptionsThrowAuthErrorsAndTheSDKLivesOn(t *testing.T) {
	const boom = `new Error('boom')`
	hostile := `new Proxy({ a: 1 }, { get() { throw ` + boom + ` } })`
	for _, tc := range []struct {
		name, call, option string
		rejects            bool // instead of throwing
	}{
		{"a Nango option's getter", `new Nango({ get host() { throw ` + boom + ` }, connectSessionToken: 'x' })`, "host", false},
		{"a Nango options Proxy", `new Nango(new Proxy({ host: location.origin, connectSessionToken: 'x' }, { get() { throw ` + boom + ` } }))`, "host", false},
		{"a Proxy inside the Nango options", `new Nango({ host: location.origin, connectSessionToken: 'x', width: ` + hostile + ` })`, "width.a", false},
		{"an auth() option's getter", `window.nango.auth('zendesk', 'conn-1', { get params() { throw ` + boom + ` } })`, "params", false},
		{"an auth() option nested in a Proxy", `window.nango.auth('zendesk', { params: { subdomain: 'acme' }, authorization_params: ` + hostile + ` })`, "authorization_params.a", false},
		{"a fake signal whose aborted getter throws", `window.nango.auth('zendesk', { params: { subdomain: 'acme' }, signal: { get aborted() { throw ` + boom + ` }, addEventListener() {} } })`, "signal", false},
		{"a ConnectUI option's getter", `new ConnectUI({ baseURL: location.origin, get onEvent() { throw ` + boom + ` } })`, "onEvent", false},
		{"a ConnectUI options Proxy", `new ConnectUI(new Proxy({ baseURL: location.origin }, { get() { throw ` + boom + ` } }))`, "baseURL", false},
		{"openConnectUI() options with a getter", `window.nango.openConnectUI({ get lang() { throw ` + boom + ` } })`, "lang", false},
		{"a create() option's getter", `window.nango.create('unauthenticated', { get params() { throw ` + boom + ` } })`, "params", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
			raw := evalAwait[[]byte](t, ctx, `(async () => {
				const { default: Nango, ConnectUI } = await import('/sdk/nango.js');
				let sync = true;
				try {
					const result = `+tc.call+`;
					sync = false;
					await result;
					return { thrown: false };
				} catch (e) {
					return { thrown: true, sync, name: e?.name, type: e?.type, message: String(e?.message), isAuthError: e instanceof window.AuthError, cause: String(e?.cause?.message) };
				}
			})()`)
			var got struct {
				Thrown      bool   `json:"thrown"`
				Sync        bool   `json:"sync"`
				Name        string `json:"name"`
				Type        string `json:"type"`
				Message     string `json:"message"`
				IsAuthError bool   `json:"isAuthError"`
				Cause       string `json:"cause"`
			}
			require.NoError(t, json.Unmarshal(raw, &got), "%s", raw)
			require.True(t, got.Thrown, "the call threw nothing")
			assert.Equal(t, !tc.rejects, got.Sync, "thrown synchronously")
			assert.True(t, got.IsAuthError, "%s: %s is not an AuthError", got.Name, got.Message)
			assert.Equal(t, "invalid_options", got.Type, got.Message)
			assert.Contains(t, got.Message, tc.option, "the message names the option")
			assert.Contains(t, got.Message, "boom", "the message says what was thrown")
			assert.Equal(t, "boom", got.Cause, "the thrown error is the cause")

			popup := clickConnect(t, ctx)
			approve(t, popup)
			o := lastOutcome(t, ctx)
			require.True(t, o.OK, "the next auth() rejected: %s %s", o.Type, o.Message)
			connection(t, o.Value.ConnectionID, "zendesk")
		})
	}
}

// What the page's onEvent throws is reported on the console and goes no further, even a value
// whose own reading throws: read from Go it would stop the runtime. The page's next auth()
// still connects.
func TestConnectUIOnEventThatThrowsAHostileValue(t *testing.T) {
	ctx := newTab(t)
	errs := WatchPageErrors(ctx)
	step(t, ctx, chromedp.Navigate(fixtureURL("auth.html", newSession(t, nil))))
	evalAwait[any](t, ctx, `window.sdkReady`)
	evalAwait[any](t, ctx, `new Promise((resolve) => {
		const host = new URLSearchParams(location.search).get('host');
		window.ui = window.nango.openConnectUI({ baseURL: host + '/connect', apiURL: host, onEvent: (event) => {
			if (event.type === 'ready') setTimeout(resolve);
			throw new Proxy({}, { get() { throw new Error('boom'); } });
		} });
	})`)
	eval[any](t, ctx, `window.ui.close(); 0`)

	popup := clickConnect(t, ctx)
	approve(t, popup)
	o := lastOutcome(t, ctx)
	require.True(t, o.OK, "the next auth() rejected: %s %s", o.Type, o.Message)
	list := errs.List()
	require.NotEmpty(t, list)
	assert.Contains(t, list[0], "nango-wasm: onEvent threw:")
	assert.Len(t, list, 1, "nothing else went wrong: %v", list)
}
