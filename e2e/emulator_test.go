package e2e

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/nango-wasm/nango-wasm/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startEmulated runs a dev server of its own (the emulator's reset would clear the suite's),
// with webhooks to a loopback receiver that refuses each webhook's first attempt, so the page
// shows a retry.
func startEmulated(t *testing.T) *server.Server {
	t.Helper()
	var attempts atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if attempts.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(receiver.Close)
	srv, err := server.Start(t.Context(), server.Config{
		AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0",
		DistDir: filepath.Join(env.Root, "dist"),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Webhook: server.WebhookConfig{URL: receiver.URL + "/hooks", Backoff: 200 * time.Millisecond},
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv
}

// openEmulator opens the emulator page in a fresh tab; page errors fail the test.
func openEmulator(t *testing.T, srv *server.Server) context.Context {
	t.Helper()
	ctx := newWatchedTab(t)
	step(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.APIURL()+"/emulator"))
	return ctx
}

// connectWithoutPopup makes a connection as the SDK does for a NONE integration, which sends the
// auth webhook.
func connectWithoutPopup(t *testing.T, srv *server.Server, token string) {
	t.Helper()
	res, err := http.Post(srv.APIURL()+"/auth/unauthenticated/unauthenticated?connect_session_token="+url.QueryEscape(token), "application/json", bytes.NewReader([]byte(`{}`)))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}

// panelsShown tells whether the lists are on screen.
func panelsShown(t *testing.T, ctx context.Context) bool {
	t.Helper()
	return eval[bool](t, ctx, `getComputedStyle(document.querySelector('#panels')).display !== 'none'`)
}

// unlockEmulator types the secret key into the page and waits until it is live.
func unlockEmulator(t *testing.T, ctx context.Context, srv *server.Server) {
	t.Helper()
	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#secret-key"), srv.SecretKey()), chromedp.Click(chromedp.CSS("#unlock-button")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`body[data-state="live"]`)))
	assert.True(t, panelsShown(t, ctx))
}

// The page a developer keeps open beside the app: unlocked with the secret key (a wrong one is
// refused), it shows what the app's backend and the SDK do as they do it, and its buttons seed,
// delete, set faults and reset. What the server reflects is shown as text.
func TestEmulatorPage(t *testing.T) {
	srv := startEmulated(t)
	ctx := openEmulator(t, srv)
	assert.Equal(t, "locked", eval[string](t, ctx, `document.body.dataset.state`))

	const wrongKey = "11111111-2222-4333-8444-555555555555"
	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#secret-key"), wrongKey), chromedp.Click(chromedp.CSS("#unlock-button")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#unlock-error")))
	assert.Contains(t, text(t, ctx, "#unlock-error"), "not this server’s secret key")
	assert.False(t, panelsShown(t, ctx), "nothing is shown without the key")
	colorScheme(t, ctx, "dark")
	shot(t, ctx, "emulator-locked-dark")
	colorScheme(t, ctx, "light")
	assert.Equal(t, "locked", eval[string](t, ctx, `document.body.dataset.state`))

	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#secret-key"), kb.End+strings.Repeat(kb.Backspace, len(wrongKey))))
	unlockEmulator(t, ctx, srv)
	assert.Equal(t, srv.SecretKey(), eval[string](t, ctx, `sessionStorage.getItem('nango-dev-emulator-key')`))
	assert.Equal(t, srv.APIURL()+"/emulator", eval[string](t, ctx, `location.href`), "the key is in no URL")

	// The app's backend and the SDK at work: the page follows, unprompted. The end user's name
	// is markup, which the page must show as text.
	token := newSessionAt(t, srv, map[string]any{"end_user": map[string]any{"id": "u-1", "display_name": `<img src=x onerror="window.pwned=1">Ann`}})
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#sessions tr[data-session]")))
	connectWithoutPopup(t, srv, token)
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#connections tr[data-connection^="unauthenticated/"]`)))
	assert.Contains(t, text(t, ctx, "#connections tbody"), `<img src=x onerror="window.pwned=1">Ann`)
	assert.Equal(t, 0, eval[int](t, ctx, `document.querySelectorAll('#panels img').length`))
	assert.False(t, eval[bool](t, ctx, `'pwned' in window`))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#webhooks .badge[data-status="delivered"]`)))
	assert.Contains(t, text(t, ctx, "#webhooks tbody"), "auth · creation")
	assert.Equal(t, "2", text(t, ctx, "#webhooks tbody td.num"), "the refused first attempt was retried")

	// Seed a connection from the form; a bad one is refused with the server's words.
	step(t, ctx, chromedp.Click(chromedp.CSS("#seed summary")), chromedp.WaitVisible(chromedp.CSS("#seed-connection-id")))
	step(t, ctx, chromedp.SetValue(chromedp.CSS("#seed-integration"), "sendgrid"), chromedp.SendKeys(chromedp.CSS("#seed-connection-id"), "acct-7"), chromedp.Click(chromedp.CSS("#seed-submit")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#seed-error")))
	assert.Contains(t, text(t, ctx, "#seed-error"), "credentials are required")
	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#seed-credentials"), `{"type":"API_KEY","apiKey":"sg-1"}`), chromedp.SendKeys(chromedp.CSS("#seed-end-user-email"), "bob@example.com"), chromedp.Click(chromedp.CSS("#seed-submit")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#connections tr[data-connection="sendgrid/acct-7"]`)))
	var seeded map[string]any
	require.Equal(t, http.StatusOK, apiJSONAt(t, srv, "GET", "/connection/acct-7?provider_config_key=sendgrid", nil, &seeded))
	assert.Equal(t, map[string]any{"type": "API_KEY", "apiKey": "sg-1"}, seeded["credentials"])

	// Faults: applied from the page, they are the server's; set by a test, the page shows them.
	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#faults-server"), "token_500, slow_consent:2s"), chromedp.Click(chromedp.CSS("#fault-add")))
	step(t, ctx, chromedp.SetValue(chromedp.CSS("#fault-rows .fault-integration"), "zendesk"), chromedp.SendKeys(chromedp.CSS("#fault-rows .fault-list"), "coop"), chromedp.Click(chromedp.CSS("#faults-apply")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#faults-panel[data-active="true"]`)))
	var faults map[string]any
	apiJSONAt(t, srv, "GET", "/emulator/faults", nil, &faults)
	assert.Equal(t, map[string]any{"faults": []any{"slow_consent:2s", "token_500"}, "integrations": map[string]any{"zendesk": []any{"coop"}}}, faults)
	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#faults-server"), ", nope"), chromedp.Click(chromedp.CSS("#faults-apply")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#faults-error")))
	assert.Contains(t, text(t, ctx, "#faults-error"), `unknown fault "nope"`)
	require.Equal(t, http.StatusOK, apiJSONAt(t, srv, "PUT", "/emulator/faults", map[string]any{"faults": []string{"access_denied"}}, nil))
	value(t, ctx, chromedp.Poll[bool](`document.querySelector('#faults-server').value === 'access_denied'`), "the faults set by a test")
	assert.Equal(t, 0, eval[int](t, ctx, `document.querySelectorAll('#fault-rows .fault-row').length`))

	// Screenshots in both themes, following the system's.
	for _, scheme := range []string{"light", "dark"} {
		colorScheme(t, ctx, scheme)
		step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`html[data-theme="`+scheme+`"]`)))
		eval[any](t, ctx, `window.scrollTo(0, 0)`) // the sticky bar stays at the top of a full-page shot
		shot(t, ctx, "emulator-"+scheme)
	}

	// Delete one connection, then reset everything (a second click confirms).
	step(t, ctx, chromedp.Click(chromedp.CSS(`#connections tr[data-connection="sendgrid/acct-7"] button.delete`)))
	step(t, ctx, chromedp.WaitNotPresent(chromedp.CSS(`#connections tr[data-connection="sendgrid/acct-7"]`)))
	step(t, ctx, chromedp.Click(chromedp.CSS("#reset")))
	assert.Equal(t, "Click again to reset", text(t, ctx, "#reset"))
	assert.Equal(t, "1", text(t, ctx, "#connections-count"), "one click does not reset")
	step(t, ctx, chromedp.Click(chromedp.CSS("#reset")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#connections tr.empty")), chromedp.WaitVisible(chromedp.CSS("#sessions tr.empty")), chromedp.WaitVisible(chromedp.CSS("#webhooks tr.empty")))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#faults-panel[data-active="false"]`)))
	var state struct {
		Connections, Sessions []any
	}
	apiJSONAt(t, srv, "GET", "/emulator/state", nil, &state)
	assert.Empty(t, state.Connections)
	assert.Empty(t, state.Sessions)

	// Import a fixture from a file, as a developer restores the state a bug report came with.
	fixture := filepath.Join(t.TempDir(), "fixture.json")
	require.NoError(t, os.WriteFile(fixture, []byte(`{"format":"nango-dev-state","version":1,
		"connections":[{"provider_config_key":"github","connection_id":"from-fixture","credentials":{"type":"OAUTH2","access_token":"t"}}]}`), 0o644))
	step(t, ctx, chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{fixture}))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`#connections tr[data-connection="github/from-fixture"]`)))
	require.Equal(t, http.StatusOK, apiJSONAt(t, srv, "GET", "/connection/from-fixture?provider_config_key=github", nil, nil))

	step(t, ctx, chromedp.Click(chromedp.CSS("#forget")), chromedp.WaitVisible(chromedp.CSS("#secret-key")))
	assert.Equal(t, "locked", eval[string](t, ctx, `document.body.dataset.state`))
	assert.Nil(t, eval[any](t, ctx, `sessionStorage.getItem('nango-dev-emulator-key')`))
	assert.False(t, panelsShown(t, ctx), "forgetting the key hides the lists")
}

