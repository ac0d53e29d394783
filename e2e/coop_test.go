package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// coopArgs asks the dev server to serve the provider's pages with
// Cross-Origin-Opener-Policy: same-origin for this flow (docs/wire.md §3), as Shopify, Linear or
// Microsoft do: the popup then reads as closed and its page can no longer reach window.opener.
const coopArgs = `{ params: { subdomain: 'acme' }, authorization_params: { nango_dev_coop: 'same-origin' }`

// In auto mode the result still arrives, over the WebSocket, although the popup reads as closed
// for the whole flow.
func TestCOOPProviderAutoResolves(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	setAuthArgs(t, ctx, `['zendesk', `+coopArgs+` }]`)
	popup := clickConnect(t, ctx)
	atProvider(t, popup)
	assert.True(t, eval[bool](t, ctx, `window.nango.win.modal.closed`), "COOP makes the open popup read as closed")
	assert.True(t, eval[bool](t, popup, `window.opener === null`), "COOP cut the popup's link to the app")
	assert.False(t, outcomeAt(t, ctx, -1).Settled, "a popup that reads as closed is not a failure while the socket is live")
	step(t, popup, chromedp.Click(chromedp.CSS("#approve")))
	o := lastOutcome(t, ctx)
	require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
	assert.Equal(t, "zendesk", o.Value.ProviderConfigKey)
	connection(t, o.Value.ConnectionID, "zendesk")
}

// With transport 'postMessage' the result cannot arrive; nango-wasm says so within the grace
// period (a window_closed that names COOP) instead of waiting for its 15-minute timeout.
func TestCOOPProviderPostMessageFailsClearly(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	setAuthArgs(t, ctx, `['zendesk', `+coopArgs+`, transport: 'postMessage' }]`)
	popup := clickConnect(t, ctx)
	atProvider(t, popup)
	o := lastOutcome(t, ctx)
	requireRejected(t, o, "window_closed")
	assert.Contains(t, o.Message, "Cross-Origin-Opener-Policy")
}

// The real SDK listens only on the WebSocket, so it is not affected by COOP either.
func TestConformanceCOOP(t *testing.T) {
	runScenarios(t, []scenario{{
		name:  "provider page with COOP",
		token: freshSession(nil),
		call:  `{ method: 'auth', args: ['zendesk', ` + coopArgs + ` }] }`,
		user:  approve,
		want:  expect{ok: true, config: map[string]any{"subdomain": "acme"}},
	}})
}
