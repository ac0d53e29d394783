package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// uiEvent is an event the app's onEvent received from the Connect UI.
type uiEvent struct {
	Type    string         `json:"type"`
	Payload map[string]any `json:"payload"`
}

// openConnectUI opens the fixture app page, clicks its "Connect with Connect UI" button and
// waits for the Connect UI's ready event. It returns the tab and the query option that reaches
// into the Connect UI's iframe.
func openConnectUI(t *testing.T, token string, query url.Values) (context.Context, chromedp.QueryOption) {
	t.Helper()
	pageURL := fixtureURL("connectui.html", token)
	if len(query) > 0 {
		pageURL += "&" + query.Encode()
	}
	ctx := openTab(t, pageURL)
	step(t, ctx, chromedp.Click(chromedp.CSS("#open")))
	waitEvent(t, ctx, "ready")
	return ctx, inConnectUI(t, ctx)
}

// inConnectUI is a query option for elements inside the Connect UI iframe.
func inConnectUI(t *testing.T, ctx context.Context) chromedp.QueryOption {
	t.Helper()
	nodes := value(t, ctx, chromedp.Nodes(chromedp.CSS("iframe#connect-ui"), chromedp.Populate(-1, true)), "the Connect UI's iframe")
	require.Len(t, nodes, 1)
	require.NotNil(t, nodes[0].ContentDocument)
	return chromedp.FromNode(nodes[0].ContentDocument)
}

func waitEvent(t *testing.T, ctx context.Context, typ string) uiEvent {
	t.Helper()
	raw := evalAwait[[]byte](t, ctx, `window.waitEvent(`+jsString(typ)+`)`)
	var ev uiEvent
	require.NoError(t, json.Unmarshal(raw, &ev))
	return ev
}

func uiEvents(t *testing.T, ctx context.Context) []uiEvent {
	t.Helper()
	var evs []uiEvent
	require.NoError(t, json.Unmarshal(eval[[]byte](t, ctx, `window.events`), &evs))
	return evs
}

func uiText(t *testing.T, ctx context.Context, in chromedp.QueryOption, sel string) string {
	t.Helper()
	return value(t, ctx, chromedp.Text(chromedp.CSS(sel), in), sel)
}

func uiAttr(t *testing.T, ctx context.Context, in chromedp.QueryOption, sel, name string) string {
	t.Helper()
	return value(t, ctx, chromedp.AttributeValue(chromedp.CSS(sel), name, in), sel).Value
}

// retype replaces what a user typed into a field, with the keyboard as the user would.
func retype(sel, typed, text string, in chromedp.QueryOption) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(chromedp.CSS(sel), kb.End+strings.Repeat(kb.Backspace, len([]rune(typed)))+text, in)
}

// shot saves a screenshot to e2e/artifacts (not committed) for a person to look at.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := value(t, ctx, chromedp.FullScreenshot(100), "a screenshot")
	dir := filepath.Join(env.Root, "e2e", "artifacts")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// Opened before nango.wasm is ready (at the app's start), the Connect UI mounts once it runs and
// gets the session: its integrations show.
func TestConnectUIOpenedBeforeReady(t *testing.T) {
	token := newSession(t, map[string]any{"allowed_integrations": []string{"zendesk", "github"}})
	ctx := openTab(t, fixtureURL("connectui.html", token)+"&early=1")
	assert.Nil(t, eval[any](t, ctx, `window.iframeAtOnce`), "no iframe before nango.wasm runs")
	waitEvent(t, ctx, "ready")
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`[data-integration="zendesk"]`), inConnectUI(t, ctx)))
}

