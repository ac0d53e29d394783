package api

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// redirectTarget splits the provider redirect into the real authorize URL and its query, in order.
func redirectTarget(t *testing.T, srv *apiHost, location string) (string, []queryParam) {
	t.Helper()
	prefix := srv.ProviderURL() + "/oauth/authorize/"
	require.True(t, strings.HasPrefix(location, prefix), location)
	path, rawQuery, _ := strings.Cut(strings.TrimPrefix(location, prefix), "?")
	scheme, rest, _ := strings.Cut(path, "/")
	var params []queryParam
	for _, part := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		require.NoError(t, err)
		value, err := url.QueryUnescape(v)
		require.NoError(t, err)
		params = append(params, queryParam{key, value})
	}
	return scheme + "://" + rest, params
}

func keysOf(params []queryParam) []string {
	keys := make([]string, len(params))
	for i, p := range params {
		keys[i] = p.Key
	}
	return keys
}

func valueOf(params []queryParam, key string) (string, bool) {
	for _, p := range params {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// assertParams checks that the query holds every key in want, with its value, and none in absent.
func assertParams(t *testing.T, params []queryParam, want map[string]string, absent []string) {
	t.Helper()
	for k, w := range want {
		got, ok := valueOf(params, k)
		assert.True(t, ok, k)
		assert.Equal(t, w, got, k)
	}
	for _, k := range absent {
		_, ok := valueOf(params, k)
		assert.False(t, ok, k)
	}
}

func TestOAuthConnectRedirect(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	c := webtest.Browser(t)

	resp := webtest.Get(t, c, webtest.ConnectURL(srv, "zendesk", token, "params[subdomain]=acme"), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, resp.Status, resp.Body)
	realURL, params := redirectTarget(t, srv, resp.Header.Get("Location"))
	assert.Equal(t, "https://acme.zendesk.com/oauth/authorizations/new", realURL)
	assert.Equal(t, []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"}, keysOf(params))

	state, _ := valueOf(params, "state")
	assert.Equal(t, []queryParam{
		{"response_type", "code"},
		{"client_id", "nango-dev-zendesk"},
		{"redirect_uri", srv.APIURL() + "/oauth/callback"},
		{"scope", ""},
		{"state", state},
	}, params[:5])

	// PKCE S256 with a verifier kept server-side.
	st := peekState(t, srv, state)
	assert.Regexp(t, `^[A-Za-z0-9_-]{43}$`, st.CodeVerifier, "RFC 7636 §4.1: 32 random octets, base64url")
	challenge, _ := valueOf(params, "code_challenge")
	assert.Equal(t, oauth2.S256ChallengeFromVerifier(st.CodeVerifier), challenge)
	method, _ := valueOf(params, "code_challenge_method")
	assert.Equal(t, "S256", method)
	assert.Equal(t, "http://app.test:3000", st.OpenerOrigin)
	assert.Regexp(t, `^[0-9a-f-]{36}$`, st.ConnectionID)
	assert.WithinDuration(t, time.Now().Add(time.Hour), st.ExpiresAt, time.Minute)

	// The state cookie binds the callback to this browser.
	var cookie *http.Cookie
	for _, ck := range (&http.Response{Header: resp.Header}).Cookies() {
		if ck.Name == "oauth2-"+state {
			cookie = ck
		}
	}
	require.NotNil(t, cookie, resp.Header)
	assert.True(t, cookie.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
	assert.Equal(t, 3600, cookie.MaxAge)
	assert.Equal(t, "/", cookie.Path)
}

func TestOAuthConnectQueryOrder(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	tests := []struct {
		name     string
		key      string
		extra    string
		wantURL  string
		wantKeys []string
		want     map[string]string
		absent   []string
	}{
		{
			name: "template params after state, request params on top", key: "google",
			extra:    "authorization_params[login_hint]=jane@example.com&authorization_params[prompt]=select_account",
			wantURL:  "https://accounts.google.com/o/oauth2/v2/auth",
			wantKeys: []string{"response_type", "client_id", "redirect_uri", "scope", "state", "access_type", "prompt", "code_challenge", "code_challenge_method", "login_hint"},
			want:     map[string]string{"access_type": "offline", "prompt": "select_account", "login_hint": "jane@example.com"},
		},
		{
			name: "undefined removes a template param", key: "google", extra: "authorization_params[prompt]=undefined",
			wantURL:  "https://accounts.google.com/o/oauth2/v2/auth",
			wantKeys: []string{"response_type", "client_id", "redirect_uri", "scope", "state", "access_type", "code_challenge", "code_challenge_method"},
			absent:   []string{"prompt"},
		},
		{
			name: "default scopes and template params", key: "jira",
			wantURL:  "https://auth.atlassian.com/authorize",
			wantKeys: []string{"response_type", "client_id", "redirect_uri", "scope", "state", "audience", "prompt", "code_challenge", "code_challenge_method"},
			want:     map[string]string{"scope": "offline_access", "audience": "api.atlassian.com"},
		},
		{
			name: "no PKCE when the provider disables it, comma separator", key: "linear", extra: "params[oauth_scopes_override]=read,write",
			wantURL:  "https://linear.app/oauth/authorize",
			wantKeys: []string{"response_type", "client_id", "redirect_uri", "scope", "state", "prompt"},
			want:     map[string]string{"scope": "read,write"},
			absent:   []string{"code_challenge", "code_challenge_method"},
		},
		{
			name: "scope override joined with a space", key: "zendesk", extra: "params[subdomain]=acme&params[oauth_scopes_override]=read,write",
			wantURL: "https://acme.zendesk.com/oauth/authorizations/new",
			want:    map[string]string{"scope": "read write"},
		},
		{
			name: "fallback URL when the config value is missing", key: "salesforce",
			wantURL: "https://login.salesforce.com/services/oauth2/authorize",
		},
		{
			name: "first alternative when the value is given", key: "salesforce", extra: "params[hostname]=acme.my.salesforce.com",
			wantURL: "https://acme.my.salesforce.com/services/oauth2/authorize",
		},
		{
			name: "optional enum value in the host", key: "intercom", extra: "params[region]=eu",
			wantURL: "https://app.eu.intercom.com/oauth",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, tc.key, token, tc.extra), webtest.PopupHeaders)
			require.Equal(t, http.StatusFound, resp.Status, resp.Body)
			realURL, params := redirectTarget(t, srv, resp.Header.Get("Location"))
			assert.Equal(t, tc.wantURL, realURL)
			if tc.wantKeys != nil {
				assert.Equal(t, tc.wantKeys, keysOf(params))
			}
			assertParams(t, params, tc.want, tc.absent)
		})
	}
}

func TestOAuthConnectBracketForms(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	// The second form is what URLSearchParams writes once the SDK adds ws_client_id: encoded
	// brackets, and `+` for a space.
	for _, extra := range []string{
		"params[subdomain]=acme&params[oauth_scopes_override]=a,b&authorization_params[hint]=a%20b",
		"params%5Bsubdomain%5D=acme&params%5Boauth_scopes_override%5D=a%2Cb&authorization_params%5Bhint%5D=a+b",
	} {
		t.Run(extra, func(t *testing.T) {
			resp := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, extra+"&ws_client_id=abc"), webtest.PopupHeaders)
			require.Equal(t, http.StatusFound, resp.Status, resp.Body)
			realURL, params := redirectTarget(t, srv, resp.Header.Get("Location"))
			assert.Equal(t, "https://acme.zendesk.com/oauth/authorizations/new", realURL)
			scope, _ := valueOf(params, "scope")
			assert.Equal(t, "a b", scope)
			hint, _ := valueOf(params, "hint")
			assert.Equal(t, "a b", hint)
		})
	}
}

