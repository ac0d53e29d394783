package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFullFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	c := webtest.Browser(t)

	page := runFlow(t, srv, c, webtest.ConnectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme&params%5Boauth_scopes_override%5D=read%2Cwrite"), "approve")
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	assert.Contains(t, page.Body, "Successful connection ✅")
	assert.Contains(t, page.Body, "You can close this window.")
	assert.Contains(t, page.Body, `var targetOrigin = "http://app.test:3000";`)
	assert.Contains(t, page.Header.Get("Content-Security-Policy"), "script-src 'nonce-")
	msg := webtest.PostedMessage(t, page.Body)
	assert.Equal(t, "nango_oauth_callback_success", msg["type"])
	payload := msg["payload"].(map[string]any)
	assert.Equal(t, "zendesk", payload["providerConfigKey"])
	assert.Equal(t, false, payload["isPending"])
	connectionID := payload["connectionId"].(string)
	require.NotEmpty(t, connectionID)

	resp := webtest.ReadConnection(t, srv, "zendesk", connectionID)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"connection_config":{"subdomain":"acme","oauth_scopes_override":["read","write"]}`)
	conn := resp.JSON(t)
	assert.Equal(t, float64(1), conn["id"])
	assert.Equal(t, connectionID, conn["connection_id"])
	assert.Equal(t, "zendesk", conn["provider_config_key"])
	assert.Equal(t, "zendesk", conn["provider"])
	assert.Equal(t, []any{}, conn["errors"])
	assert.Nil(t, conn["metadata"])
	assert.Equal(t, map[string]any{
		"end_user_id": "user-1", "end_user_email": "jane@example.com", "end_user_display_name": "Jane",
		"organization_id": "org-1", "organization_display_name": "Acme", "plan": "pro",
	}, conn["tags"])
	assert.Equal(t, map[string]any{"id": "user-1", "display_name": "Jane", "email": "jane@example.com", "tags": nil,
		"organization": map[string]any{"id": "org-1", "display_name": "Acme"}}, conn["end_user"])
	for _, key := range []string{"created_at", "updated_at", "last_fetched_at"} {
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$`, conn[key], key)
	}
	creds := conn["credentials"].(map[string]any)
	assert.Equal(t, "OAUTH2", creds["type"])
	assert.True(t, strings.HasPrefix(creds["access_token"].(string), "mock_access_"))
	assert.True(t, strings.HasPrefix(creds["refresh_token"].(string), "mock_refresh_"))
	assert.Regexp(t, `Z$`, creds["expires_at"])
	raw := creds["raw"].(map[string]any)
	assert.Equal(t, "bearer", raw["token_type"])
	assert.Equal(t, "read write", raw["scope"])

	// The alias path reads the same connection.
	alias := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connections/"+connectionID+"?provider_config_key=zendesk",
		map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
	assert.Equal(t, http.StatusOK, alias.Status)
}

func TestFullFlowSessionDefaults(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, `{"end_user":{"id":"u"},"integrations_config_defaults":{"github":{"connection_config":{"oauth_scopes_override":"repo,user","team":7}}}}`)
	page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "github", token, "params[team]=ignored"), "approve")
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	id := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"].(string)
	resp := webtest.ReadConnection(t, srv, "github", id)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	assert.Contains(t, resp.Body, `"connection_config":{"team":7,"oauth_scopes_override":["repo","user"]}`)
	assert.Equal(t, map[string]any{"end_user_id": "u"}, resp.JSON(t)["tags"])
}

func TestDenyAtProvider(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	c := webtest.Browser(t)
	resp := webtest.Get(t, c, webtest.ConnectURL(srv, "github", token, ""), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, resp.Status)
	callback := webtest.DecideAtProvider(t, c, resp.Header.Get("Location"), "deny")
	u, err := url.Parse(callback)
	require.NoError(t, err)
	assert.Equal(t, "access_denied", u.Query().Get("error"))
	assert.Equal(t, "The user denied access", u.Query().Get("error_description"))
	assert.NotEmpty(t, u.Query().Get("state"))
	assert.Contains(t, u.RawQuery, "error=access_denied&error_description=The+user+denied+access&state=")

	page := webtest.Get(t, c, callback, nil)
	require.Equal(t, http.StatusBadRequest, page.Status)
	assert.Contains(t, page.Body, "Connection failed ✕")
	assert.Contains(t, page.Body, "Show error details")
	msg := webtest.PostedMessage(t, page.Body)
	assert.Equal(t, "nango_oauth_callback_error", msg["type"])
	payload := msg["payload"].(map[string]any)
	assert.Equal(t, "callback_err", payload["errorType"])
	assert.Equal(t, "Did not get authorization code in the callback. Provider error: error: access_denied; error_description: The user denied access", payload["message"])
	assert.Equal(t, map[string]any{"error": "access_denied", "error_description": "The user denied access"}, payload["providerError"])
	assert.Equal(t, "github", payload["providerConfigKey"])
	assert.NotEmpty(t, payload["connectionId"])
	assert.Contains(t, page.Body, `var targetOrigin = "http://app.test:3000";`)
}