// The journey: open the Connect UI from the app, pick Zendesk, see the generated
// subdomain field with its info link pointing at the session's docs_connect override, fail the
// pattern, fix it, approve in the provider popup, and get `connect` with a connection the API
// returns with its config. Screenshots of the list, the form and the success state in both
// themes go to e2e/artifacts.
func TestConnectUIZendeskJourney(t *testing.T) {
	for _, theme := range []string{"light", "dark"} {
		t.Run(theme, func(t *testing.T) {
			token := newSession(t, map[string]any{
				"allowed_integrations": []string{"zendesk", "sendgrid", "github"},
				"overrides":            map[string]any{"zendesk": map[string]any{"docs_connect": "https://docs.example.com/connect-zendesk"}},
			})
			ctx, ui := openConnectUI(t, token, url.Values{"theme": {theme}})
			assert.Equal(t, "hidden", eval[string](t, ctx, `document.body.style.overflow`), "the page does not scroll under the Connect UI")
			step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`[data-integration="zendesk"]`), ui))
			shot(t, ctx, "connect-ui-list-"+theme)

			step(t, ctx, chromedp.Click(chromedp.CSS(`[data-integration="zendesk"]`), ui))
			step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#field-subdomain"), ui))
			assert.Equal(t, "https://docs.example.com/connect-zendesk", uiAttr(t, ctx, ui, "#doc-subdomain", "href"), "the override replaces the docs link")
			assert.Equal(t, "field-subdomain", uiAttr(t, ctx, ui, `label[for="field-subdomain"]`, "for"), "the label is tied to its input")
			assert.Equal(t, "domain", uiAttr(t, ctx, ui, "#field-subdomain", "placeholder"))
			assert.Contains(t, uiText(t, ctx, ui, `[data-field="subdomain"]`), ".zendesk.com")

			step(t, ctx, chromedp.SendKeys(chromedp.CSS("#field-subdomain"), "not a domain!", ui), chromedp.Click(chromedp.CSS("#connect"), ui))
			assert.Equal(t, "Incorrect Zendesk Domain. For example: domain.", uiText(t, ctx, ui, "#error-subdomain"))
			assert.Equal(t, "true", uiAttr(t, ctx, ui, "#field-subdomain", "aria-invalid"))
			shot(t, ctx, "connect-ui-form-"+theme)

			step(t, ctx, retype("#field-subdomain", "not a domain!", "acme", ui))
			popup := attach(t, ctx, clickOpeningPopup(t, ctx, "", chromedp.Click(chromedp.CSS("#connect"), ui)))
			assert.Contains(t, atProvider(t, popup), "https://acme.zendesk.com/oauth/authorizations/new?")
			step(t, popup, chromedp.Click(chromedp.CSS("#approve")))

			ev := waitEvent(t, ctx, "connect")
			assert.Equal(t, "zendesk", ev.Payload["providerConfigKey"])
			id, _ := ev.Payload["connectionId"].(string)
			require.NotEmpty(t, id)
			step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#success"), ui))
			shot(t, ctx, "connect-ui-success-"+theme)
			assert.Equal(t, map[string]any{"subdomain": "acme"}, connection(t, id, "zendesk")["connection_config"])
		})
	}
}

// A value preset in the session's integrations_config_defaults is neither shown nor asked for,
// and ends up in the connection; with one allowed integration the list is skipped.
func TestConnectUIPresetFieldIsHidden(t *testing.T) {
	token := newSession(t, map[string]any{
		"allowed_integrations":         []string{"zendesk"},
		"integrations_config_defaults": map[string]any{"zendesk": map[string]any{"connection_config": map[string]any{"subdomain": "preset"}}},
	})
	ctx, ui := openConnectUI(t, token, nil)
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#connect"), ui))
	assert.Equal(t, "hidden", uiAttr(t, ctx, ui, "#field-subdomain", "type"), "the preset field is hidden")
	assert.Contains(t, uiText(t, ctx, ui, "#intro"), "Click Connect to authorize Zendesk")
	popup := attach(t, ctx, clickOpeningPopup(t, ctx, "", chromedp.Click(chromedp.CSS("#connect"), ui)))
	assert.Contains(t, atProvider(t, popup), "https://preset.zendesk.com/oauth/authorizations/new?")
	step(t, popup, chromedp.Click(chromedp.CSS("#approve")))
	ev := waitEvent(t, ctx, "connect")
	id, _ := ev.Payload["connectionId"].(string)
	assert.Equal(t, map[string]any{"subdomain": "preset"}, connection(t, id, "zendesk")["connection_config"])
}

// An API-key integration: the Connect UI asks for the key and connects without a popup; a key the
// provider refuses shows a clear message and reaches the app as an error event.
func TestConnectUIAPIKey(t *testing.T) {
	token := newSession(t, map[string]any{"allowed_integrations": []string{"sendgrid", "zendesk"}})
	ctx, ui := openConnectUI(t, token, nil)
	step(t, ctx,
		chromedp.Click(chromedp.CSS(`[data-integration="sendgrid"]`), ui),
		chromedp.WaitVisible(chromedp.CSS("#credential-apiKey"), ui),
	)
	assert.Equal(t, "password", uiAttr(t, ctx, ui, "#credential-apiKey", "type"), "a secret is typed into a password field")
	step(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#credential-apiKey"), "invalid-key", ui),
		chromedp.Click(chromedp.CSS("#connect"), ui),
	)
	ev := waitEvent(t, ctx, "error")
	assert.Equal(t, "connection_test_failed", ev.Payload["errorType"])
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#form-error"), ui))
	assert.Equal(t, "These credentials were rejected. Check them and try again.", uiText(t, ctx, ui, "#form-error"))

	step(t, ctx,
		retype("#credential-apiKey", "invalid-key", "SG.good-key", ui),
		chromedp.Click(chromedp.CSS("#connect"), ui),
	)
	ev = waitEvent(t, ctx, "connect")
	id, _ := ev.Payload["connectionId"].(string)
	creds, _ := connection(t, id, "sendgrid")["credentials"].(map[string]any)
	assert.Equal(t, "SG.good-key", creds["apiKey"])
}