func TestOAuthConnectSessionDefaults(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, `{"end_user":{"id":"u"},"integrations_config_defaults":{
		"zendesk":{"connection_config":{"subdomain":"fromsession","oauth_scopes_override":"tickets:read"},"authorization_params":{"locale":"fr"}},
		"slack":{"user_scopes":"users:read","connection_config":{}}}}`)
	tests := []struct {
		name    string
		key     string
		extra   string
		wantURL string
		want    map[string]string
		absent  []string
	}{
		{
			name: "session config and params win over the page's", key: "zendesk",
			extra:   "params[subdomain]=frompage&params[oauth_scopes_override]=page:scope&authorization_params[colour]=red",
			wantURL: "https://fromsession.zendesk.com/oauth/authorizations/new",
			want:    map[string]string{"scope": "tickets:read", "locale": "fr"},
			absent:  []string{"colour"},
		},
		{
			name: "user_scope comes from the session only", key: "slack", extra: "user_scope=chat:write",
			wantURL: "https://slack.com/oauth/v2/authorize",
			want:    map[string]string{"user_scope": "users:read"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, tc.key, token, tc.extra), webtest.PopupHeaders)
			require.Equal(t, http.StatusFound, resp.Status, resp.Body)
			realURL, params := redirectTarget(t, srv, resp.Header.Get("Location"))
			assert.Equal(t, tc.wantURL, realURL)
			assertParams(t, params, tc.want, tc.absent)
		})
	}
}

