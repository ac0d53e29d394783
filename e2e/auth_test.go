package e2e

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A user connects Zendesk: the popup opens on the click, the provider sees the real Zendesk URL
// for the subdomain, and the connection can be read back with its config and the session's tags.
func TestAuthZendeskSuccess(t *testing.T) {
	token := newSession(t, map[string]any{
		"end_user":     map[string]any{"id": "user-42", "email": "ada@example.com", "display_name": "Ada"},
		"organization": map[string]any{"id": "org-7", "display_name": "Acme"},
		"tags":         map[string]any{"project": "apollo"},
	})
	ctx := openTab(t, fixtureURL("auth.html", token))
	require.Nil(t, eval[any](t, ctx, `window.nango.win`), "win is null before auth()")

	popup := clickConnect(t, ctx)
	authURL := atProvider(t, popup)
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	assert.Equal(t, "https://acme.zendesk.com/oauth/authorizations/new", u.Scheme+"://"+u.Host+u.Path)
	q := u.Query()
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, env.Server.APIURL()+"/oauth/callback", q.Get("redirect_uri"))
	assert.NotEmpty(t, q.Get("client_id"))
	assert.NotEmpty(t, q.Get("state"))
	assert.Equal(t, "S256", q.Get("code_challenge_method"))
	assert.Len(t, q.Get("code_challenge"), 43)
	assert.True(t, eval[bool](t, ctx, `window.nango.win !== null && window.nango.win.modal !== undefined`), "win holds the popup while the flow is pending")

	step(t, popup, chromedp.Click(chromedp.CSS("#approve")))
	o := lastOutcome(t, ctx)
	require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
	assert.Equal(t, "zendesk", o.Value.ProviderConfigKey)
	assert.NotEmpty(t, o.Value.ConnectionID)
	require.NotNil(t, o.Value.IsPending)
	assert.False(t, *o.Value.IsPending)
	assert.Nil(t, eval[any](t, ctx, `window.nango.win`), "win is null again once settled")
	popupGone(t, popup)

	c := connection(t, o.Value.ConnectionID, "zendesk")
	assert.Equal(t, o.Value.ConnectionID, c["connection_id"])
	assert.Equal(t, "zendesk", c["provider_config_key"])
	assert.Equal(t, map[string]any{"subdomain": "acme"}, c["connection_config"])
	tags, _ := c["tags"].(map[string]any)
	assert.Equal(t, "user-42", tags["end_user_id"])
	assert.Equal(t, "ada@example.com", tags["end_user_email"])
	assert.Equal(t, "org-7", tags["organization_id"])
	assert.Equal(t, "apollo", tags["project"])
	endUser, _ := c["end_user"].(map[string]any)
	assert.Equal(t, "user-42", endUser["id"])
}

// oauth_scopes_override replaces the integration's scopes at the provider and is stored as an
// array on the connection, as Nango does.
func TestAuthScopesOverride(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	setAuthArgs(t, ctx, `['zendesk', { params: { subdomain: 'acme', oauth_scopes_override: 'read,write' } }]`)
	popup := clickConnect(t, ctx)
	u, err := url.Parse(atProvider(t, popup))
	require.NoError(t, err)
	assert.Equal(t, "read write", u.Query().Get("scope"))
	assert.Contains(t, text(t, popup, "#scopes"), "read")

	step(t, popup, chromedp.Click(chromedp.CSS("#approve")))
	o := lastOutcome(t, ctx)
	require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
	c := connection(t, o.Value.ConnectionID, "zendesk")
	assert.Equal(t, map[string]any{"subdomain": "acme", "oauth_scopes_override": []any{"read", "write"}}, c["connection_config"])
}

// The user refuses at the provider: auth() rejects with a type that says so, and the stack
// points at the app's call.
func TestAuthDeniedAtProvider(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	popup := clickConnect(t, ctx)
	atProvider(t, popup)
	step(t, popup, chromedp.Click(chromedp.CSS("#deny")))
	o := lastOutcome(t, ctx)
	requireRejected(t, o, "access_denied")
	assert.Contains(t, o.Message, "access_denied")
	assert.Contains(t, o.Stack, "appStartsAuth", "the stack shows where the app called auth()")
	popupGone(t, popup)
}

// Called outside a click, the browser blocks the popup: auth() says so instead of hanging.
func TestAuthWithoutGestureIsBlocked(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	require.False(t, eval[bool](t, ctx, `navigator.userActivation.isActive`), "the page must have no user activation")
	eval[any](t, ctx, `window.startAuth(); 0`)
	o := lastOutcome(t, ctx)
	requireRejected(t, o, "blocked_by_browser")
	assert.Equal(t, "Modal blocked by browser", o.Message)
}

