package provider

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

const (
	installPath      = "/oauth/install/https/github.com/apps/test-app/installations/new"
	appTokenTemplate = "https://api.github.com/app/installations/${connectionConfig.installation_id}/access_tokens"
)

// startApp serves a mock provider that knows one GitHub App (id 123456) with key.
func startApp(t *testing.T, key *rsa.PrivateKey) (*Provider, string) {
	t.Helper()
	m, base := startProvider(t)
	m.RegisterApp(App{
		ID: "123456", InstallURL: "https://github.com/apps/test-app/installations/new", TokenURL: appTokenTemplate,
		PublicKey:   func() (*rsa.PublicKey, error) { return &key.PublicKey, nil },
		Integration: "github-app", DisplayName: "GitHub (App)", SetupURL: "http://api.test/app-auth/connect",
	})
	return m, base
}

func newKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return key
}

// appJWT signs claims as a GitHub App does, with method.
func appJWT(t *testing.T, key *rsa.PrivateKey, claims jwt.MapClaims) string {
	t.Helper()
	signed, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	require.NoError(t, err)
	return signed
}

// installed approves the test app's installation page and returns the installation id the
// popup is sent back with.
func installed(t *testing.T, base string) string {
	t.Helper()
	back, err := url.Parse(webtest.DecideAtProvider(t, webtest.Browser(t), base+installPath+"?state=s-1", "approve"))
	require.NoError(t, err)
	assert.Equal(t, "http://api.test/app-auth/connect", back.Scheme+"://"+back.Host+back.Path)
	assert.Equal(t, "s-1", back.Query().Get("state"))
	assert.Equal(t, "install", back.Query().Get("setup_action"))
	return back.Query().Get("installation_id")
}

