package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFullFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)
	c := browser(t)

	page := runFlow(t, srv, c, connectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme&params%5Boauth_scopes_override%5D=read%2Cwrite"), "approve")
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Contains(t, page.body, "Successful connection ✅")
	assert.Contains(t, page.body, "You can close this window.")
	assert.Contains(t, page.body, `var targetOrigin = "http://app.test:3000";`)
	assert.Contains(t, page.header.Get("Content-Security-Policy"), "script-src 'nonce-")
	msg := postedMessage(t, page.body)
	assert.Equal(t, "nango_oauth_callback_success", msg["type"])
	payload := msg["payload"].(map[string]any)
	assert.Equal(t, "zendesk", payload["providerConfigKey"])
	assert.Equal(t, false, payload["isPending"])
	connectionID := payload["connectionId"].(string)
	require.NotEmpty(t, connectionID)

	resp := readConnection(t, srv, "zendesk", connectionID)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Contains(t, resp.body, `"connection_config":{"subdomain":"acme","oauth_scopes_override":["read","write"]}`)
	conn := resp.json(t)
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
	alias := get(t, http.DefaultClient, srv.APIURL()+"/connections/"+connectionID+"?provider_config_key=zendesk",
		map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
	assert.Equal(t, http.StatusOK, alias.status)
}

func TestFullFlowSessionDefaults(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, `{"end_user":{"id":"u"},"integrations_config_defaults":{"github":{"connection_config":{"oauth_scopes_override":"repo,user","team":7}}}}`)
	page := runFlow(t, srv, browser(t), connectURL(srv, "github", token, "params[team]=ignored"), "approve")
	require.Equal(t, http.StatusOK, page.status, page.body)
	id := postedMessage(t, page.body)["payload"].(map[string]any)["connectionId"].(string)
	resp := readConnection(t, srv, "github", id)
	require.Equal(t, http.StatusOK, resp.status, resp.body)
	assert.Contains(t, resp.body, `"connection_config":{"team":7,"oauth_scopes_override":["repo","user"]}`)
	assert.Equal(t, map[string]any{"end_user_id": "u"}, resp.json(t)["tags"])
}

func TestDenyAtProvider(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)
	c := browser(t)
	resp := get(t, c, connectURL(srv, "github", token, ""), popupHeaders)
	require.Equal(t, http.StatusFound, resp.status)
	callback := decideAtProvider(t, c, resp.header.Get("Location"), "deny")
	u, err := url.Parse(callback)
	require.NoError(t, err)
	assert.Equal(t, "access_denied", u.Query().Get("error"))
	assert.Equal(t, "The user denied access", u.Query().Get("error_description"))
	assert.NotEmpty(t, u.Query().Get("state"))
	assert.Contains(t, u.RawQuery, "error=access_denied&error_description=The+user+denied+access&state=")

	page := get(t, c, callback, nil)
	require.Equal(t, http.StatusBadRequest, page.status)
	assert.Contains(t, page.body, "Connection failed ✕")
	assert.Contains(t, page.body, "Show error details")
	msg := postedMessage(t, page.body)
	assert.Equal(t, "nango_oauth_callback_error", msg["type"])
	payload := msg["payload"].(map[string]any)
	assert.Equal(t, "callback_err", payload["errorType"])
	assert.Equal(t, "Did not get authorization code in the callback. Provider error: error: access_denied; error_description: The user denied access", payload["message"])
	assert.Equal(t, map[string]any{"error": "access_denied", "error_description": "The user denied access"}, payload["providerError"])
	assert.Equal(t, "github", payload["providerConfigKey"])
	assert.NotEmpty(t, payload["connectionId"])
	assert.Contains(t, page.body, `var targetOrigin = "http://app.test:3000";`)
}

func TestCallbackStateChecks(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)

	t.Run("no state", func(t *testing.T) {
		page := get(t, browser(t), srv.APIURL()+"/oauth/callback?code=x", nil)
		require.Equal(t, http.StatusBadRequest, page.status)
		payload := postedMessage(t, page.body)["payload"].(map[string]any)
		assert.Equal(t, "No state found in callback", payload["message"])
		assert.Contains(t, page.body, `var targetOrigin = "";`, "no opener is known: the page posts nothing")
	})

	t.Run("state used twice", func(t *testing.T) {
		c := browser(t)
		resp := get(t, c, connectURL(srv, "github", token, ""), popupHeaders)
		callback := decideAtProvider(t, c, resp.header.Get("Location"), "approve")
		first := get(t, c, callback, nil)
		require.Equal(t, http.StatusOK, first.status, first.body)
		state, _ := url.Parse(callback)
		again := get(t, c, callback, nil)
		require.Equal(t, http.StatusBadRequest, again.status)
		payload := postedMessage(t, again.body)["payload"].(map[string]any)
		assert.Equal(t, "No session found for state: "+state.Query().Get("state"), payload["message"])
	})

	t.Run("callback without the state cookie", func(t *testing.T) {
		c := browser(t)
		resp := get(t, c, connectURL(srv, "github", token, ""), popupHeaders)
		callback := decideAtProvider(t, c, resp.header.Get("Location"), "approve")
		page := get(t, browser(t), callback, nil) // another browser: no cookie
		require.Equal(t, http.StatusBadRequest, page.status)
		payload := postedMessage(t, page.body)["payload"].(map[string]any)
		assert.Equal(t, "state_cookie_err", payload["errorType"])
		assert.Contains(t, payload["message"], "OAuth state cookie missing.")
		// The state is spent: the right browser cannot use it afterwards either.
		late := get(t, c, callback, nil)
		assert.Equal(t, http.StatusBadRequest, late.status)
	})
}

