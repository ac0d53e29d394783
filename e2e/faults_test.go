package e2e

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The dev server's faults (server/README.md "Faults", docs/wire.md §8) reproduce what real
// providers and networks do to a flow. Each test shows what nango-wasm reports then, with real
// clicks in Chromium. A flow asks for its faults with authorization_params[nango_dev_fault], a
// session with nango_dev_faults, a page (for ws_refuse) with its websocketsPath.

// faultArgs is the auth() call of a Zendesk flow that asks for faults, with more options.
func faultArgs(faults, more string) string {
	return `['zendesk', { params: { subdomain: 'acme' }, authorization_params: { nango_dev_fault: '` + faults + `' }` + more + ` }]`
}

// faultsURL is the auth.html fixture with extra constructor options.
func faultsURL(token, optionsJSON string) string {
	q := url.Values{"host": {env.Server.APIURL()}, "token": {token}, "options": {optionsJSON}}
	return env.App.URL + "/auth.html?" + q.Encode()
}

// approveAndWait clicks Approve at the provider and returns how auth() settled.
func approveAndWait(t *testing.T, ctx, popup context.Context) outcome {
	t.Helper()
	approve(t, popup)
	return lastOutcome(t, ctx)
}

// The provider's token endpoint fails (500) or answers broken JSON: auth() rejects with the
// server's type, unknown_err, and no connection is made.
func TestFaultTokenEndpoint(t *testing.T) {
	for _, fault := range []string{"token_500", "token_malformed"} {
		t.Run(fault, func(t *testing.T) {
			ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
			setAuthArgs(t, ctx, faultArgs(fault, ""))
			o := approveAndWait(t, ctx, clickConnect(t, ctx))
			requireRejected(t, o, "unknown_err")
			assert.Contains(t, o.Message, "Unknown error during the Oauth flow")
		})
	}
}

// The same fault for a whole session, from the backend's nango_dev_faults.
func TestFaultFromSession(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, map[string]any{"nango_dev_faults": []string{"token_500"}})))
	o := approveAndWait(t, ctx, clickConnect(t, ctx))
	requireRejected(t, o, "unknown_err")
}

// The consent page denies by itself, as a provider whose user refuses: access_denied.
func TestFaultAccessDenied(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	setAuthArgs(t, ctx, faultArgs("access_denied", ""))
	popup := clickOpeningPopup(t, ctx, "#connect")
	o := lastOutcome(t, ctx)
	requireRejected(t, o, "access_denied")
	targetGone(t, popup)
}

// The consent page takes longer than the app's timeout option: auth() rejects with timeout
// (and closes the popup) instead of waiting.
func TestFaultSlowConsentTimesOut(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	setAuthArgs(t, ctx, faultArgs("slow_consent:15s", ", timeout: 1500"))
	start := time.Now()
	popup := clickOpeningPopup(t, ctx, "#connect")
	o := lastOutcome(t, ctx)
	requireRejected(t, o, "timeout")
	assert.Less(t, time.Since(start), 10*time.Second, "the timeout, not the slow page, ended the flow")
	targetGone(t, popup)
}

// The callback page comes late: auth() waits for it and resolves.
func TestFaultCallbackDelay(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	setAuthArgs(t, ctx, faultArgs("callback_delay:1500ms", ""))
	popup := clickConnect(t, ctx)
	approve(t, popup)
	evalAwait[any](t, ctx, `new Promise((r) => setTimeout(r, 500))`)
	assert.False(t, outcomeAt(t, ctx, -1).Settled, "nothing settles before the callback page")
	o := lastOutcome(t, ctx)
	require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
	connection(t, o.Value.ConnectionID, "zendesk")
}

// The SDK's socket is cut when the popup heads for the provider: it resumes the socket (or uses
// the popup's postMessage) and resolves, in auto mode and with transport 'websocket'.
func TestFaultSocketDropped(t *testing.T) {
	for _, transport := range []string{"auto", "websocket"} {
		t.Run(transport, func(t *testing.T) {
			ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
			setAuthArgs(t, ctx, faultArgs("ws_drop", ", transport: '"+transport+"'"))
			o := approveAndWait(t, ctx, clickConnect(t, ctx))
			require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
			connection(t, o.Value.ConnectionID, "zendesk")
		})
	}
}

// The WebSocket upgrade is refused (a proxy that blocks WebSockets): with transport 'websocket'
// auth() rejects with websocket_failed at once; in auto mode it goes on with postMessage.
func TestFaultSocketRefused(t *testing.T) {
	refused := `{"websocketsPath": "/?nango_dev_fault=ws_refuse"}`
	t.Run("websocket", func(t *testing.T) {
		ctx := openTab(t, faultsURL(newSession(t, nil), refused))
		setAuthArgs(t, ctx, `['zendesk', { params: { subdomain: 'acme' }, transport: 'websocket' }]`)
		popup := clickOpeningPopup(t, ctx, "#connect")
		o := lastOutcome(t, ctx)
		requireRejected(t, o, "websocket_failed")
		targetGone(t, popup)
	})
	t.Run("auto", func(t *testing.T) {
		ctx := openTab(t, faultsURL(newSession(t, nil), refused))
		o := approveAndWait(t, ctx, clickConnect(t, ctx))
		require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
		connection(t, o.Value.ConnectionID, "zendesk")
	})
}

// The provider's pages send COOP (nango_dev_fault=coop): with transport 'postMessage' the popup
// is unreachable and auth() says so quickly (window_closed naming COOP), not after its timeout;
// in auto mode the result arrives over the WebSocket.
func TestFaultCOOP(t *testing.T) {
	t.Run("postMessage", func(t *testing.T) {
		ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
		setAuthArgs(t, ctx, faultArgs("coop", ", transport: 'postMessage'"))
		start := time.Now()
		popup := clickConnect(t, ctx)
		atProvider(t, popup)
		o := lastOutcome(t, ctx)
		requireRejected(t, o, "window_closed")
		assert.Contains(t, o.Message, "Cross-Origin-Opener-Policy")
		assert.Less(t, time.Since(start), 10*time.Second)
	})
	t.Run("auto", func(t *testing.T) {
		ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
		setAuthArgs(t, ctx, faultArgs("coop", ""))
		o := approveAndWait(t, ctx, clickConnect(t, ctx))
		require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
		connection(t, o.Value.ConnectionID, "zendesk")
	})
}