func TestOAuthConnectErrors(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	narrow := webtest.CreateSession(t, srv, `{"end_user":{"id":"u"},"allowed_integrations":["github"]}`)
	apiClient := map[string]string{"Accept": "application/json"}
	tests := []struct {
		name        string
		url         string
		headers     map[string]string
		wantStatus  int
		wantCode    string
		wantMessage string
		wantPage    bool
	}{
		{name: "bad token format, API client", url: srv.APIURL() + "/oauth/connect/zendesk?connect_session_token=nope", headers: apiClient,
			wantStatus: 401, wantCode: "invalid_connect_session_token_format"},
		{name: "bad token format, popup", url: srv.APIURL() + "/oauth/connect/zendesk?connect_session_token=nope", headers: webtest.PopupHeaders,
			wantStatus: 401, wantCode: "invalid_connect_session_token_format", wantPage: true},
		{name: "unknown token, API client", url: webtest.ConnectURL(srv, "zendesk", sessionTokenPrefix+strings.Repeat("0", 64), ""), headers: apiClient,
			wantStatus: 401, wantCode: "unknown_connect_session_token"},
		{name: "unknown token, popup", url: webtest.ConnectURL(srv, "zendesk", sessionTokenPrefix+strings.Repeat("0", 64), ""), headers: webtest.PopupHeaders,
			wantStatus: 401, wantCode: "unknown_connect_session_token", wantPage: true},
		{name: "no credentials", url: srv.APIURL() + "/oauth/connect/zendesk", headers: apiClient, wantStatus: 401, wantCode: "missing_public_key"},
		{name: "public key not a uuid", url: srv.APIURL() + "/oauth/connect/zendesk?public_key=x", headers: apiClient, wantStatus: 401, wantCode: "invalid_public_key"},
		{name: "public key deprecated", url: srv.APIURL() + "/oauth/connect/zendesk?public_key=3f2504e0-4f89-41d3-9a0c-0305e82c3301", headers: apiClient,
			wantStatus: 401, wantCode: "deprecated_authentication"},
		{name: "connection_id with a session", url: webtest.ConnectURL(srv, "zendesk", token, "connection_id=mine"), headers: apiClient,
			wantStatus: 400, wantCode: "invalid_query_params"},
		{name: "integration not allowed, API client", url: webtest.ConnectURL(srv, "zendesk", narrow, "params[subdomain]=acme"), headers: apiClient,
			wantStatus: 400, wantCode: "integration_not_allowed"},
		{name: "integration not allowed, popup", url: webtest.ConnectURL(srv, "zendesk", narrow, "params[subdomain]=acme"), headers: webtest.PopupHeaders,
			wantStatus: 400, wantCode: "integration_not_allowed", wantPage: true},
		{name: "unknown integration is a WSErr page even for API clients", url: webtest.ConnectURL(srv, "nope", token, ""), headers: apiClient,
			wantStatus: 400, wantCode: "provider_config_err", wantMessage: `Could not find a Provider Config matching the "nope" key.`, wantPage: true},
		{name: "missing interpolation value", url: webtest.ConnectURL(srv, "zendesk", token, ""), headers: webtest.PopupHeaders,
			wantStatus: 400, wantCode: "url_param_err", wantPage: true,
			wantMessage: "Missing Connection Config param(s) in Auth request to interpolate url https://${connectionConfig.subdomain}.zendesk.com/oauth/authorizations/new. Provided Connection Config: {}"},
		{name: "missing interpolation value lists the config given", url: webtest.ConnectURL(srv, "shopify", token, "params[region]=eu&params[oauth_scopes_override]=a"), headers: webtest.PopupHeaders,
			wantStatus: 400, wantCode: "url_param_err", wantPage: true,
			wantMessage: `Missing Connection Config param(s) in Auth request to interpolate url https://${connectionConfig.subdomain}.myshopify.com/admin/oauth/authorize. Provided Connection Config: {"region":"eu","oauth_scopes_override":"a"}`},
		{name: "missing key", url: srv.APIURL() + "/oauth/connect/?connect_session_token=" + token, headers: webtest.PopupHeaders,
			wantStatus: 400, wantCode: "no_provider_config_key", wantPage: true},
		{name: "an API key integration has no popup", url: webtest.ConnectURL(srv, "sendgrid", token, ""), headers: webtest.PopupHeaders,
			wantStatus: 400, wantCode: "auth_mode_err", wantMessage: "Auth mode API_KEY not supported.", wantPage: true},
		{name: "an outbound installation has no authorize URL", url: webtest.ConnectURL(srv, "sentry-oauth", token, ""), headers: webtest.PopupHeaders,
			wantStatus: 400, wantCode: "provider_config_err", wantPage: true,
			wantMessage: `Provider "sentry-oauth" has no authorization URL: it is installed from the provider's side (installation: outbound), through POST /auth/oauth-outbound/sentry-oauth.`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Get(t, webtest.Browser(t), tc.url, tc.headers)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			if !tc.wantPage {
				assert.Contains(t, resp.Header.Get("Content-Type"), "application/json")
				errBody := resp.JSON(t)["error"].(map[string]any)
				assert.Equal(t, tc.wantCode, errBody["code"])
				return
			}
			assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
			assert.Contains(t, resp.Body, "Connection failed ✕")
			msg := webtest.PostedMessage(t, resp.Body)
			assert.Equal(t, "nango_oauth_callback_error", msg["type"])
			payload := msg["payload"].(map[string]any)
			assert.Equal(t, tc.wantCode, payload["errorType"])
			if tc.wantMessage != "" {
				assert.Equal(t, tc.wantMessage, payload["message"])
			}
		})
	}
}

