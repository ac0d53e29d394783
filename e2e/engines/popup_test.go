package engines

import (
	"context"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/e2e"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// browsers are the engines every scenario runs in.
var browsers = []struct {
	name  string
	start func(context.Context) (Browser, error)
}{
	{"chromium", func(context.Context) (Browser, error) { return Chromium(env.Browser) }},
	{"firefox", StartFirefox},
	{"webkit", StartWebKit},
}

// startTimeout bounds a browser's start.
const startTimeout = time.Minute

// scenarios are the popup flow as a user meets it, each written once for every engine. The
// engines differ where a popup is allowed: WebKit only within about 1 s of the click, Chromium and
// Firefox about 5 s.
var scenarios = []struct {
	name string
	run  func(t *testing.T, b Browser)
}{
	{"approve resolves and the connection reads back", func(t *testing.T, b Browser) {
		app := openApp(t, b)
		popup := clickConnect(t, app)
		atProvider(t, popup)
		click(t, popup, "#approve")
		requireConnected(t, lastOutcome(t, app))
		waitClosed(t, popup)
	}},
	{"deny rejects with access_denied", func(t *testing.T, b Browser) {
		app := openApp(t, b)
		popup := clickConnect(t, app)
		atProvider(t, popup)
		click(t, popup, "#deny")
		e2e.RequireRejected(t, lastOutcome(t, app), "access_denied")
		waitClosed(t, popup)
	}},
	// This one proves the popup blocker is on in the engine: the same call that opens a popup
	// from a click is refused outside one.
	{"no gesture is blocked_by_browser", func(t *testing.T, b Browser) {
		app := openApp(t, b)
		require.False(t, evalBool(t, app, `navigator.userActivation.isActive`), "the page must have no user activation")
		eval(t, app, `(window.startAuth(), 0)`)
		o := lastOutcome(t, app)
		e2e.RequireRejected(t, o, "blocked_by_browser")
		assert.Equal(t, "Modal blocked by browser", o.Message)
	}},
	{"closing the popup rejects with window_closed", func(t *testing.T, b Browser) {
		app := openApp(t, b)
		setAuthArgs(t, app, `['zendesk', { params: { subdomain: 'acme' }, detectClosedAuthWindow: true }]`)
		popup := clickConnect(t, app)
		atProvider(t, popup)
		require.NoError(t, popup.Close(stepContext(t)))
		e2e.RequireRejected(t, lastOutcome(t, app), "window_closed")
	}},
	// The provider's pages send Cross-Origin-Opener-Policy: same-origin (the coop fault,
	// docs/wire.md §8): the popup loses its opener, and the result comes over the WebSocket.
	{"a provider page with COOP still resolves", func(t *testing.T, b Browser) {
		app := openApp(t, b)
		setAuthArgs(t, app, `['zendesk', { params: { subdomain: 'acme' }, authorization_params: { nango_dev_fault: 'coop' } }]`)
		popup := clickConnect(t, app)
		atProvider(t, popup)
		require.True(t, evalBool(t, popup, `window.opener === null`), "COOP cut the popup's link to the app")
		require.False(t, currentOutcome(t, app).Settled, "a popup that reads as closed is not a failure while the socket is live")
		click(t, popup, "#approve")
		requireConnected(t, lastOutcome(t, app))
	}},
	{"a click before the wasm has arrived still opens the popup", clickBeforeWasm},
}

func TestPopupFlow(t *testing.T) {
	for _, engine := range browsers {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
			defer cancel()
			started := time.Now()
			b, err := engine.start(ctx)
			require.NoError(t, err)
			t.Cleanup(func() { _ = b.Close() })
			t.Logf("%s %s, started in %s", b.Name(), b.Version(), time.Since(started).Round(time.Millisecond))
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) { sc.run(t, b) })
			}
		})
	}
}
