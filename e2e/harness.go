// Package e2e drives the SDK and the dev server in Debian's real headless Chromium with chromedp.
//
// The environment (this file) starts the dev server with its origins (API, mock provider, demo
// app, Connect UI), a fixture app on another origin, an unrelated "evil" origin for spoofing
// tests, and one browser from internal/harness (shared with make bench), with popup blocking ON,
// so that a popup opened outside a click is caught as it would be for a user.
package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/internal/harness"
	"github.com/nango-wasm/nango-wasm/server"
)

// Env is a running test environment.
type Env struct {
	Server  *server.Server
	App     *httptest.Server // fixture pages (testdata) and the SDK under /sdk/, on its own origin
	Evil    *httptest.Server // another origin, for spoofing
	Browser context.Context  // the browser; harness.OpenTab(Browser) opens a tab
	Root    string           // the repository root
	stop    []func()
}

// RepoRoot finds the repository root from this source file.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// LegacyPublicKey and HMACKey are the dev server's public key (of an account created before
// Nango deprecated public keys) and its HMAC key (hmac_enabled).
const (
	LegacyPublicKey = "0b7c1a42-6f0e-4d51-9a8b-3c2d1e0f9a87"
	HMACKey         = "e2e-hmac-key"
)

// Start builds the SDK, the anchor bundle and the fixture apps (make build anchor apps), starts the
// servers and the browser.
func Start(opts harness.Options) (*Env, error) {
	env := &Env{Root: RepoRoot()}
	build := exec.Command("make", "--no-print-directory", "build", "anchor", "apps")
	build.Dir = env.Root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("e2e: make build anchor apps: %w\n%s", err, out)
	}
	dist, err := env.distWithFixtures()
	if err != nil {
		return nil, err
	}
	srv, err := server.Start(context.Background(), server.Config{
		AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0", ConnectAddr: "127.0.0.1:0",
		DistDir: dist,
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		// A legacy account, so the conformance suite can run Nango's public-key auth and hmac.
		PublicKey: LegacyPublicKey, AccountCreatedAt: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), HMACKey: HMACKey,
	})
	if err != nil {
		env.Close()
		return nil, fmt.Errorf("e2e: start the dev server: %w", err)
	}
	env.Server = srv
	env.stop = append(env.stop, func() { _ = srv.Shutdown(context.Background()) })

	env.App = httptest.NewServer(fixtureHandler(filepath.Join(env.Root, "e2e", "testdata"), filepath.Join(env.Root, "dist")))
	env.Evil = httptest.NewServer(fixtureHandler(filepath.Join(env.Root, "e2e", "testdata"), filepath.Join(env.Root, "dist")))
	env.stop = append(env.stop, env.App.Close, env.Evil.Close)

	b, err := harness.StartBrowser(context.Background(), opts)
	if err != nil {
		env.Close()
		return nil, err
	}
	env.Browser = b.Context
	env.stop = append(env.stop, b.Close)
	return env, nil
}

// distWithFixtures copies the built SDK into a temporary folder that the dev server serves under
// /sdk/ on its origins, together with the forging fixture, so a spoofing test can run a page on
// the Nango host's own origin.
func (env *Env) distWithFixtures() (string, error) {
	dir, err := os.MkdirTemp("", "nango-e2e-dist-")
	if err != nil {
		return "", err
	}
	env.stop = append(env.stop, func() { _ = os.RemoveAll(dir) })
	dist := filepath.Join(env.Root, "dist")
	if err := harness.CopyDist(dist, dir, "nango.js", "nango.classic.js", "nango.wasm", "wasm_exec.js", "nango.d.ts"); err != nil {
		return "", err
	}
	if err := harness.CopyBuilt(filepath.Join(env.Root, "e2e", "testdata", "forge.html"), filepath.Join(dir, "forge.html")); err != nil {
		return "", err
	}
	return dir, nil
}

// fixtureHandler serves the fixture pages at /, the built SDK at /sdk/ and the real
// @nangohq/frontend, bundled for the conformance suite (make anchor), at /anchor/.
func fixtureHandler(testdata, dist string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /sdk/", http.StripPrefix("/sdk/", wasmTypes(http.FileServer(http.Dir(dist)))))
	mux.Handle("GET /anchor/", http.StripPrefix("/anchor/", http.FileServer(http.Dir(filepath.Join(dist, "anchor")))))
	// /csp/ pages are served with a strict policy that leaves WebAssembly out.
	files := http.FileServer(http.Dir(testdata))
	mux.Handle("GET /csp/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'")
		files.ServeHTTP(w, r)
	}))
	mux.Handle("GET /", http.FileServer(http.Dir(testdata)))
	return mux
}

func wasmTypes(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		h.ServeHTTP(w, r)
	})
}

// Close stops the browser and the servers.
func (env *Env) Close() {
	for i := len(env.stop) - 1; i >= 0; i-- {
		env.stop[i]()
	}
	env.stop = nil
}
