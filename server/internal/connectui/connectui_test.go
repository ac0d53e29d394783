package connectui

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnectUIPage(t *testing.T) {
	t.Parallel()
	h := Page("/connect/", []string{"http://api.test:3003", `http://x"><script>`})
	tests := []struct {
		name, path, wantType, wantBody string
	}{
		{"the page", "/connect/", "text/html; charset=utf-8", `<script type="module" src="connect.js">`},
		{"its script", "/connect/connect.js", "text/javascript; charset=utf-8", "session_token"},
		{"its strings", "/connect/strings.js", "text/javascript; charset=utf-8", "Connecter un compte"},
		{"its style", "/connect/connect.css", "text/css; charset=utf-8", `[data-theme="dark"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path+"?apiURL=http://x&lang=fr", nil))
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, tc.wantType, rec.Header().Get("Content-Type"))
			assert.Contains(t, rec.Body.String(), tc.wantBody)
			csp := rec.Header().Get("Content-Security-Policy")
			assert.Contains(t, csp, "script-src 'self' 'wasm-unsafe-eval'", "the page runs nango.wasm and nothing inline")
			assert.Contains(t, csp, "frame-ancestors *", "any app may embed it")
			assert.Contains(t, csp, "connect-src 'self' http://api.test:3003 ws://api.test:3003 ", "the page reaches only its API")
		})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/connect/", nil))
	assert.Contains(t, rec.Body.String(), `<meta name="nango-api-origins" content="http://api.test:3003 http://x&#34;&gt;&lt;script&gt;">`, "the API origins reach the script, escaped")

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/connect/../server.go", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

// On its own origin the Connect UI is at /, next to the SDK it runs and the health check.
func TestConnectUIRoutes(t *testing.T) {
	t.Parallel()
	dist := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dist, "nango.js"), []byte("export default 1;"), 0o644))
	h := Handler(web.NewSDKFiles(dist), []string{"http://api.test:3003"})
	for path, want := range map[string]string{"/": "connect.js", "/connect.js": "session_token", "/sdk/nango.js": "export default 1;", "/health": `"ok"`} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		require.Equal(t, http.StatusOK, rec.Code, path)
		assert.Contains(t, rec.Body.String(), want, path)
	}
}