// approvedCode runs a flow up to the provider's redirect and returns the code and its state.
func approvedCode(t *testing.T, srv *Server, key, extra string) (string, *oauthState) {
	t.Helper()
	token := createSession(t, srv, demoEndUser)
	c := browser(t)
	resp := get(t, c, connectURL(srv, key, token, extra), popupHeaders)
	require.Equal(t, http.StatusFound, resp.status, resp.body)
	callback, err := url.Parse(decideAtProvider(t, c, resp.header.Get("Location"), "approve"))
	require.NoError(t, err)
	mem(srv).mu.Lock()
	st := mem(srv).states[callback.Query().Get("state")]
	mem(srv).mu.Unlock()
	require.NotNil(t, st)
	return callback.Query().Get("code"), st
}

func TestMockTokenEndpoint(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	zendesk, _ := srv.api.integrations.get("zendesk")
	tokenURL := srv.ProviderURL() + "/oauth/token/https/acme.zendesk.com/oauth/tokens"
	redeem := func(t *testing.T, endpoint string, form url.Values) response {
		t.Helper()
		return do(t, http.DefaultClient, http.MethodPost, endpoint, strings.NewReader(form.Encode()),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	}
	baseForm := func(code string, st *oauthState) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {st.RedirectURI},
			"client_id": {zendesk.ClientID}, "client_secret": {zendesk.ClientSecret}, "code_verifier": {st.CodeVerifier}}
	}
	tests := []struct {
		name       string
		endpoint   string
		change     func(url.Values)
		wantStatus int
		wantError  string
	}{
		{name: "valid", endpoint: tokenURL, wantStatus: 200},
		{name: "PKCE verifier mismatch", endpoint: tokenURL, change: func(f url.Values) { f.Set("code_verifier", strings.Repeat("0", 48)) }, wantStatus: 400, wantError: "invalid_grant"},
		{name: "PKCE verifier missing", endpoint: tokenURL, change: func(f url.Values) { f.Del("code_verifier") }, wantStatus: 400, wantError: "invalid_grant"},
		{name: "code redeemed at another host's token URL", endpoint: srv.ProviderURL() + "/oauth/token/https/other.zendesk.com/oauth/tokens", wantStatus: 400, wantError: "invalid_grant"},
		{name: "redirect_uri differs", endpoint: tokenURL, change: func(f url.Values) { f.Set("redirect_uri", "http://evil.test/cb") }, wantStatus: 400, wantError: "invalid_grant"},
		{name: "wrong client secret", endpoint: tokenURL, change: func(f url.Values) { f.Set("client_secret", "nope") }, wantStatus: 401, wantError: "invalid_client"},
		{name: "wrong grant type", endpoint: tokenURL, change: func(f url.Values) { f.Set("grant_type", "password") }, wantStatus: 400, wantError: "unsupported_grant_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, st := approvedCode(t, srv, "zendesk", "params[subdomain]=acme")
			form := baseForm(code, st)
			if tc.change != nil {
				tc.change(form)
			}
			resp := redeem(t, tc.endpoint, form)
			require.Equal(t, tc.wantStatus, resp.status, resp.body)
			body := resp.json(t)
			if tc.wantError != "" {
				assert.Equal(t, tc.wantError, body["error"])
				assert.NotEmpty(t, body["error_description"])
				return
			}
			assert.Equal(t, "bearer", body["token_type"])
			assert.NotEmpty(t, body["access_token"])
			assert.NotEmpty(t, body["refresh_token"])
			assert.Equal(t, float64(3600), body["expires_in"])
			// A code is single-use.
			again := redeem(t, tc.endpoint, baseForm(code, st))
			assert.Equal(t, http.StatusBadRequest, again.status)
			assert.Equal(t, "invalid_grant", again.json(t)["error"])
		})
	}
}

func TestCallbackReportsRefusedCode(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)
	c := browser(t)
	resp := get(t, c, connectURL(srv, "github", token, ""), popupHeaders)
	callback, err := url.Parse(decideAtProvider(t, c, resp.header.Get("Location"), "approve"))
	require.NoError(t, err)
	// Tamper with the verifier the API host will send: the mock must refuse the exchange.
	mem(srv).mu.Lock()
	mem(srv).states[callback.Query().Get("state")].CodeVerifier = strings.Repeat("f", 48)
	mem(srv).mu.Unlock()
	page := get(t, c, callback.String(), nil)
	require.Equal(t, http.StatusBadRequest, page.status, page.body)
	payload := postedMessage(t, page.body)["payload"].(map[string]any)
	assert.Equal(t, "unknown_err", payload["errorType"])
	assert.Contains(t, payload["message"], "invalid_grant")
}