func TestCallbackStateChecks(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)

	t.Run("no state", func(t *testing.T) {
		page := webtest.Get(t, webtest.Browser(t), srv.APIURL()+"/oauth/callback?code=x", nil)
		require.Equal(t, http.StatusBadRequest, page.Status)
		payload := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)
		assert.Equal(t, "No state found in callback", payload["message"])
		assert.Contains(t, page.Body, `var targetOrigin = "";`, "no opener is known: the page posts nothing")
	})

	t.Run("state used twice", func(t *testing.T) {
		c := webtest.Browser(t)
		resp := webtest.Get(t, c, webtest.ConnectURL(srv, "github", token, ""), webtest.PopupHeaders)
		callback := webtest.DecideAtProvider(t, c, resp.Header.Get("Location"), "approve")
		first := webtest.Get(t, c, callback, nil)
		require.Equal(t, http.StatusOK, first.Status, first.Body)
		state, _ := url.Parse(callback)
		again := webtest.Get(t, c, callback, nil)
		require.Equal(t, http.StatusBadRequest, again.Status)
		payload := webtest.PostedMessage(t, again.Body)["payload"].(map[string]any)
		assert.Equal(t, "No session found for state: "+state.Query().Get("state"), payload["message"])
	})

	t.Run("callback without the state cookie", func(t *testing.T) {
		c := webtest.Browser(t)
		resp := webtest.Get(t, c, webtest.ConnectURL(srv, "github", token, ""), webtest.PopupHeaders)
		callback := webtest.DecideAtProvider(t, c, resp.Header.Get("Location"), "approve")
		page := webtest.Get(t, webtest.Browser(t), callback, nil) // another browser: no cookie
		require.Equal(t, http.StatusBadRequest, page.Status)
		payload := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)
		assert.Equal(t, "state_cookie_err", payload["errorType"])
		assert.Contains(t, payload["message"], "OAuth state cookie missing.")
		// The state is spent: the right browser cannot use it afterwards either.
		late := webtest.Get(t, c, callback, nil)
		assert.Equal(t, http.StatusBadRequest, late.Status)
	})
}

func TestCallbackReportsRefusedCode(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	c := webtest.Browser(t)
	resp := webtest.Get(t, c, webtest.ConnectURL(srv, "github", token, ""), webtest.PopupHeaders)
	callback, err := url.Parse(webtest.DecideAtProvider(t, c, resp.Header.Get("Location"), "approve"))
	require.NoError(t, err)
	// Tamper with the verifier the API host will send: the mock must refuse the exchange.
	st, ok, err := srv.store.TakeState(callback.Query().Get("state"), time.Now())
	require.NoError(t, err)
	require.True(t, ok)
	st.CodeVerifier = strings.Repeat("f", 48)
	require.NoError(t, srv.store.PutState(st, time.Now()))
	page := webtest.Get(t, c, callback.String(), nil)
	require.Equal(t, http.StatusBadRequest, page.Status, page.Body)
	payload := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)
	assert.Equal(t, "unknown_err", payload["errorType"])
	assert.Contains(t, payload["message"], "invalid_grant")
}

