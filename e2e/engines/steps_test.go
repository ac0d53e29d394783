package engines

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/e2e"
	"github.com/nango-wasm/nango-wasm/internal/harness"
	"github.com/stretchr/testify/require"
)

// stepContext bounds a wait on any of the browsers by the harness's step timeout; a hang fails
// the scenario instead of the run.
func stepContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), harness.StepTimeout)
	t.Cleanup(cancel)
	return ctx
}

// outcome is what auth.html recorded of one auth() call (window.outcomes).
type outcome = e2e.Outcome

// appURL is auth.html on an app origin, pointed at the dev server, with a fresh connect session.
func appURL(t *testing.T, origin string) string {
	t.Helper()
	token, err := e2e.NewSession(env.Server, nil)
	require.NoError(t, err)
	return origin + "/auth.html?" + url.Values{"host": {env.Server.APIURL()}, "token": {token}}.Encode()
}

// newTab opens a tab, closed when the scenario ends; errors its page logs or throws fail it.
func newTab(t *testing.T, b Browser) Tab {
	t.Helper()
	tab, err := b.NewTab(stepContext(t))
	require.NoError(t, err)
	t.Cleanup(func() {
		for _, e := range tab.PageErrors() {
			t.Errorf("page error: %s", e)
		}
		_ = tab.Close(context.Background())
	})
	return tab
}

// openApp opens auth.html in a new tab and waits until its SDK is ready.
func openApp(t *testing.T, b Browser) Tab {
	t.Helper()
	tab := newTab(t, b)
	require.NoError(t, tab.Navigate(stepContext(t), appURL(t, env.App.URL)))
	eval(t, tab, `window.sdkReady`)
	return tab
}

func eval(t *testing.T, tab Tab, expression string) json.RawMessage {
	t.Helper()
	v, err := tab.Eval(stepContext(t), expression)
	require.NoError(t, err, expression)
	return v
}

func evalBool(t *testing.T, tab Tab, expression string) bool {
	t.Helper()
	var b bool
	require.NoError(t, json.Unmarshal(eval(t, tab, expression), &b), expression)
	return b
}

// setAuthArgs sets what the Connect button passes to auth() (a JavaScript expression).
func setAuthArgs(t *testing.T, tab Tab, args string) {
	t.Helper()
	eval(t, tab, `window.authArgs = `+args+`, 0`)
}

// clickConnect clicks the app's Connect button as a user and returns the popup it opened.
func clickConnect(t *testing.T, app Tab) Tab {
	t.Helper()
	popup, err := app.ClickForPopup(stepContext(t), "#connect")
	require.NoError(t, err)
	t.Cleanup(func() { _ = popup.Close(context.Background()) })
	return popup
}

// atProvider waits for the mock provider's consent page in the popup. The popup navigates from
// about:blank through the API host to the provider: an evaluation that meets a page being
// replaced fails, and is asked again.
func atProvider(t *testing.T, popup Tab) {
	t.Helper()
	ctx := stepContext(t)
	for {
		v, err := popup.Eval(ctx, `document.querySelector('#approve') !== null`)
		if err == nil && string(v) == "true" {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the popup never showed the provider's consent page (last: %s, %v)", v, err)
		case <-time.After(pollInterval):
		}
	}
}

func click(t *testing.T, tab Tab, selector string) {
	t.Helper()
	require.NoError(t, tab.Click(stepContext(t), selector))
}

// waitClosed waits until the SDK or the page closed the popup.
func waitClosed(t *testing.T, popup Tab) {
	t.Helper()
	require.NoError(t, popup.WaitClosed(stepContext(t)))
}

// lastOutcome waits for the latest auth() call to settle and returns what it settled with.
func lastOutcome(t *testing.T, app Tab) outcome {
	t.Helper()
	raw, err := app.Eval(stepContext(t), `window.last.then(() => window.outcomes.at(-1))`)
	require.NoError(t, err, "waiting for auth() to settle")
	var o outcome
	require.NoError(t, json.Unmarshal(raw, &o), "%s", raw)
	return o
}

// currentOutcome returns the latest call's outcome, settled or not.
func currentOutcome(t *testing.T, app Tab) outcome {
	t.Helper()
	raw := eval(t, app, `window.outcomes.at(-1)`)
	var o outcome
	require.NoError(t, json.Unmarshal(raw, &o), "%s", raw)
	return o
}

// requireConnected checks auth() resolved with a Zendesk connection the API can read back.
func requireConnected(t *testing.T, o outcome) {
	t.Helper()
	require.True(t, o.Settled, "auth() did not settle")
	require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
	require.Equal(t, "zendesk", o.Value.ProviderConfigKey)
	var c struct {
		ConnectionID     string         `json:"connection_id"`
		ConnectionConfig map[string]any `json:"connection_config"`
	}
	path := "/connection/" + url.PathEscape(o.Value.ConnectionID) + "?provider_config_key=zendesk"
	status, err := e2e.APIJSON(env.Server, http.MethodGet, path, nil, &c)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "GET %s", path)
	require.Equal(t, o.Value.ConnectionID, c.ConnectionID)
	require.Equal(t, map[string]any{"subdomain": "acme"}, c.ConnectionConfig)
}