// With detectClosedAuthWindow, closing the popup rejects with window_closed.
func TestAuthPopupClosedByUser(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	setAuthArgs(t, ctx, `['zendesk', { params: { subdomain: 'acme' }, detectClosedAuthWindow: true }]`)
	popup := clickConnect(t, ctx)
	atProvider(t, popup)
	_, err := chromedp.Call(popup, page.Close, cdp.Empty{})
	require.NoError(t, err)
	o := lastOutcome(t, ctx)
	requireRejected(t, o, "window_closed")
	assert.Equal(t, "The authorization window was closed before the authorization flow was completed", o.Message)
}

// Session and integration errors reject with the server's type instead of leaving the promise
// pending (the anchor hangs here: the server answers JSON inside the popup and sends nothing).
func TestAuthRejectsBadSessionsAndIntegrations(t *testing.T) {
	deleted := newSession(t, nil)
	require.Equal(t, 204, apiJSONAsSession(t, "DELETE", "/connect/session", deleted))
	tests := []struct {
		name, token, args, wantType string
	}{
		{"malformed token", "nango_connect_session_nothex", `['zendesk', { params: { subdomain: 'acme' } }]`, "invalid_connect_session_token_format"},
		{"token never issued", "nango_connect_session_" + strings.Repeat("0", 64), `['zendesk', { params: { subdomain: 'acme' } }]`, "unknown_connect_session_token"},
		{"deleted session", deleted, `['zendesk', { params: { subdomain: 'acme' } }]`, "unknown_connect_session_token"},
		{"integration not allowed", newSession(t, map[string]any{"allowed_integrations": []string{"github"}}), `['zendesk', { params: { subdomain: 'acme' } }]`, "integration_not_allowed"},
		{"missing connection config", newSession(t, nil), `['zendesk', {}]`, "url_param_err"},
		{"config that would change the host", newSession(t, nil), `['zendesk', { params: { subdomain: 'evil.com#' } }]`, "invalid_connection_config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := openTab(t, fixtureURL("auth.html", tc.token))
			setAuthArgs(t, ctx, tc.args)
			popup := clickOpeningPopup(t, ctx, "#connect")
			o := lastOutcome(t, ctx)
			requireRejected(t, o, tc.wantType)
			assert.NotEmpty(t, o.Message)
			targetGone(t, popup)
		})
	}
}

// Messages that do not come from the Nango host's origin AND from the popup are ignored: from
// another origin, from a frame on the Nango host that is not the popup, and from the popup while
// it shows the provider's page. The real result still arrives.
func TestAuthIgnoresForgedMessages(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
	popup := clickConnect(t, ctx)
	atProvider(t, popup)

	forged := `{"type":"nango_oauth_callback_success","payload":{"providerConfigKey":"zendesk","connectionId":"forged","isPending":false}}`
	legacy := `{"eventType":"AUTHORIZATION_SUCEEDED","data":{"providerConfigKey":"zendesk","connectionId":"forged"}}`
	for _, origin := range []string{env.Evil.URL + "/forge.html", env.Server.APIURL() + "/sdk/forge.html"} {
		for _, msg := range []string{forged, legacy} {
			evalAwait[any](t, ctx, `window.forge(`+jsString(origin+"?msg="+url.QueryEscape(msg))+`)`)
		}
	}
	eval[any](t, popup, `window.opener.postMessage(`+forged+`, '*'); 0`)
	eval[any](t, ctx, `window.postMessage(`+forged+`, '*'); 0`)
	evalAwait[any](t, ctx, `new Promise((r) => setTimeout(r, 300))`) // let every forged message be delivered
	require.Equal(t, 6, forgedReceived(t, ctx), "every forged message reached the page")
	assert.False(t, outcomeAt(t, ctx, -1).Settled, "a forged message settled auth()")

	step(t, popup, chromedp.Click(chromedp.CSS("#approve")))
	o := lastOutcome(t, ctx)
	require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
	assert.NotEqual(t, "forged", o.Value.ConnectionID)
	connection(t, o.Value.ConnectionID, "zendesk")
}

