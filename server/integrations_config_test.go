package server

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freeAddrs reserves loopback ports and frees them, for a server whose own URLs must be known
// before it starts (its config points at itself).
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	var addrs []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addrs = append(addrs, l.Addr().String())
		require.NoError(t, l.Close())
	}
	return addrs
}

// A "real provider" integration works end to end with any OAuth2 server: here the mock provider
// reached as an external one over HTTP (its endpoints in the config), with a client it knows.
func TestRealProviderIntegration(t *testing.T) {
	t.Parallel()
	addrs := freeAddrs(t, 3)
	provider := "http://" + addrs[2]
	cat, err := catalog.Load(catalog.ProvidersYAML)
	require.NoError(t, err)
	zendesk, _ := cat.Get("zendesk")
	external := func(kind, real string) string {
		return provider + "/oauth/" + kind + "/" + strings.Replace(real, "://", "/", 1)
	}
	srv := startConfigured(t, Config{AppAddr: addrs[0], APIAddr: addrs[1], ProviderAddr: addrs[2], Integrations: []IntegrationConfig{
		{UniqueKey: "zendesk-mock", Provider: "zendesk", ClientID: "ext-client", ClientSecret: "ext-secret"},
		{UniqueKey: "zendesk-ext", Provider: "zendesk", Endpoints: "real", ClientID: "ext-client", ClientSecret: "ext-secret",
			AuthorizationURL: external("authorize", zendesk.AuthorizationURL), TokenURL: external("token", zendesk.TokenURL)},
	}})
	c := webtest.Browser(t)
	connect := webtest.Get(t, c, webtest.ConnectURL(srv, "zendesk-ext", webtest.CreateSession(t, srv, webtest.DemoEndUser), "params[subdomain]=acme"), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, connect.Status, connect.Body)
	assert.True(t, strings.HasPrefix(connect.Header.Get("Location"), provider+"/oauth/authorize/https/acme.zendesk.com/oauth/authorizations/new?response_type=code&client_id=ext-client&"),
		"the popup goes to the configured authorization URL itself: %s", connect.Header.Get("Location"))
	callback := webtest.DecideAtProvider(t, c, connect.Header.Get("Location"), "approve")
	page := webtest.Get(t, c, callback, nil)
	msg := webtest.PostedMessage(t, page.Body)
	require.Equal(t, "nango_oauth_callback_success", msg["type"], page.Body)
	id := msg["payload"].(map[string]any)["connectionId"].(string)
	conn := webtest.ReadConnection(t, srv, "zendesk-ext", id)
	require.Equal(t, http.StatusOK, conn.Status, conn.Body)
	creds := conn.JSON(t)["credentials"].(map[string]any)
	assert.True(t, strings.HasPrefix(creds["access_token"].(string), "mock_access_"), "the token came from the external server's token endpoint")

	list := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/integrations", map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
	assert.Equal(t, 2, len(list.JSON(t)["data"].([]any)), "configured integrations replace the default set")
}

// Start refuses a Config it cannot run, naming the field as the config file spells it.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       Config
		wantField string
		wantMsg   string
	}{
		{"secret key", Config{SecretKey: "nope"}, "secret_key", "must be a UUID v4"},
		{"websockets path", Config{WebsocketsPath: "ws"}, "websockets_path", "must start with /"},
		{"webhook url", Config{Webhook: WebhookConfig{URL: "ftp://x"}}, "webhook.url", "not an http(s) URL"},
		{"server fault", Config{Faults: []string{"teleport"}}, "faults", `unknown fault "teleport"`},
		{"providers file", Config{ProvidersFile: "/nonexistent/providers.yaml"}, "providers", "no such file"},
		{"no key", Config{Integrations: []IntegrationConfig{{Provider: "github"}}}, "integrations[0].unique_key", "required"},
		{"unknown provider", Config{Integrations: []IntegrationConfig{{UniqueKey: "x", Provider: "nope"}}}, "integrations[0].provider", `no provider "nope"`},
		{"key names no provider", Config{Integrations: []IntegrationConfig{{UniqueKey: "my-gh"}}}, "integrations[0].unique_key", `no provider "my-gh"`},
		{"duplicate key", Config{Integrations: []IntegrationConfig{{UniqueKey: "github"}, {UniqueKey: "github"}}}, "integrations[1].unique_key", "already the key of integrations[0]"},
		{"shared mock client", Config{Integrations: []IntegrationConfig{{UniqueKey: "a", Provider: "github", ClientID: "c", ClientSecret: "s"}, {UniqueKey: "b", Provider: "github", ClientID: "c", ClientSecret: "s"}}}, "integrations[1].client_id", "already the client"},
		{"endpoints", Config{Integrations: []IntegrationConfig{{UniqueKey: "github", Endpoints: "fake"}}}, "integrations[0].endpoints", `must be "mock" or "real"`},
		{"real without secret", Config{Integrations: []IntegrationConfig{{UniqueKey: "github", Endpoints: "real", ClientID: "id"}}}, "integrations[0].client_secret", "required when endpoints are real"},
		{"real non-popup", Config{Integrations: []IntegrationConfig{{UniqueKey: "sendgrid", Endpoints: "real", ClientID: "i", ClientSecret: "s"}}}, "integrations[0].endpoints", "popup OAUTH2"},
		{"real bad url", Config{Integrations: []IntegrationConfig{{UniqueKey: "github", Endpoints: "real", ClientID: "i", ClientSecret: "s", TokenURL: "https://x/t?a=b"}}}, "integrations[0].token_url", "without query"},
		{"mock with url", Config{Integrations: []IntegrationConfig{{UniqueKey: "github", AuthorizationURL: "https://x/a"}}}, "integrations[0].authorization_url", "only with endpoints: real"},
		{"id without secret", Config{Integrations: []IntegrationConfig{{UniqueKey: "github", ClientID: "i"}}}, "integrations[0].client_secret", "required with client_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.AppAddr, tc.cfg.APIAddr, tc.cfg.ProviderAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
			_, err := Start(t.Context(), tc.cfg)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.wantField, ce.Field)
			assert.Contains(t, ce.Message, tc.wantMsg)
		})
	}
}

// -providers replaces the embedded catalog with a Nango-format file, aliases resolved.
func TestProvidersFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "providers.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`acme-oauth:
    display_name: Acme
    auth_mode: OAUTH2
    authorization_url: https://auth.acme.test/authorize
    token_url: https://auth.acme.test/token
    default_scopes:
        - read
acme-eu:
    alias: acme-oauth
    display_name: Acme (EU)
    authorization_url: https://eu.acme.test/authorize
`), 0o600))
	srv := startConfigured(t, Config{ProvidersFile: path})
	list := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/integrations", map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
	var keys []string
	for _, in := range list.JSON(t)["data"].([]any) {
		keys = append(keys, in.(map[string]any)["unique_key"].(string))
	}
	assert.Equal(t, []string{"acme-eu", "acme-oauth"}, keys)
	page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "acme-eu", webtest.CreateSession(t, srv, webtest.DemoEndUser), ""), "approve")
	assert.Equal(t, "nango_oauth_callback_success", webtest.PostedMessage(t, page.Body)["type"], page.Body)
	eu := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/providers/acme-eu", map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
	data := eu.JSON(t)["data"].(map[string]any)
	assert.Equal(t, "https://auth.acme.test/token", data["token_url"], "the alias's fields come through")
	assert.Equal(t, "https://eu.acme.test/authorize", data["authorization_url"], "the entry's own fields win")
}
