package server

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCORS(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	pre := webtest.Do(t, http.DefaultClient, http.MethodOptions, srv.APIURL()+"/connect/session", nil, map[string]string{
		"Origin": "http://app.test:3000", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization",
	})
	assert.Equal(t, http.StatusNoContent, pre.Status)
	assert.Equal(t, "*", pre.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "600", pre.Header.Get("Access-Control-Max-Age"))
	assert.Contains(t, pre.Header.Get("Access-Control-Allow-Headers"), "Authorization")
	assert.Contains(t, pre.Header.Get("Access-Control-Allow-Headers"), "Provider-Config-Key")
	assert.Contains(t, pre.Header.Get("Access-Control-Allow-Methods"), "DELETE")

	resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session", map[string]string{"Origin": "http://app.test:3000"})
	assert.Equal(t, http.StatusUnauthorized, resp.Status)
	assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"), "errors carry CORS headers too")
	assert.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "X-Nango-Signature")
}

func TestIntegrationsAndProviders(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	narrow := webtest.CreateSession(t, srv, `{"end_user":{"id":"u"},"allowed_integrations":["zendesk","github"]}`)
	tests := []struct {
		name string
		auth string
		want []string
	}{
		{name: "secret key sees all", auth: srv.SecretKey(), want: []string{"1password-scim", "3cx", "8x8", "ashby", "aws-sigv4", "bill", "emarsys", "ghost-admin", "github", "google", "google-calendar", "hubspot",
			"intercom", "jira", "linear", "netsuite", "netsuite-tba", "notion", "salesforce", "sendgrid", "sentry-oauth", "shopify", "slack", "unauthenticated", "zendesk"}},
		{name: "session sees its allowed integrations", auth: narrow, want: []string{"github", "zendesk"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/integrations", map[string]string{"Authorization": "Bearer " + tc.auth})
			require.Equal(t, http.StatusOK, resp.Status, resp.Body)
			var keys []string
			for _, item := range resp.JSON(t)["data"].([]any) {
				in := item.(map[string]any)
				keys = append(keys, in["unique_key"].(string))
				assert.NotEmpty(t, in["display_name"])
				assert.Equal(t, srv.APIURL()+"/images/template-logos/"+in["provider"].(string)+".svg", in["logo"])
			}
			assert.Equal(t, tc.want, keys)
		})
	}

	resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/providers/zendesk", map[string]string{"Authorization": "Bearer " + narrow})
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	data := resp.JSON(t)["data"].(map[string]any)
	assert.Equal(t, "zendesk", data["name"])
	assert.Equal(t, "Zendesk", data["display_name"])
	assert.Equal(t, "https://${connectionConfig.subdomain}.zendesk.com/oauth/authorizations/new", data["authorization_url"])
	field := data["connection_config"].(map[string]any)["subdomain"].(map[string]any)
	assert.Equal(t, "^[a-z0-9_-]+$", field["pattern"])

	missing := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/providers/nope", map[string]string{"Authorization": "Bearer " + narrow})
	assert.Equal(t, http.StatusNotFound, missing.Status)
	noAuth := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/integrations", nil)
	assert.Equal(t, http.StatusUnauthorized, noAuth.Status)

	logo := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/images/template-logos/zendesk.svg", nil)
	assert.Equal(t, http.StatusOK, logo.Status)
	assert.Equal(t, "image/svg+xml", logo.Header.Get("Content-Type"))
}

func TestSDKFiles(t *testing.T) {
	t.Parallel()
	dist := t.TempDir()
	for name, body := range map[string]string{"nango.js": "export default 1;", "nango.wasm": "\x00asm", "wasm_exec.js": "//", "nango.d.ts": "export {};"} {
		require.NoError(t, os.WriteFile(filepath.Join(dist, name), []byte(body), 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(dist), "secret.txt"), []byte("top-secret-content"), 0o644))
	srv, err := Start(t.Context(), Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0", DistDir: dist})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantType   string
	}{
		{name: "module", path: "/sdk/nango.js", wantStatus: 200, wantType: "text/javascript; charset=utf-8"},
		{name: "wasm", path: "/sdk/nango.wasm", wantStatus: 200, wantType: "application/wasm"},
		{name: "declarations", path: "/sdk/nango.d.ts", wantStatus: 200, wantType: "text/plain; charset=utf-8"},
		{name: "missing", path: "/sdk/nango.classic.js", wantStatus: 404},
		{name: "outside the dist dir", path: "/sdk/..%2Fsecret.txt", wantStatus: 404},
	}
	for _, tc := range tests {
		for _, origin := range []string{srv.AppURL(), srv.APIURL()} {
			t.Run(tc.name+" on "+origin, func(t *testing.T) {
				resp := webtest.Get(t, http.DefaultClient, origin+tc.path, nil)
				require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
				if tc.wantType != "" {
					assert.Equal(t, tc.wantType, resp.Header.Get("Content-Type"))
				}
				assert.NotContains(t, resp.Body, "top-secret-content")
			})
		}
	}
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	_, err := Start(t.Context(), Config{SecretKey: "not-a-uuid", AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0"})
	assert.ErrorContains(t, err, "UUID v4")

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	_, err = Start(t.Context(), Config{AppAddr: "127.0.0.1:0", APIAddr: busy.Addr().String(), ProviderAddr: "127.0.0.1:0"})
	assert.ErrorContains(t, err, "listen on")
}

func TestStartURLsAndKey(t *testing.T) {
	t.Parallel()
	key := "6f1d4c3b-2a19-4e8f-9d7c-5b4a39281706"
	srv, err := Start(t.Context(), Config{SecretKey: key, AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0"})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	assert.Equal(t, key, srv.SecretKey())
	for _, u := range []string{srv.AppURL(), srv.APIURL(), srv.ProviderURL()} {
		assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, u)
	}
	assert.NotEqual(t, srv.AppURL(), srv.APIURL())

	generated := startServer(t)
	assert.Regexp(t, web.UUIDv4Pattern, generated.SecretKey())
}

func TestNotFoundAndTelemetry(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, origin := range []string{srv.AppURL(), srv.APIURL(), srv.ProviderURL()} {
		resp := webtest.Get(t, http.DefaultClient, origin+"/nope", nil)
		assert.Equal(t, http.StatusNotFound, resp.Status)
		assert.Equal(t, "not_found", resp.JSON(t)["error"].(map[string]any)["code"])
	}
	root := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/", nil)
	assert.Equal(t, http.StatusUpgradeRequired, root.Status)
	assert.Equal(t, "upgrade_required", root.JSON(t)["error"].(map[string]any)["code"])
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	ok := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/telemetry",
		strings.NewReader(`{"token":"`+token+`","event":"open","timestamp":1}`), map[string]string{"Content-Type": "application/json"})
	assert.Equal(t, http.StatusNoContent, ok.Status)
	bad := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/telemetry", strings.NewReader(`{"event":"open"}`), nil)
	assert.Equal(t, http.StatusUnauthorized, bad.Status)
}
