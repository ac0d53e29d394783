package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The demo app of `make serve`: pick Zendesk, type a subdomain, click Connect, approve, and see
// the connection the backend read back.
func TestDemoPageConnectsZendesk(t *testing.T) {
	ctx := newTab(t)
	step(t, ctx,
		chromedp.Navigate(env.Server.AppURL()+"/?integration=zendesk"),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="ready"][data-session="ready"]`)),
	)
	assert.False(t, eval[bool](t, ctx, `!document.getElementById('sdk-error').hidden`), "the SDK error is not shown")
	type sizes struct{ Encoded, Decoded float64 }
	var wasm sizes
	// The page is ready once its integrations are listed, which may come before nango.wasm has
	// finished downloading: its resource entry is awaited.
	require.NoError(t, json.Unmarshal(evalAwait[[]byte](t, ctx, `new Promise((resolve) => {
		const sizes = () => {
			const e = performance.getEntriesByType('resource').find((r) => r.name.endsWith('/sdk/nango.wasm'));
			return e && { Encoded: e.encodedBodySize, Decoded: e.decodedBodySize };
		};
		if (sizes()) return resolve(sizes());
		new PerformanceObserver((_, observer) => {
			if (sizes()) { observer.disconnect(); resolve(sizes()); }
		}).observe({ type: 'resource' });
	})`), &wasm))
	br, err := os.Stat(filepath.Join(env.Root, "dist", "nango.wasm.br"))
	require.NoError(t, err)
	assert.Equal(t, float64(br.Size()), wasm.Encoded, "the dev server sent the brotli copy of nango.wasm: %+v", wasm)
	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#field-subdomain"), "acme"))
	popup := clickConnect(t, ctx)
	assert.Contains(t, atProvider(t, popup), "https://acme.zendesk.com/oauth/authorizations/new?")
	step(t, popup, chromedp.Click(chromedp.CSS("#approve")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`body[data-state="success"]`)))
	result := text(t, ctx, "#result")
	assert.Contains(t, result, `"providerConfigKey": "zendesk"`)
	conn := text(t, ctx, "#connection")
	assert.Contains(t, conn, `"subdomain": "acme"`)
	assert.NotContains(t, conn, "access_token", "the page never sees credentials")
}

// A typed error reaches the demo page: the user clicks Deny at the provider.
func TestDemoPageShowsTypedErrors(t *testing.T) {
	ctx := openDemo(t, "/?integration=github")
	popup := clickConnect(t, ctx)
	atProvider(t, popup)
	step(t, popup, chromedp.Click(chromedp.CSS("#deny")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`body[data-state="error"]`)))
	require.Equal(t, "access_denied", text(t, ctx, "#error-type"))
}

// The demo's "Connect with Connect UI" button runs the whole Connect UI flow.
func TestDemoPageConnectUI(t *testing.T) {
	ctx := openDemo(t, "/")
	step(t, ctx, chromedp.Click(chromedp.CSS("#connect-ui")))
	evalAwait[any](t, ctx, `new Promise((resolve) => { const check = () => window.connectUIEvents.includes('ready') ? resolve() : setTimeout(check, 20); check(); })`)
	ui := inConnectUI(t, ctx)
	step(t, ctx,
		chromedp.Click(chromedp.CSS(`[data-integration="zendesk"]`), ui),
		chromedp.SendKeys(chromedp.CSS("#field-subdomain"), "acme", ui),
	)
	popup := attach(t, ctx, clickOpeningPopup(t, ctx, "", chromedp.Click(chromedp.CSS("#connect"), ui)))
	approve(t, popup)
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`body[data-state="success"]`)))
	assert.Contains(t, text(t, ctx, "#connection"), `"subdomain": "acme"`)
}
