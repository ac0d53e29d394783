package demo

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The demo app answers only to its own names (DNS rebinding: a page on evil.example whose DNS
// turns to 127.0.0.1 sends Host: evil.example), and mints a session token only for its own
// page's JSON fetch, never for a form or another site's request.
func TestDemoRefusesOtherHostsAndCrossOriginSessions(t *testing.T) {
	t.Parallel()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // the API host: a loopback port nothing listens on, so a request that passes the guard answers 502
	d, err := New(Config{APIURL: gone.URL, SecretKey: demoSecretKey, Client: http.DefaultClient,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SDK: web.NewSDKFiles(t.TempDir()), Hosts: []string{"devbox.test"}})
	require.NoError(t, err)
	ts := httptest.NewServer(d.Handler())
	t.Cleanup(ts.Close)
	port := ts.Listener.Addr().String()[strings.LastIndex(ts.Listener.Addr().String(), ":"):]

	send := func(method, path, host string, headers map[string]string, body string) (int, string) {
		req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Host = host
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	for host, want := range map[string]int{
		"127.0.0.1" + port: 200, "localhost" + port: 200, "app.localhost" + port: 200, "[::1]" + port: 200, "devbox.test" + port: 200,
		"evil.example" + port: http.StatusMisdirectedRequest, "127.0.0.1.evil.example" + port: http.StatusMisdirectedRequest,
	} {
		status, body := send(http.MethodGet, "/", host, nil, "")
		assert.Equal(t, want, status, "GET / with Host %s: %s", host, body)
	}
	status, _ := send(http.MethodPost, "/api/connect-session", "evil.example"+port,
		map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example" + port, "Sec-Fetch-Site": "same-origin"}, "{}")
	assert.Equal(t, http.StatusMisdirectedRequest, status, "a rebound page cannot mint a token")

	own := "http://127.0.0.1" + port
	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"the page's own fetch", map[string]string{"Content-Type": "application/json", "Origin": own, "Sec-Fetch-Site": "same-origin"}, http.StatusBadGateway},
		{"Origin only", map[string]string{"Content-Type": "application/json; charset=utf-8", "Origin": own}, http.StatusBadGateway},
		{"a form post from another site", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, http.StatusUnsupportedMediaType},
		{"a no-cors text/plain fetch", map[string]string{"Content-Type": "text/plain", "Origin": own}, http.StatusUnsupportedMediaType},
		{"JSON from another origin", map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, http.StatusForbidden},
		{"JSON from a sibling site", map[string]string{"Content-Type": "application/json", "Origin": own, "Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"no Origin, no Sec-Fetch-Site", map[string]string{"Content-Type": "application/json"}, http.StatusForbidden},
	} {
		status, body := send(http.MethodPost, "/api/connect-session", "127.0.0.1"+port, tc.headers, "{}")
		assert.Equal(t, tc.want, status, "%s: %s", tc.name, body)
	}
}
