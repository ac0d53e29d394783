package provider

import (
	"encoding/base64"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// The mock provider alone, as an OAuth client meets it: no Nango API host and no connect
// session, the test is the client.

// testClient is the client the tests register: an integration of a provider whose authorize and
// token URLs hold the account's subdomain. Its secret holds characters that Basic
// authentication must carry form-encoded (RFC 6749 §2.3.1).
var testClient = Client{
	ID: "client-1", Secret: "s3cret/+ 1", RedirectURI: "http://app.test/oauth/callback",
	Integration: "zendesk", Provider: "zendesk", DisplayName: "Zendesk",
	AuthorizationURL: "https://${connectionConfig.subdomain}.zendesk.com/oauth/authorizations/new",
	TokenURL:         "https://${connectionConfig.subdomain}.zendesk.com/oauth/tokens",
}

const (
	authorizePath = "/oauth/authorize/https/acme.zendesk.com/oauth/authorizations/new"
	tokenPath     = "/oauth/token/https/acme.zendesk.com/oauth/tokens"
)

// startProvider serves a mock provider that knows the given clients, on loopback.
func startProvider(t *testing.T, clients ...Client) (*Provider, string) {
	t.Helper()
	m := New()
	for _, c := range clients {
		m.Register(c)
	}
	ts := httptest.NewServer(m.Handler())
	t.Cleanup(ts.Close)
	return m, ts.URL
}

// authorizeQuery is an authorization request of the test client (RFC 6749 §4.1.1), with the
// S256 challenge of verifier (RFC 7636 §4.3) unless verifier is empty.
func authorizeQuery(verifier string) url.Values {
	q := url.Values{"response_type": {"code"}, "client_id": {testClient.ID}, "redirect_uri": {testClient.RedirectURI}, "scope": {"read write"}, "state": {"state-1"}}
	if verifier != "" {
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
		q.Set("code_challenge_method", "S256")
	}
	return q
}

// approvedCode approves an authorization request at the consent page and returns the code the
// provider sends back to the redirect_uri (RFC 6749 §4.1.2).
func approvedCode(t *testing.T, base string, q url.Values) string {
	t.Helper()
	back, err := url.Parse(webtest.DecideAtProvider(t, webtest.Browser(t), base+authorizePath+"?"+q.Encode(), "approve"))
	require.NoError(t, err)
	assert.Equal(t, testClient.RedirectURI, back.Scheme+"://"+back.Host+back.Path)
	assert.Equal(t, "state-1", back.Query().Get("state"), "the state comes back unchanged")
	code := back.Query().Get("code")
	require.NotEmpty(t, code)
	return code
}

// redeem posts a token request (RFC 6749 §4.1.3) to the token endpoint at path, the client's
// id and secret in the body or, with basic, in HTTP Basic authentication.
func redeem(t *testing.T, base, path string, form url.Values, basic bool) webtest.Response {
	t.Helper()
	headers := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if basic {
		form = maps.Clone(form)
		id, secret := form.Get("client_id"), form.Get("client_secret")
		form.Del("client_id")
		form.Del("client_secret")
		headers["Authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
	}
	return webtest.Do(t, http.DefaultClient, http.MethodPost, base+path, strings.NewReader(form.Encode()), headers)
}

// The authorization code grant with PKCE: a code is redeemed once, by its client, with its
// redirect_uri, at the token URL of the host it was issued for, and with the verifier of its
// challenge; anything else is refused with RFC 6749 §5.2's error.
func TestAuthorizationCodeGrant(t *testing.T) {
	t.Parallel()
	_, base := startProvider(t, testClient)
	tests := []struct {
		name       string
		path       string
		change     func(url.Values)
		basic      bool
		wantStatus int
		wantError  string
	}{
		{name: "valid, credentials in the body", wantStatus: 200},
		{name: "valid, HTTP Basic with form-encoded halves", basic: true, wantStatus: 200},
		{name: "PKCE verifier of another challenge", change: func(f url.Values) { f.Set("code_verifier", oauth2.GenerateVerifier()) }, wantStatus: 400, wantError: "invalid_grant"},
		{name: "PKCE verifier missing", change: func(f url.Values) { f.Del("code_verifier") }, wantStatus: 400, wantError: "invalid_grant"},
		{name: "another host's token URL", path: "/oauth/token/https/other.zendesk.com/oauth/tokens", wantStatus: 400, wantError: "invalid_grant"},
		{name: "redirect_uri differs", change: func(f url.Values) { f.Set("redirect_uri", "http://evil.test/cb") }, wantStatus: 400, wantError: "invalid_grant"},
		{name: "wrong client secret", change: func(f url.Values) { f.Set("client_secret", "nope") }, wantStatus: 401, wantError: "invalid_client"},
		{name: "wrong client secret, HTTP Basic", change: func(f url.Values) { f.Set("client_secret", "nope") }, basic: true, wantStatus: 401, wantError: "invalid_client"},
		{name: "unknown client", change: func(f url.Values) { f.Set("client_id", "who") }, wantStatus: 401, wantError: "invalid_client"},
		{name: "unsupported grant type", change: func(f url.Values) { f.Set("grant_type", "password") }, wantStatus: 400, wantError: "unsupported_grant_type"},
		{name: "unknown code", change: func(f url.Values) { f.Set("code", "mock_code_made_up") }, wantStatus: 400, wantError: "invalid_grant"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			verifier := oauth2.GenerateVerifier()
			code := approvedCode(t, base, authorizeQuery(verifier))
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testClient.RedirectURI},
				"client_id": {testClient.ID}, "client_secret": {testClient.Secret}, "code_verifier": {verifier}}
			if tc.change != nil {
				tc.change(form)
			}
			path := tc.path
			if path == "" {
				path = tokenPath
			}
			resp := redeem(t, base, path, form, tc.basic)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), "RFC 6749 §5.1")
			body := resp.JSON(t)
			if tc.wantError != "" {
				assert.Equal(t, tc.wantError, body["error"])
				assert.NotEmpty(t, body["error_description"])
				if tc.basic {
					assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Basic", "RFC 6749 §5.2")
				}
				return
			}
			assert.Equal(t, "bearer", body["token_type"])
			assert.True(t, strings.HasPrefix(body["access_token"].(string), "mock_access_"))
			assert.True(t, strings.HasPrefix(body["refresh_token"].(string), "mock_refresh_"))
			assert.Equal(t, float64(3600), body["expires_in"])
			assert.Equal(t, "read write", body["scope"])
			again := redeem(t, base, tokenPath, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testClient.RedirectURI},
				"client_id": {testClient.ID}, "client_secret": {testClient.Secret}, "code_verifier": {verifier}}, false)
			assert.Equal(t, http.StatusBadRequest, again.Status, "a code is single-use")
			assert.Equal(t, "invalid_grant", again.JSON(t)["error"])
		})
	}
}

