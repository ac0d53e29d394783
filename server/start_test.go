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