// Every auth() settles: the timeout option, an AbortSignal, and a newer call.
func TestAuthTimeoutSignalAndSupersede(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
		setAuthArgs(t, ctx, `['zendesk', { params: { subdomain: 'acme' }, timeout: 1500 }]`)
		popup := clickConnect(t, ctx)
		atProvider(t, popup)
		o := lastOutcome(t, ctx)
		requireRejected(t, o, "timeout")
		popupGone(t, popup)
	})
	t.Run("signal", func(t *testing.T) {
		ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
		eval[any](t, ctx, `window.controller = new AbortController(); 0`)
		setAuthArgs(t, ctx, `['zendesk', { params: { subdomain: 'acme' }, signal: window.controller.signal }]`)
		popup := clickConnect(t, ctx)
		atProvider(t, popup)
		eval[any](t, ctx, `window.controller.abort('the user left the page'); 0`)
		o := lastOutcome(t, ctx)
		requireRejected(t, o, "aborted")
		assert.Contains(t, o.Message, "the user left the page")
		popupGone(t, popup)
	})
	t.Run("a second call supersedes the first", func(t *testing.T) {
		ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
		first := clickConnect(t, ctx)
		atProvider(t, first)
		second := clickConnect(t, ctx)
		requireRejected(t, outcomeAfterSettle(t, ctx, 0), "superseded")
		popupGone(t, first)
		approve(t, second)
		o := lastOutcome(t, ctx)
		require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
	})
	t.Run("clear() rejects the pending call", func(t *testing.T) {
		ctx := openTab(t, fixtureURL("auth.html", newSession(t, nil)))
		popup := clickConnect(t, ctx)
		atProvider(t, popup)
		eval[any](t, ctx, `window.nango.clear(); 0`)
		assert.Nil(t, eval[any](t, ctx, `window.nango.win`), "clear() empties win at once")
		requireRejected(t, lastOutcome(t, ctx), "aborted")
		popupGone(t, popup)
	})
}

// Errors the anchor throws synchronously are thrown synchronously, as AuthErrors.
func TestSynchronousErrors(t *testing.T) {
	ctx := openTab(t, fixtureURL("auth.html", ""))
	type thrown struct {
		Type        string `json:"type"`
		Message     string `json:"message"`
		IsAuthError bool   `json:"isAuthError"`
	}
	catch := func(js string) thrown {
		raw := eval[[]byte](t, ctx, `(() => { try { `+js+`; return null } catch (e) { return { type: e.type, message: e.message, isAuthError: e instanceof window.AuthError } } })()`)
		var th thrown
		require.NoError(t, json.Unmarshal(raw, &th))
		return th
	}
	got := catch(`window.nango.auth('zendesk')`)
	assert.Equal(t, thrown{"missing_auth_token", "You must specify a public key OR a connect session token (cf. documentation).", true}, got)
	got = catch(`new window.nango.constructor({ host: 'not a url' })`)
	assert.Equal(t, thrown{"invalid_host_url", "Invalid URL provided for the Nango host.", true}, got)
	got = catch(`window.nango.reconnect('zendesk')`)
	assert.Equal(t, thrown{"missing_connect_session_token", "Reconnect requires a session token", true}, got)
}

// The classic <script> build sets window.Nango at once and leaves no Node-like globals behind.
func TestClassicScript(t *testing.T) {
	ctx := newTab(t)
	step(t, ctx, chromedp.Navigate(fixtureURL("classic.html", newSession(t, nil))))
	type ready struct {
		GlobalsAtOnce    bool `json:"globalsAtOnce"`
		HasNangoGlobal   bool `json:"hasNangoGlobal"`
		HasProcessGlobal bool `json:"hasProcessGlobal"`
		HasGoGlobal      bool `json:"hasGoGlobal"`
	}
	raw := evalAwait[[]byte](t, ctx, `window.sdkReady`)
	var r ready
	require.NoError(t, json.Unmarshal(raw, &r))
	assert.Equal(t, ready{GlobalsAtOnce: true, HasNangoGlobal: true}, r)

	popup := clickConnect(t, ctx)
	approve(t, popup)
	o := lastOutcome(t, ctx)
	require.True(t, o.OK, "auth() rejected: %s", o.Type)
	assert.Equal(t, "zendesk", o.Value.ProviderConfigKey)
	connection(t, o.Value.ConnectionID, "zendesk")
}

// A page whose Content-Security-Policy leaves out 'wasm-unsafe-eval' still loads the SDK, and
// every call says why it cannot work instead of the page breaking.
func TestStrictCSPReportsWasmUnavailable(t *testing.T) {
	ctx := openTab(t, env.App.URL+"/csp/")
	var got struct {
		IsAuthError bool   `json:"isAuthError"`
		Type        string `json:"type"`
		Message     string `json:"message"`
	}
	require.NoError(t, json.Unmarshal(evalAwait[[]byte](t, ctx, `window.sdkReady`), &got))
	assert.True(t, got.IsAuthError)
	assert.Equal(t, "wasm_unavailable", got.Type)
	assert.Contains(t, got.Message, "'wasm-unsafe-eval'", "the message says what to add to the policy")
}