// A provider that does not take PKCE issues codes without a challenge, and an issued code
// expires (RFC 6749 §4.1.2 recommends at most ten minutes).
func TestAuthorizationCodeWithoutPKCEAndExpiry(t *testing.T) {
	t.Parallel()
	m, base := startProvider(t, testClient)
	form := func(code string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testClient.RedirectURI},
			"client_id": {testClient.ID}, "client_secret": {testClient.Secret}}
	}
	resp := redeem(t, base, tokenPath, form(approvedCode(t, base, authorizeQuery(""))), false)
	assert.Equal(t, http.StatusOK, resp.Status, resp.Body)

	code := approvedCode(t, base, authorizeQuery(""))
	m.mu.Lock()
	m.codes[code].ExpiresAt = time.Now().Add(-time.Second)
	m.mu.Unlock()
	resp = redeem(t, base, tokenPath, form(code), false)
	assert.Equal(t, http.StatusBadRequest, resp.Status)
	assert.Equal(t, "invalid_grant", resp.JSON(t)["error"])
}

// The consent page checks the request as a provider does before it asks the user anything.
func TestConsentPageRejectsInvalidRequests(t *testing.T) {
	t.Parallel()
	_, base := startProvider(t, testClient)
	tests := []struct {
		name   string
		path   string
		change func(url.Values)
		want   string
	}{
		{name: "unknown client", change: func(v url.Values) { v.Set("client_id", "who") }, want: "Unknown client_id"},
		{name: "unregistered redirect_uri", change: func(v url.Values) { v.Set("redirect_uri", "http://evil.test/cb") }, want: "is not registered"},
		{name: "not the client's provider", path: "/oauth/authorize/https/github.com/login/oauth/authorize", want: "is not an authorization URL of Zendesk"},
		{name: "unsupported response type", change: func(v url.Values) { v.Set("response_type", "token") }, want: "Unsupported response_type"},
		{name: "plain PKCE", change: func(v url.Values) { v.Set("code_challenge_method", "plain") }, want: "Only the S256 code_challenge_method"},
		{name: "not a provider URL", path: "/oauth/authorize/https/acme.zendesk.com%23/x", want: "The authorization URL is not valid."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := authorizeQuery(oauth2.GenerateVerifier())
			if tc.change != nil {
				tc.change(q)
			}
			path := tc.path
			if path == "" {
				path = authorizePath
			}
			page := webtest.Get(t, webtest.Browser(t), base+path+"?"+q.Encode(), nil)
			require.Equal(t, http.StatusBadRequest, page.Status)
			assert.Contains(t, page.Body, `id="error"`)
			assert.Contains(t, page.Body, tc.want)
			assert.NotContains(t, page.Body, `id="approve"`)
		})
	}
}

