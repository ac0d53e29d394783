package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// popupTo sends a popup to /oauth/connect/{key} and returns where the API host redirects it.
func popupTo(t *testing.T, srv *Server, c *http.Client, key, token, extra string) *url.URL {
	t.Helper()
	resp := webtest.Get(t, c, webtest.ConnectURL(srv, key, token, extra), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, resp.Status, resp.Body)
	u, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return u
}

// installFlow drives a popup from /oauth/connect through the mock installation page to where
// it lands (the setup URL or the callback) and returns that landing URL and its page.
func installFlow(t *testing.T, srv *Server, c *http.Client, key, token, decision string) (string, webtest.Response) {
	t.Helper()
	install := popupTo(t, srv, c, key, token, "").String()
	require.True(t, strings.HasPrefix(install, srv.ProviderURL()+"/oauth/install/https/github.com/apps/nango-dev-"+key+"/installations/new?state="), install)
	landing := webtest.DecideAtProvider(t, c, install, decision)
	return landing, webtest.Get(t, c, landing, nil)
}

// A GitHub App install (APP): the popup goes to the app's installation page, comes back to the
// setup URL with an installation id, and the connection holds an installation token created
// with the app's signed JWT, in Nango's APP shape.
func TestGitHubAppInstallFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, `{"end_user":{"id":"u1"},"integrations_config_defaults":{"github-app":{"connection_config":{"team":"core"}}}}`)
	landing, page := installFlow(t, srv, webtest.Browser(t), "github-app", token, "approve")
	require.True(t, strings.HasPrefix(landing, srv.APIURL()+"/app-auth/connect?"), landing)
	back, _ := url.Parse(landing)
	assert.Equal(t, "install", back.Query().Get("setup_action"))
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	payload := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)
	assert.Equal(t, false, payload["isPending"])

	conn := webtest.ReadConnection(t, srv, "github-app", payload["connectionId"].(string)).JSON(t)
	config := conn["connection_config"].(map[string]any)
	assert.Equal(t, back.Query().Get("installation_id"), config["installation_id"])
	assert.Regexp(t, `^\d{6}$`, config["app_id"])
	assert.Equal(t, "core", config["team"], "the session's connection_config goes on top")
	assert.NotContains(t, config, "appPublicLink", "Nango builds an APP connection's config afresh")
	creds := conn["credentials"].(map[string]any)
	assert.Equal(t, "APP", creds["type"])
	assert.Regexp(t, `^ghs_`, creds["access_token"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$`, creds["expires_at"])
	assert.Equal(t, config["jwtToken"], creds["jwtToken"])
	assert.Len(t, strings.Split(creds["jwtToken"].(string), "."), 3)
	assert.Equal(t, "all", creds["raw"].(map[string]any)["repository_selection"])
}

// Cancelling the installation reports the user's refusal on the flow, with no connection.
func TestGitHubAppInstallCancelled(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	_, page := installFlow(t, srv, webtest.Browser(t), "github-app", token, "deny")
	assert.Equal(t, http.StatusBadRequest, page.Status)
	msg := webtest.PostedMessage(t, page.Body)
	assert.Equal(t, "nango_oauth_callback_error", msg["type"])
	assert.Contains(t, page.Body, "Did not get an installation_id in the callback. Provider error: error: access_denied")
}

// GitHub App OAuth (CUSTOM): the installation comes back to the OAuth callback with a code and
// an installation id; the code is redeemed, then the connection takes the installation token.
func TestGitHubAppOAuthFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	landing, page := installFlow(t, srv, webtest.Browser(t), "github-app-oauth", token, "approve")
	require.True(t, strings.HasPrefix(landing, srv.APIURL()+"/oauth/callback?"), landing)
	back, _ := url.Parse(landing)
	assert.NotEmpty(t, back.Query().Get("code"))
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	payload := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)
	assert.Equal(t, false, payload["isPending"])

	conn := webtest.ReadConnection(t, srv, "github-app-oauth", payload["connectionId"].(string)).JSON(t)
	config := conn["connection_config"].(map[string]any)
	assert.Equal(t, "https://github.com/apps/nango-dev-github-app-oauth", config["appPublicLink"])
	assert.Equal(t, back.Query().Get("installation_id"), config["installation_id"])
	assert.NotEmpty(t, config["jwtToken"])
	creds := conn["credentials"].(map[string]any)
	assert.Equal(t, "APP", creds["type"], "Nango's callback ends by storing the app's credentials")
	assert.Regexp(t, `^ghs_`, creds["access_token"])
}

// The setup URL refuses what GitHub would never send for this flow, each on the flow's page.
func TestAppAuthConnectRefusals(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	start := func(t *testing.T, c *http.Client) string {
		return popupTo(t, srv, c, "github-app", token, "").Query().Get("state")
	}
	for _, tc := range []struct {
		name, query, want string
	}{
		{"no installation id", "", "Missing Connection Config param(s) in Auth request to interpolate url https://api.github.com/app/installations/${connectionConfig.installation_id}/access_tokens. Provided Connection Config: {&#34;app_id&#34;:"},
		{"an installation id that is not a number", "&installation_id=..%2F..%2Fapp", "is not a GitHub installation id"},
		{"an installation the provider never made", "&installation_id=12345678", "Request failed with status code 404"},
		{"the request flow", "&installation_id=1&setup_action=request", "Please use the github-app-oauth provider for the request flow."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := webtest.Browser(t)
			state := start(t, c)
			page := webtest.Get(t, c, srv.APIURL()+"/app-auth/connect?state="+state+tc.query, nil)
			assert.Equal(t, http.StatusBadRequest, page.Status)
			assert.Contains(t, page.Body, tc.want)
		})
	}
	t.Run("state taken once", func(t *testing.T) {
		page := webtest.Get(t, webtest.Browser(t), srv.APIURL()+"/app-auth/connect?state=nope&installation_id=1", nil)
		assert.Equal(t, http.StatusBadRequest, page.Status)
		assert.Contains(t, page.Body, "No session found for state")
	})
	t.Run("another browser", func(t *testing.T) {
		state := start(t, webtest.Browser(t))
		page := webtest.Get(t, webtest.Browser(t), srv.APIURL()+"/app-auth/connect?state="+state+"&installation_id=1", nil)
		assert.Contains(t, page.Body, "OAuth state cookie missing")
	})
}

// An MCP integration registers its client at the provider on its first flow (RFC 7591), as a
// public client; the authorization then requires PKCE.
func TestMCPDynamicRegistrationFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	var clientIDs []string
	for range 2 {
		c := webtest.Browser(t)
		authorize := popupTo(t, srv, c, "linear-mcp", token, "")
		q := authorize.Query()
		assert.Equal(t, "/oauth/authorize/https/mcp.linear.app/authorize", authorize.Path)
		assert.Regexp(t, `^mcp_client_[0-9a-f]{32}$`, q.Get("client_id"))
		assert.Equal(t, "S256", q.Get("code_challenge_method"))
		clientIDs = append(clientIDs, q.Get("client_id"))
		callback := webtest.DecideAtProvider(t, c, authorize.String(), "approve")
		page := webtest.Get(t, c, callback, nil)
		require.Equal(t, http.StatusOK, page.Status, page.Body)
		id := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"].(string)
		creds := webtest.ReadConnection(t, srv, "linear-mcp", id).JSON(t)["credentials"].(map[string]any)
		assert.Equal(t, "OAUTH2", creds["type"])
	}
	assert.Equal(t, clientIDs[0], clientIDs[1], "the integration registers once")
}

// A marketplace plugin (INSTALL_PLUGIN): the popup goes to the plugin's page with the state as
// payload and comes back to the callback with the website it was installed on; the connection
// holds the integration's plugin keys, tested at the provider.
func TestPluginInstallFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	c := webtest.Browser(t)
	install := popupTo(t, srv, c, "crisp-plugin-install", token, "params%5Bregion%5D=eu").String()
	require.True(t, strings.HasPrefix(install, srv.ProviderURL()+"/oauth/install/https/marketplace.nango-dev.invalid/plugins/crisp-plugin-install/install?payload="), install)
	landing := webtest.DecideAtProvider(t, c, install, "approve")
	back, _ := url.Parse(landing)
	require.True(t, strings.HasPrefix(landing, srv.APIURL()+"/oauth/callback?"), landing)
	page := webtest.Get(t, c, landing, nil)
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	id := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"].(string)

	conn := webtest.ReadConnection(t, srv, "crisp-plugin-install", id).JSON(t)
	assert.Equal(t, map[string]any{"website_id": back.Query().Get("website_id"), "region": "eu"}, conn["connection_config"])
	creds := conn["credentials"].(map[string]any)
	assert.Equal(t, "BASIC", creds["type"])
	assert.Equal(t, "nango-dev-crisp-plugin-install", creds["username"])
	assert.NotEmpty(t, creds["password"])

	t.Run("cancelled", func(t *testing.T) {
		c := webtest.Browser(t)
		page := webtest.Get(t, c, webtest.DecideAtProvider(t, c, popupTo(t, srv, c, "crisp-plugin-install", token, "").String(), "deny"), nil)
		assert.Equal(t, http.StatusBadRequest, page.Status)
		assert.Contains(t, page.Body, "The plugin was not installed. Provider error: error: access_denied")
	})
}

// An MCP integration whose client is a client ID metadata document (cimd): the client_id is
// the document's URL on the API host, which the provider fetches and checks before it shows
// its consent page.
func TestMCPClientMetadataDocumentFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	c := webtest.Browser(t)
	authorize := popupTo(t, srv, c, "lovable-mcp", token, "")
	clientID := authorize.Query().Get("client_id")
	require.Regexp(t, `^`+srv.APIURL()+`/oauth/client-metadata/[0-9a-f-]{36}/lovable-mcp$`, clientID)

	doc := webtest.Get(t, http.DefaultClient, clientID, nil)
	require.Equal(t, http.StatusOK, doc.Status, doc.Body)
	assert.Equal(t, "public, max-age=300", doc.Header.Get("Cache-Control"))
	assert.Equal(t, `{"client_id":"`+clientID+`","client_name":"Nango","client_uri":"https://nango.dev","redirect_uris":["`+srv.APIURL()+`/oauth/callback"],"grant_types":["authorization_code","refresh_token"],"response_types":["code"],"token_endpoint_auth_method":"none"}`, strings.TrimSpace(doc.Body))

	page := webtest.Get(t, c, webtest.DecideAtProvider(t, c, authorize.String(), "approve"), nil)
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	id := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"].(string)
	assert.Equal(t, "OAUTH2", webtest.ReadConnection(t, srv, "lovable-mcp", id).JSON(t)["credentials"].(map[string]any)["type"])

	for path, code := range map[string]string{
		"/oauth/client-metadata/not-a-uuid/lovable-mcp":                                             "invalid_uri_params",
		"/oauth/client-metadata/6f1c5f3e-2a4b-4c8d-9e0f-123456789abc/lovable-mcp":                   "unknown_environment",
		strings.TrimPrefix(clientID, srv.APIURL())[:len("/oauth/client-metadata/")+36] + "/zendesk": "unknown_provider_config",
	} {
		resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+path, nil)
		assert.Equal(t, code, resp.Envelope(t)["code"], path)
	}

	// A client_id that is another URL is never fetched.
	q := authorize.Query()
	q.Set("client_id", "http://127.0.0.1:1/evil")
	refused := webtest.Get(t, webtest.Browser(t), srv.ProviderURL()+authorize.Path+"?"+q.Encode(), nil)
	assert.Equal(t, http.StatusBadRequest, refused.Status)
	assert.Contains(t, refused.Body, "Unknown client_id")
}