func TestConsentPageRejectsInvalidRequests(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	good := url.Values{"response_type": {"code"}, "client_id": {"nango-dev-zendesk"}, "redirect_uri": {srv.APIURL() + "/oauth/callback"}, "state": {"s"}}
	tests := []struct {
		name   string
		path   string
		change func(url.Values)
		want   string
	}{
		{name: "unknown client", path: "/oauth/authorize/https/acme.zendesk.com/oauth/authorizations/new", change: func(v url.Values) { v.Set("client_id", "who") }, want: "Unknown client_id"},
		{name: "unregistered redirect_uri", path: "/oauth/authorize/https/acme.zendesk.com/oauth/authorizations/new", change: func(v url.Values) { v.Set("redirect_uri", "http://evil.test/cb") }, want: "is not registered"},
		{name: "not the client's provider", path: "/oauth/authorize/https/github.com/login/oauth/authorize", want: "is not an authorization URL of Zendesk"},
		{name: "unsupported response type", path: "/oauth/authorize/https/acme.zendesk.com/oauth/authorizations/new", change: func(v url.Values) { v.Set("response_type", "token") }, want: "Unsupported response_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range good {
				q[k] = append([]string{}, v...)
			}
			if tc.change != nil {
				tc.change(q)
			}
			page := get(t, browser(t), srv.ProviderURL()+tc.path+"?"+q.Encode(), nil)
			require.Equal(t, http.StatusBadRequest, page.status)
			assert.Contains(t, page.body, `id="error"`)
			assert.Contains(t, page.body, tc.want)
			assert.NotContains(t, page.body, `id="approve"`)
		})
	}
}

func TestNothingReflectedUnescaped(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)
	const evil = `"'><script>alert(1)</script><img src=x onerror=alert(2)>` + "\u2028"
	pages := map[string]response{
		"unknown state":                  get(t, browser(t), srv.APIURL()+"/oauth/callback?state="+url.QueryEscape(evil), nil),
		"url_param_err with evil config": get(t, browser(t), connectURL(srv, "shopify", token, "params%5Bregion%5D="+url.QueryEscape(evil)), popupHeaders),
		"pattern rejection":              get(t, browser(t), connectURL(srv, "zendesk", token, "params%5Bsubdomain%5D="+url.QueryEscape(evil)), popupHeaders),
		"unknown integration":            get(t, browser(t), connectURL(srv, url.PathEscape(evil), token, ""), popupHeaders),
		"provider error": func() response {
			c := browser(t)
			resp := get(t, c, connectURL(srv, "github", token, ""), popupHeaders)
			loc, _ := url.Parse(resp.header.Get("Location"))
			state := loc.Query().Get("state")
			return get(t, c, srv.APIURL()+"/oauth/callback?state="+state+"&error="+url.QueryEscape(evil)+"&error_description="+url.QueryEscape(evil), nil)
		}(),
	}
	c := browser(t)
	resp := get(t, c, connectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme&params%5Boauth_scopes_override%5D="+url.QueryEscape(evil)+"&authorization_params%5Bx%5D="+url.QueryEscape(evil)), popupHeaders)
	require.Equal(t, http.StatusFound, resp.status)
	pages["consent page"] = get(t, c, resp.header.Get("Location"), nil)
	pages["bad consent request"] = get(t, browser(t), srv.ProviderURL()+"/oauth/authorize/https/acme.zendesk.com/x?client_id="+url.QueryEscape(evil), nil)

	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			require.Contains(t, page.header.Get("Content-Type"), "text/html", page.body)
			assert.NotContains(t, page.body, "<script>alert(1)")
			assert.NotContains(t, page.body, "<img src=x")
			if m := messageRE.FindStringSubmatch(page.body); m != nil {
				var v any
				assert.NoError(t, json.Unmarshal([]byte(m[1]), &v), "the script's message is valid JSON")
				assert.NotContains(t, m[1], "<")
				assert.NotContains(t, m[1], "\u2028", "U+2028 ends a JS string in old engines")
			}
		})
	}
	// The script carries the message escaped, and it decodes back to the original text.
	msg := postedMessage(t, pages["unknown state"].body)
	assert.Equal(t, "No session found for state: "+evil, msg["payload"].(map[string]any)["message"])
	assert.Contains(t, pages["unknown state"].body, `\u003cscript\u003e`)
	assert.Contains(t, pages["unknown state"].body, `\u2028`)
}

func TestFlowForEveryIntegration(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)
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
			page := runFlow(t, srv, browser(t), connectURL(srv, tc.key, token, tc.extra), "approve")
			require.Equal(t, http.StatusOK, page.status, page.body)
			id := postedMessage(t, page.body)["payload"].(map[string]any)["connectionId"].(string)
			resp := readConnection(t, srv, tc.key, id)
			require.Equal(t, http.StatusOK, resp.status, resp.body)
			assert.Contains(t, resp.body, `"connection_config":`+tc.wantConfig+`,`)
		})
	}
}