// Deny sends the user back with access_denied (RFC 6749 §4.1.2.1), and the state.
func TestConsentDenied(t *testing.T) {
	t.Parallel()
	_, base := startProvider(t, testClient)
	back, err := url.Parse(webtest.DecideAtProvider(t, webtest.Browser(t), base+authorizePath+"?"+authorizeQuery("").Encode(), "deny"))
	require.NoError(t, err)
	assert.Equal(t, url.Values{"error": {"access_denied"}, "error_description": {"The user denied access"}, "state": {"state-1"}}, back.Query())
}

// The client credentials grant: the credential rule decides, at the token URL of a provider.
func TestClientCredentialsGrant(t *testing.T) {
	t.Parallel()
	_, base := startProvider(t, testClient)
	tests := []struct {
		name, path, secret string
		wantStatus         int
		wantError          string
	}{
		{name: "accepted", path: tokenPath, secret: "cc-secret", wantStatus: 200},
		{name: "refused credential", path: tokenPath, secret: "invalid-secret", wantStatus: 401, wantError: "invalid_client"},
		{name: "not a token URL", path: "/oauth/token/https/example.com/token", secret: "cc-secret", wantStatus: 400, wantError: "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"cc-client"}, "client_secret": {tc.secret}, "scope": {"a b"}}
			resp := redeem(t, base, tc.path, form, false)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			body := resp.JSON(t)
			if tc.wantError != "" {
				assert.Equal(t, tc.wantError, body["error"])
				return
			}
			assert.True(t, strings.HasPrefix(body["access_token"].(string), "mock_cc_"))
			assert.Equal(t, "a b", body["scope"])
		})
	}
}

