package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCORSPolicies checks the two policies of Nango's public API: `*` everywhere, and the
// Connect UI's own origin, with credentials, for /connect/telemetry.
func TestCORSPolicies(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	public := map[string]string{
		"Access-Control-Allow-Origin":   "*",
		"Access-Control-Expose-Headers": corsExposeHeaders,
	}
	telemetry := map[string]string{
		"Access-Control-Allow-Origin":      srv.APIURL(),
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Expose-Headers":    "content-type",
		"Vary":                             "Origin",
	}
	tests := []struct {
		name, method, path, reqHeaders, body string
		wantStatus                           int
		want                                 map[string]string
		wantPreflight                        []string // methods, headers, max-age
	}{
		{name: "preflight of the SDK's custom-auth POST", method: http.MethodOptions, path: "/api-auth/api-key/sendgrid", reqHeaders: "content-type",
			wantStatus: 204, want: public, wantPreflight: []string{corsAllowMethods, corsAllowHeaders, "600"}},
		{name: "preflight of /oauth2/auth", method: http.MethodOptions, path: "/oauth2/auth/8x8", reqHeaders: "content-type",
			wantStatus: 204, want: public, wantPreflight: []string{corsAllowMethods, corsAllowHeaders, "600"}},
		{name: "the custom-auth POST", method: http.MethodPost, path: "/auth/unauthenticated/unauthenticated?connect_session_token=" + token, body: ``,
			wantStatus: 200, want: public},
		{name: "preflight of telemetry", method: http.MethodOptions, path: "/connect/telemetry", reqHeaders: "content-type",
			wantStatus: 204, want: telemetry, wantPreflight: []string{"POST", "Authorization, Content-type", "36000"}},
		{name: "telemetry", method: http.MethodPost, path: "/connect/telemetry", body: `{"token":"` + token + `","event":"open","timestamp":1}`,
			wantStatus: 204, want: telemetry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{"Origin": "http://app.test:3000"}
			if tc.method == http.MethodOptions {
				headers["Access-Control-Request-Method"] = "POST"
				headers["Access-Control-Request-Headers"] = tc.reqHeaders
			} else {
				headers["Content-Type"] = "application/json"
			}
			resp := webtest.Do(t, http.DefaultClient, tc.method, srv.APIURL()+tc.path, strings.NewReader(tc.body), headers)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			for k, v := range tc.want {
				assert.Equal(t, v, resp.Header.Get(k), k)
			}
			if tc.wantPreflight != nil {
				assert.Equal(t, tc.wantPreflight, []string{resp.Header.Get("Access-Control-Allow-Methods"), resp.Header.Get("Access-Control-Allow-Headers"), resp.Header.Get("Access-Control-Max-Age")})
				assert.Empty(t, resp.Body)
			}
		})
	}
}

// With its own origin, the Connect UI's telemetry is allowed from either place it is served.
func TestTelemetryCORSFollowsTheConnectUI(t *testing.T) {
	t.Parallel()
	h := withCORS([]string{"http://api.test", "http://connect.test"}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	for origin, want := range map[string]string{
		"http://connect.test": "http://connect.test",
		"http://api.test":     "http://api.test",
		"http://evil.test":    "http://api.test",
	} {
		req := httptest.NewRequest(http.MethodOptions, "/connect/telemetry", nil)
		req.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, want, rec.Header().Get("Access-Control-Allow-Origin"), origin)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
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
