package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nango-wasm/nango-wasm/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Where /sdk/ comes from, and the warning a user gets when it would answer 404.
func TestUseSDKPicksAndWarns(t *testing.T) {
	withSDK := fstest.MapFS{"nango.wasm": {Data: []byte("\x00asm")}, "nango.js": {Data: []byte("1")}}
	withoutSDK := fstest.MapFS{"README.md": {Data: []byte("copies go here")}}
	built := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(built, "nango.wasm"), []byte("\x00asm"), 0o644))
	t.Chdir(t.TempDir()) // no ./dist here

	tests := []struct {
		name        string
		dist        string
		embedded    fstest.MapFS
		wantSource  string
		wantEmbed   bool
		wantWarning string
	}{
		{"-dist wins over the embedded SDK", built, withSDK, built, false, ""},
		{"-dist without the SDK", t.TempDir(), withSDK, "", false, "holds no nango.wasm"},
		{"embedded", "", withSDK, "embedded in this binary", true, ""},
		{"built without it, no ./dist", "", withoutSDK, "dist", false, "built without the SDK and ./dist has none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := server.Config{DistDir: tc.dist}
			var stderr strings.Builder
			source := useSDK(&cfg, tc.dist != "", tc.embedded, &stderr)
			if tc.wantSource != "" {
				assert.Equal(t, tc.wantSource, source)
			}
			assert.Equal(t, tc.wantEmbed, cfg.SDK != nil)
			if tc.wantWarning == "" {
				assert.Empty(t, stderr.String())
				return
			}
			assert.Contains(t, stderr.String(), tc.wantWarning)
			assert.Contains(t, stderr.String(), "-dist", "the warning gives the fix")
		})
	}

	// A checkout with a built ./dist serves it when the binary has no SDK of its own.
	require.NoError(t, os.Mkdir("dist", 0o755))
	require.NoError(t, os.WriteFile(filepath.Join("dist", "nango.wasm"), []byte("\x00asm"), 0o644))
	cfg := server.Config{}
	var stderr strings.Builder
	assert.Equal(t, "dist", useSDK(&cfg, false, withoutSDK, &stderr))
	assert.Equal(t, "dist", cfg.DistDir)
	assert.Empty(t, stderr.String())
}

// nango-dev started with a folder that has no SDK warns at start, and a page asking for the SDK
// gets the reason instead of a bare 404.
func TestStartWithoutSDKWarnsAndSaysWhy(t *testing.T) {
	dev := startDev(t) // -dist is an empty folder
	// The warning comes once the server runs, on stderr, which the test reads apart from the
	// banner on stdout: it may arrive a moment after the banner did.
	require.Eventually(t, func() bool { return strings.Contains(dev.stderr.String(), "holds no nango.wasm") },
		5*time.Second, 10*time.Millisecond, "no warning: %s", dev.stderr.String())
	res, err := http.Get(dev.apiURL + "/sdk/nango.js")
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	assert.Contains(t, string(body), `"code":"sdk_not_built"`)
}