// POST /api/verify/{provider}: the provider's API, which refuses a credential starting with
// "invalid" and never echoes it.
func TestVerifyCredentials(t *testing.T) {
	t.Parallel()
	sendgrid := Client{ID: "sg", Secret: "s", Integration: "sendgrid", Provider: "sendgrid", DisplayName: "SendGrid"}
	ghost := Client{ID: "gh", Secret: "s", Integration: "ghost-admin", Provider: "ghost-admin", DisplayName: "Ghost"}
	_, base := startProvider(t, sendgrid, ghost)
	tests := []struct {
		name, provider, body string
		wantStatus           int
	}{
		{"accepted", "sendgrid", `{"credentials":{"apiKey":"SG.ok"}}`, http.StatusOK},
		{"refused, any case", "sendgrid", `{"credentials":{"apiKey":"InValid-key"}}`, http.StatusUnauthorized},
		{"refused, nested", "ghost-admin", `{"credentials":{"privateKey":{"id":"a","secret":"invalid"}}}`, http.StatusUnauthorized},
		{"unknown provider", "nope", `{"credentials":{}}`, http.StatusNotFound},
		{"not JSON", "sendgrid", `{`, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Do(t, http.DefaultClient, http.MethodPost, base+"/api/verify/"+tc.provider, strings.NewReader(tc.body),
				map[string]string{"Content-Type": "application/json"})
			assert.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			switch tc.wantStatus {
			case http.StatusUnauthorized:
				assert.Equal(t, "invalid_credentials", resp.JSON(t)["error"])
				assert.NotContains(t, strings.ToLower(resp.Body), "invalid-key", "the value is not echoed")
			case http.StatusOK:
				assert.True(t, strings.HasPrefix(resp.JSON(t)["token"].(string), "mock_token_"))
			}
		})
	}
}

// The faults a flow's authorize query asks for (the API host writes them there), or its
// client's integration has, act at the consent page and the token endpoint.
func TestProviderFaults(t *testing.T) {
	t.Parallel()
	coopClient := testClient
	coopClient.ID, coopClient.Faults = "client-coop", catalog.FaultSet{catalog.FaultCOOP: 0}
	_, base := startProvider(t, testClient, coopClient)
	withFault := func(fault string) url.Values {
		q := authorizeQuery("")
		q.Set(catalog.FaultParam, fault)
		return q
	}
	c := webtest.Browser(t)

	coop := webtest.Get(t, c, base+authorizePath+"?"+withFault("coop").Encode(), nil)
	assert.Equal(t, "same-origin", coop.Header.Get("Cross-Origin-Opener-Policy"), "asked for by the flow")
	decided := webtest.Decide(t, c, base+authorizePath, coop, "approve")
	assert.Equal(t, "same-origin", decided.Header.Get("Cross-Origin-Opener-Policy"), "and on the consent form's redirect")
	q := authorizeQuery("")
	q.Set("client_id", coopClient.ID)
	assert.Equal(t, "same-origin", webtest.Get(t, c, base+authorizePath+"?"+q.Encode(), nil).Header.Get("Cross-Origin-Opener-Policy"), "set for the client's integration")
	assert.Empty(t, webtest.Get(t, c, base+authorizePath+"?"+authorizeQuery("").Encode(), nil).Header.Get("Cross-Origin-Opener-Policy"))

	denied := webtest.Get(t, c, base+authorizePath+"?"+withFault("access_denied").Encode(), nil)
	require.Equal(t, http.StatusSeeOther, denied.Status, "the page decides by itself")
	assert.Contains(t, denied.Header.Get("Location"), "error=access_denied")
	approved := webtest.Get(t, c, base+authorizePath+"?"+withFault("auto_approve").Encode(), nil)
	require.Equal(t, http.StatusSeeOther, approved.Status)
	assert.Contains(t, approved.Header.Get("Location"), "code=mock_code_")

	start := time.Now()
	slow := webtest.Get(t, c, base+authorizePath+"?"+withFault("slow_consent:150ms").Encode(), nil)
	assert.Equal(t, http.StatusOK, slow.Status)
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)

	for fault, want := range map[string]int{"token_500": http.StatusInternalServerError, "token_malformed": http.StatusOK} {
		code := approvedCode(t, base, withFault(fault))
		resp := redeem(t, base, tokenPath, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testClient.RedirectURI},
			"client_id": {testClient.ID}, "client_secret": {testClient.Secret}}, false)
		assert.Equal(t, want, resp.Status, fault)
		assert.NotContains(t, resp.Body, "mock_refresh_", fault)
	}
}