// The page beside the app: a fault set on the page fails the app's next popup flow, the failure's
// webhook shows up; cleared, the next flow connects, and the connection shows up.
func TestEmulatorPageBesideTheApp(t *testing.T) {
	srv := startEmulated(t)
	emu := openEmulator(t, srv)
	unlockEmulator(t, emu, srv)

	app := newWatchedTab(t)
	step(t, app, chromedp.Navigate(srv.AppURL()+"/?integration=zendesk"), chromedp.WaitVisible(chromedp.CSS(`body[data-state="ready"][data-session="ready"]`)))
	step(t, emu, chromedp.WaitVisible(chromedp.CSS("#sessions tr[data-session]")))

	step(t, emu, chromedp.Click(chromedp.CSS("#fault-add")))
	step(t, emu, chromedp.SetValue(chromedp.CSS("#fault-rows .fault-integration"), "zendesk"), chromedp.SendKeys(chromedp.CSS("#fault-rows .fault-list"), "access_denied"), chromedp.Click(chromedp.CSS("#faults-apply")))
	step(t, emu, chromedp.WaitVisible(chromedp.CSS(`#faults-panel[data-active="true"]`)))

	step(t, app, chromedp.SendKeys(chromedp.CSS("#field-subdomain"), "acme"))
	clickOpeningPopup(t, app, "#connect")
	step(t, app, chromedp.WaitVisible(chromedp.CSS(`body[data-state="error"]`)))
	assert.Equal(t, "access_denied", text(t, app, "#error-type"))
	step(t, emu, chromedp.WaitVisible(chromedp.CSS(`#webhooks tbody tr[data-delivery] small.error`)))
	assert.Contains(t, text(t, emu, "#webhooks tbody"), "zendesk")

	step(t, emu, chromedp.Click(chromedp.CSS("#faults-clear")), chromedp.WaitVisible(chromedp.CSS(`#faults-panel[data-active="false"]`)))
	approve(t, clickConnect(t, app))
	step(t, app, chromedp.WaitVisible(chromedp.CSS(`body[data-state="success"]`)))
	step(t, emu, chromedp.WaitVisible(chromedp.CSS(`#connections tr[data-connection^="zendesk/"]`)))
	assert.Equal(t, "1", text(t, emu, "#connections-count"))
}