// Escape closes the Connect UI: the app gets `close`, the iframe is gone and the page's own
// overflow is back.
func TestConnectUICloseByEscape(t *testing.T) {
	ctx, ui := openConnectUI(t, newSession(t, nil), nil)
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#integrations"), ui))
	step(t, ctx, chromedp.SendKeys(chromedp.CSS(`[data-integration]`), kb.Escape, ui))
	waitEvent(t, ctx, "close")
	assert.False(t, eval[bool](t, ctx, `!!document.getElementById('connect-ui')`), "the iframe is removed")
	assert.Equal(t, "auto", eval[string](t, ctx, `document.body.style.overflow`), "the page's overflow is restored")
	assert.Nil(t, eval[any](t, ctx, `window.ui.iframe`))
}

// A `connect` event from another origin, or from the page itself, never reaches onEvent.
func TestConnectUIIgnoresForgedEvents(t *testing.T) {
	ctx, ui := openConnectUI(t, newSession(t, nil), nil)
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#integrations"), ui))
	forged := `{"type":"connect","payload":{"providerConfigKey":"zendesk","connectionId":"forged"}}`
	evalAwait[any](t, ctx, `window.forge(`+jsString(env.Evil.URL+"/forge.html?msg="+url.QueryEscape(forged))+`)`)
	eval[any](t, ctx, `window.postMessage(`+forged+`, '*'); 0`)
	evalAwait[any](t, ctx, `new Promise((r) => setTimeout(r, 300))`)
	require.Equal(t, 2, forgedReceived(t, ctx), "every forged message reached the page")
	for _, ev := range uiEvents(t, ctx) {
		assert.NotEqual(t, "connect", ev.Type, "a forged event reached onEvent: %+v", ev)
	}
}

// lang=fr shows the visible strings in French; open() twice leaves one iframe.
func TestConnectUIFrenchAndSingleIframe(t *testing.T) {
	ctx, ui := openConnectUI(t, newSession(t, nil), url.Values{"lang": {"fr"}})
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#integrations"), ui))
	assert.Equal(t, "Connecter un compte", uiText(t, ctx, ui, "#dialog-title"))
	assert.Equal(t, "Choisissez le service à connecter.", uiText(t, ctx, ui, ".lead"))
	assert.Equal(t, "fr", uiAttr(t, ctx, ui, "html", "lang"))
	eval[any](t, ctx, `window.ui.open(); window.ui.open(); 0`)
	assert.Equal(t, 1, eval[int](t, ctx, `document.querySelectorAll('iframe#connect-ui').length`))
	assert.True(t, eval[bool](t, ctx, `window.ui.iframe === document.getElementById('connect-ui')`), "ui.iframe is the mounted iframe")
}

// The Connect UI on an origin of its own, as connect.nango.dev is in production: the token goes
// to that origin, the API is reached across origins, and the provider popup opened from the
// iframe reports back to it.
func TestConnectUIOnItsOwnOrigin(t *testing.T) {
	require.NotEmpty(t, env.Server.ConnectURL())
	token := newSession(t, map[string]any{"allowed_integrations": []string{"zendesk"}})
	ctx, ui := openConnectUI(t, token, url.Values{"baseURL": {env.Server.ConnectURL()}})
	assert.Equal(t, env.Server.ConnectURL()+"/?apiURL="+url.QueryEscape(env.Server.APIURL()), eval[string](t, ctx, `window.ui.iframe.src`))
	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#field-subdomain"), "acme", ui))
	popup := attach(t, ctx, clickOpeningPopup(t, ctx, "", chromedp.Click(chromedp.CSS("#connect"), ui)))
	approve(t, popup)
	ev := waitEvent(t, ctx, "connect")
	id, _ := ev.Payload["connectionId"].(string)
	assert.Equal(t, map[string]any{"subdomain": "acme"}, connection(t, id, "zendesk")["connection_config"])
}