// The installation token endpoint checks the app's JWT as GitHub does: RS256, signed with the
// key of the app its iss names, live, at most ten minutes long, for one of that app's
// installations.
func TestInstallationToken(t *testing.T) {
	t.Parallel()
	key := newKey(t)
	_, base := startApp(t, key)
	id := installed(t, base)
	now := time.Now()
	valid := jwt.MapClaims{"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "iss": "123456"}
	post := func(installation, auth string) webtest.Response {
		return webtest.Do(t, http.DefaultClient, http.MethodPost,
			base+"/oauth/installation-token/https/api.github.com/app/installations/"+installation+"/access_tokens",
			strings.NewReader("{}"), map[string]string{"Authorization": auth, "Content-Type": "application/json"})
	}
	with := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{}
		for k, v := range valid {
			c[k] = v
		}
		change(c)
		return c
	}

	ok := post(id, "Bearer "+appJWT(t, key, valid))
	require.Equal(t, http.StatusCreated, ok.Status, ok.Body)
	body := ok.JSON(t)
	assert.Regexp(t, `^ghs_[0-9a-f]{36}$`, body["token"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`, body["expires_at"])

	other := newKey(t)
	for _, tc := range []struct {
		name, installation, auth string
		status                   int
		message                  string
	}{
		{"no bearer token", id, "", 401, "A JSON web token could not be decoded"},
		{"another key's signature", id, "Bearer " + appJWT(t, other, valid), 401, "A JSON web token could not be decoded"},
		{"an unknown app", id, "Bearer " + appJWT(t, key, with(func(c jwt.MapClaims) { c["iss"] = "999" })), 401, "'Issuer' claim ('iss') must be an Integer"},
		{"expired", id, "Bearer " + appJWT(t, key, with(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() })), 401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"},
		{"longer than ten minutes", id, "Bearer " + appJWT(t, key, with(func(c jwt.MapClaims) { c["exp"] = now.Add(time.Hour).Unix() })), 401, "'Expiration time' claim ('exp') is too far in the future"},
		{"without exp", id, "Bearer " + appJWT(t, key, with(func(c jwt.MapClaims) { delete(c, "exp") })), 401, "A JSON web token could not be decoded"},
		{"issued in the future", id, "Bearer " + appJWT(t, key, with(func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() })), 401, "A JSON web token could not be decoded"},
		{"an installation never made", "12345678", "Bearer " + appJWT(t, key, valid), 404, "Not Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := post(tc.installation, tc.auth)
			assert.Equal(t, tc.status, resp.Status, resp.Body)
			assert.Equal(t, tc.message, resp.JSON(t)["message"])
		})
	}
	t.Run("HS256 with the public key as secret", func(t *testing.T) {
		// The classic algorithm confusion: only RS256 is accepted.
		signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, valid).SignedString(key.PublicKey.N.Bytes())
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, post(id, "Bearer "+signed).Status)
	})
}

// The installation page knows only registered apps; a cancelled installation goes back with
// access_denied.
func TestInstallPage(t *testing.T) {
	t.Parallel()
	_, base := startApp(t, newKey(t))
	unknown := webtest.Get(t, webtest.Browser(t), base+"/oauth/install/https/github.com/apps/other/installations/new?state=s", nil)
	assert.Equal(t, http.StatusBadRequest, unknown.Status)
	assert.Contains(t, unknown.Body, "is not the installation page of any GitHub App")

	back, err := url.Parse(webtest.DecideAtProvider(t, webtest.Browser(t), base+installPath+"?state=s-2", "deny"))
	require.NoError(t, err)
	assert.Equal(t, "access_denied", back.Query().Get("error"))
	assert.Equal(t, "s-2", back.Query().Get("state"))
	assert.Empty(t, back.Query().Get("installation_id"))
}

// Dynamic client registration (RFC 7591) at an MCP provider's registration endpoint: refused
// metadata gets the RFC's error codes; a registered public client must use PKCE and redeems its
// code without a secret.
func TestDynamicClientRegistration(t *testing.T) {
	t.Parallel()
	m, base := startProvider(t)
	m.RegisterMCPServer(MCPServer{
		Provider: "linear-mcp", DisplayName: "Linear (MCP)", RegistrationURL: "https://mcp.linear.app/register",
		AuthorizationURL: "https://mcp.linear.app/authorize", TokenURL: "https://mcp.linear.app/token",
	})
	register := func(path, body string) webtest.Response {
		return webtest.Do(t, http.DefaultClient, http.MethodPost, base+path, strings.NewReader(body), map[string]string{"Content-Type": "application/json"})
	}
	const registerPath = "/oauth/register/https/mcp.linear.app/register"
	for _, tc := range []struct{ name, path, body, code string }{
		{"not a registration endpoint", "/oauth/register/https/mcp.other.app/register", `{"redirect_uris":["http://api.test/oauth/callback"]}`, "not_found"},
		{"not JSON", registerPath, `redirect_uris=x`, "invalid_client_metadata"},
		{"no redirect URI", registerPath, `{"token_endpoint_auth_method":"none"}`, "invalid_redirect_uri"},
		{"a relative redirect URI", registerPath, `{"redirect_uris":["/oauth/callback"]}`, "invalid_redirect_uri"},
		{"a redirect URI with a fragment", registerPath, `{"redirect_uris":["http://api.test/cb#x"]}`, "invalid_redirect_uri"},
		{"an unknown auth method", registerPath, `{"redirect_uris":["http://api.test/cb"],"token_endpoint_auth_method":"private_key_jwt"}`, "invalid_client_metadata"},
		{"the implicit grant", registerPath, `{"redirect_uris":["http://api.test/cb"],"grant_types":["implicit"]}`, "invalid_client_metadata"},
		{"a token response type", registerPath, `{"redirect_uris":["http://api.test/cb"],"response_types":["token"]}`, "invalid_client_metadata"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := register(tc.path, tc.body)
			assert.Contains(t, []int{400, 404}, resp.Status, resp.Body)
			assert.Equal(t, tc.code, resp.JSON(t)["error"])
		})
	}

	resp := register(registerPath, `{"redirect_uris":["http://api.test/oauth/callback"],"token_endpoint_auth_method":"none","client_name":"nango-dev"}`)
	require.Equal(t, http.StatusCreated, resp.Status, resp.Body)
	info := resp.JSON(t)
	clientID := info["client_id"].(string)
	assert.NotContains(t, info, "client_secret", "a public client gets no secret")
	assert.Equal(t, []any{"authorization_code"}, info["grant_types"])

	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {"http://api.test/oauth/callback"}, "state": {"s"}}
	noPKCE := webtest.Get(t, webtest.Browser(t), base+"/oauth/authorize/https/mcp.linear.app/authorize?"+q.Encode(), nil)
	assert.Equal(t, http.StatusBadRequest, noPKCE.Status)
	assert.Contains(t, noPKCE.Body, "it must use PKCE")

	verifier := oauth2.GenerateVerifier()
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(verifier))
	q.Set("code_challenge_method", "S256")
	back, err := url.Parse(webtest.DecideAtProvider(t, webtest.Browser(t), base+"/oauth/authorize/https/mcp.linear.app/authorize?"+q.Encode(), "approve"))
	require.NoError(t, err)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {back.Query().Get("code")}, "redirect_uri": {"http://api.test/oauth/callback"}, "client_id": {clientID}, "code_verifier": {verifier}}
	token := redeem(t, base, "/oauth/token/https/mcp.linear.app/token", form, false)
	assert.Equal(t, http.StatusOK, token.Status, token.Body)
}
