package demo

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const demoSecretKey = "6f1d4c3b-2a19-4e8f-9d7c-5b4a39281706"

// startDemo serves the demo app alone, for an API host at apiURL.
func startDemo(t *testing.T, apiURL string) string {
	t.Helper()
	d, err := New(Config{APIURL: apiURL, SecretKey: demoSecretKey, Client: http.DefaultClient,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SDK: web.NewSDKFiles(t.TempDir())})
	require.NoError(t, err)
	ts := httptest.NewServer(d.Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

// The page gets the API host's URL, as escaped JSON, and never the secret key.
func TestDemoPage(t *testing.T) {
	t.Parallel()
	app := startDemo(t, "http://api.test:3003")
	page := webtest.Get(t, http.DefaultClient, app+"/", nil)
	require.Equal(t, http.StatusOK, page.Status)
	assert.Contains(t, page.Body, `<script type="application/json" id="demo-config">{"apiURL":"http://api.test:3003"}</script>`)
	assert.Contains(t, page.Body, `await import('/sdk/nango.js')`)
	assert.NotContains(t, page.Body, demoSecretKey)
	for _, id := range []string{"integration-select", "config-form", "connect", "result", "error-type", "error-message", "connection"} {
		assert.Contains(t, page.Body, `id="`+id+`"`)
	}
}

// What the backend refuses before it calls the API host, and what it says when the API host
// cannot be reached.
func TestDemoBackendAlone(t *testing.T) {
	t.Parallel()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // a loopback port nothing listens on any more
	app := startDemo(t, gone.URL)
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantCode                 string
	}{
		{"the page cannot choose the end user", http.MethodPost, "/api/connect-session", `{"end_user":{"id":"x"}}`, http.StatusBadRequest, "invalid_body"},
		{"not JSON", http.MethodPost, "/api/connect-session", `{`, http.StatusBadRequest, "invalid_body"},
		{"API host unreachable", http.MethodPost, "/api/connect-session", `{}`, http.StatusBadGateway, "api_unreachable"},
		{"integrations, API host unreachable", http.MethodGet, "/api/integrations", ``, http.StatusBadGateway, "api_unreachable"},
		{"connection without its keys", http.MethodGet, "/api/connection", ``, http.StatusBadRequest, "invalid_query_params"},
		{"no such route", http.MethodGet, "/nope", ``, http.StatusNotFound, "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Do(t, http.DefaultClient, tc.method, app+tc.path, strings.NewReader(tc.body), webtest.SameOriginJSON(app))
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			assert.Equal(t, tc.wantCode, resp.Envelope(t)["code"])
		})
	}
}