func TestNothingReflectedUnescaped(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	const evil = `"'><script>alert(1)</script><img src=x onerror=alert(2)>` + "\u2028"
	pages := map[string]webtest.Response{
		"unknown state":                  webtest.Get(t, webtest.Browser(t), srv.APIURL()+"/oauth/callback?state="+url.QueryEscape(evil), nil),
		"url_param_err with evil config": webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "shopify", token, "params%5Bregion%5D="+url.QueryEscape(evil)), webtest.PopupHeaders),
		"pattern rejection":              webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "params%5Bsubdomain%5D="+url.QueryEscape(evil)), webtest.PopupHeaders),
		"unknown integration":            webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, url.PathEscape(evil), token, ""), webtest.PopupHeaders),
		"provider error": func() webtest.Response {
			c := webtest.Browser(t)
			resp := webtest.Get(t, c, webtest.ConnectURL(srv, "github", token, ""), webtest.PopupHeaders)
			loc, _ := url.Parse(resp.Header.Get("Location"))
			state := loc.Query().Get("state")
			return webtest.Get(t, c, srv.APIURL()+"/oauth/callback?state="+state+"&error="+url.QueryEscape(evil)+"&error_description="+url.QueryEscape(evil), nil)
		}(),
	}
	c := webtest.Browser(t)
	resp := webtest.Get(t, c, webtest.ConnectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme&params%5Boauth_scopes_override%5D="+url.QueryEscape(evil)+"&authorization_params%5Bx%5D="+url.QueryEscape(evil)), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, resp.Status)
	pages["consent page"] = webtest.Get(t, c, resp.Header.Get("Location"), nil)
	pages["bad consent request"] = webtest.Get(t, webtest.Browser(t), srv.ProviderURL()+"/oauth/authorize/https/acme.zendesk.com/x?client_id="+url.QueryEscape(evil), nil)

	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			require.Contains(t, page.Header.Get("Content-Type"), "text/html", page.Body)
			assert.NotContains(t, page.Body, "<script>alert(1)")
			assert.NotContains(t, page.Body, "<img src=x")
			if raw, ok := webtest.MessageScript(page.Body); ok {
				var v any
				assert.NoError(t, json.Unmarshal([]byte(raw), &v), "the script's message is valid JSON")
				assert.NotContains(t, raw, "<")
				assert.NotContains(t, raw, "\u2028", "U+2028 ends a JS string in old engines")
			}
		})
	}
	// The script carries the message escaped, and it decodes back to the original text.
	msg := webtest.PostedMessage(t, pages["unknown state"].Body)
	assert.Equal(t, "No session found for state: "+evil, msg["payload"].(map[string]any)["message"])
	assert.Contains(t, pages["unknown state"].Body, `\u003cscript\u003e`)
	assert.Contains(t, pages["unknown state"].Body, `\u2028`)
}

func TestFlowForEveryIntegration(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	tests := []struct {
		name       string
		key        string
		extra      string
		wantConfig string
	}{
		{name: "github", key: "github", wantConfig: `{}`},
		{name: "google, template params", key: "google", wantConfig: `{}`},
		{name: "google-calendar, an alias of google", key: "google-calendar", wantConfig: `{}`},
		{name: "hubspot", key: "hubspot", wantConfig: `{}`},
		{name: "intercom, fallback URL", key: "intercom", wantConfig: `{}`},
		{name: "intercom, regional URL", key: "intercom", extra: "params[region]=au", wantConfig: `{"region":"au"}`},
		{name: "jira", key: "jira", extra: "params[subdomain]=acme.eu", wantConfig: `{"subdomain":"acme.eu"}`},
		{name: "linear, no PKCE", key: "linear", wantConfig: `{}`},
		{name: "notion, client secret in a Basic header", key: "notion", wantConfig: `{}`},
		{name: "netsuite", key: "netsuite", extra: "params[accountId]=tstdrv231585", wantConfig: `{"accountId":"tstdrv231585"}`},
		{name: "salesforce, own host", key: "salesforce", extra: "params[hostname]=acme.my.salesforce.com", wantConfig: `{"hostname":"acme.my.salesforce.com"}`},
		{name: "salesforce, login host", key: "salesforce", wantConfig: `{}`},
		{name: "shopify, numeric token param", key: "shopify", extra: "params[subdomain]=shop-1", wantConfig: `{"subdomain":"shop-1"}`},
		{name: "slack, comma scopes and no PKCE", key: "slack", wantConfig: `{}`},
		{name: "zendesk", key: "zendesk", extra: "params[subdomain]=acme", wantConfig: `{"subdomain":"acme"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, tc.key, token, tc.extra), "approve")
			require.Equal(t, http.StatusOK, page.Status, page.Body)
			id := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"].(string)
			resp := webtest.ReadConnection(t, srv, tc.key, id)
			require.Equal(t, http.StatusOK, resp.Status, resp.Body)
			assert.Contains(t, resp.Body, `"connection_config":`+tc.wantConfig+`,`)
		})
	}
}