func TestOAuthConnectPatternRejection(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	tests := []struct {
		name  string
		key   string
		param string
		value string
	}{
		{name: "fragment ends the host", key: "zendesk", param: "subdomain", value: "evil.com#"},
		{name: "path ends the host", key: "zendesk", param: "subdomain", value: "evil.com/"},
		{name: "userinfo", key: "zendesk", param: "subdomain", value: "me@evil.com"},
		{name: "encoded fragment", key: "zendesk", param: "subdomain", value: "evil.com%23"},
		{name: "dot is not in the subdomain pattern", key: "shopify", param: "subdomain", value: "a.b"},
		{name: "uppercase is not in the pattern", key: "zendesk", param: "subdomain", value: "ACME"},
		{name: "hostname pattern (lookahead dropped) still refuses a fragment", key: "salesforce", param: "hostname", value: "evil.com#"},
		{name: "enum", key: "intercom", param: "region", value: "us"},
		{name: "jira allows dots but not a fragment", key: "jira", param: "subdomain", value: "a.b#"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			extra := "params%5B" + tc.param + "%5D=" + url.QueryEscape(tc.value)
			resp := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, tc.key, token, extra), map[string]string{"Accept": "application/json"})
			require.Equal(t, http.StatusBadRequest, resp.Status, resp.Body)
			assert.Empty(t, resp.Header.Get("Location"))
			assert.NotContains(t, resp.Body, "evil.com#.zendesk")
			payload := webtest.PostedMessage(t, resp.Body)["payload"].(map[string]any)
			assert.Equal(t, "invalid_connection_config", payload["errorType"])
			assert.Contains(t, payload["message"], tc.param)
		})
	}
}

func TestOAuthConnectExpiredSession(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	sess, ok, err := srv.store.Session(token, time.Now())
	require.NoError(t, err)
	require.True(t, ok)
	expired := *sess
	expired.ExpiresAt = time.Now().Add(-time.Second)
	require.NoError(t, srv.store.PutSession(token, &expired, time.Now()))
	tests := []struct {
		name     string
		headers  map[string]string
		wantPage bool
	}{
		{name: "API client", headers: map[string]string{"Accept": "application/json"}},
		{name: "popup", headers: webtest.PopupHeaders, wantPage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "params[subdomain]=acme"), tc.headers)
			require.Equal(t, http.StatusUnauthorized, resp.Status, resp.Body)
			if tc.wantPage {
				assert.Equal(t, "unknown_connect_session_token", webtest.PostedMessage(t, resp.Body)["payload"].(map[string]any)["errorType"])
				assert.Contains(t, resp.Body, `var targetOrigin = "http://app.test:3000";`)
				return
			}
			assert.Equal(t, "unknown_connect_session_token", resp.JSON(t)["error"].(map[string]any)["code"])
		})
	}
}

func TestWebSocketError(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	conn, id := webtest.DialSDKSocket(t, srv, "/")
	page := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "ws_client_id="+id), webtest.PopupHeaders)
	require.Equal(t, http.StatusBadRequest, page.Status)
	frame := webtest.ReadFrame(t, conn)
	assert.Equal(t, "error", frame["message_type"])
	assert.Equal(t, "zendesk", frame["provider_config_key"])
	assert.Equal(t, "url_param_err", frame["error_type"])
	assert.Contains(t, frame["error_desc"], "Missing Connection Config param(s)")
}
