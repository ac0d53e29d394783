// Package e2e drives the SDK and the dev server in Debian's real headless Chromium with chromedp.
//
// The harness (this file) is shared by the tests and the benchmarks: it starts the dev server with
// its three origins (API, mock provider, demo app), a fixture app on a fourth origin, an unrelated
// "evil" origin for spoofing tests, and one browser with popup blocking ON, so that a popup opened
// outside a click is caught as it would be for a user.
package e2e

import (
	"context"
	"errors"
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

	"github.com/chromedp/chromedp"
	"github.com/nango-wasm/nango-wasm/server"
)

// Env is a running test environment.
type Env struct {
	Server  *server.Server
	App     *httptest.Server // fixture pages (testdata) and the SDK under /sdk/, on its own origin
	Evil    *httptest.Server // another origin, for spoofing
	Browser context.Context  // the browser; NewContext(Browser) opens a tab
	Root    string           // the repository root
	stop    []func()
}

// Options tune Start.
type Options struct {
	// Headful shows the browser (NANGO_E2E_HEADFUL=1).
	Headful bool
	// Debug logs every CDP message (NANGO_E2E_DEBUG=1).
	Debug bool
}

// OptionsFromEnv reads NANGO_E2E_HEADFUL and NANGO_E2E_DEBUG.
func OptionsFromEnv() Options {
	return Options{Headful: os.Getenv("NANGO_E2E_HEADFUL") == "1", Debug: os.Getenv("NANGO_E2E_DEBUG") == "1"}
}

// RepoRoot finds the repository root from this source file.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// Start builds the SDK, the anchor bundle and the fixture apps (make build anchor apps), starts the
// servers and the browser.
func Start(opts Options) (*Env, error) {
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

	if err := env.startBrowser(opts); err != nil {
		env.Close()
		return nil, err
	}
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
	files := map[string]string{"forge.html": filepath.Join(env.Root, "e2e", "testdata", "forge.html")}
	for _, f := range []string{"nango.js", "nango.classic.js", "nango.wasm", "wasm_exec.js", "nango.d.ts"} {
		files[f] = filepath.Join(env.Root, "dist", f)
		for _, precompressed := range []string{f + ".br", f + ".gz"} {
			if _, err := os.Stat(filepath.Join(env.Root, "dist", precompressed)); err == nil {
				files[precompressed] = filepath.Join(env.Root, "dist", precompressed)
			}
		}
	}
	for name, src := range files {
		b, err := os.ReadFile(src)
		if err != nil {
			return "", fmt.Errorf("e2e: %w (run make build)", err)
		}
		dst := filepath.Join(dir, name)
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return "", err
		}
		// Keep the modification times: the server ignores a compressed copy older than its source.
		if info, err := os.Stat(src); err == nil {
			_ = os.Chtimes(dst, info.ModTime(), info.ModTime())
		}
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

// ChromiumPath is Debian's Chromium.
const ChromiumPath = "/usr/bin/chromium"

// ChromiumFlags are the options of every browser the project's tests and benchmarks drive:
// Debian's Chromium with a fresh profile, the flags this machine needs, and the popup blocker on
// (chromedp turns it off by default; a user's browser has it on, and a popup opened outside the
// click must be caught here as it would be there).
func ChromiumFlags(profile string, headless bool) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", headless),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-popup-blocking", false),
		chromedp.WindowSize(1280, 900),
	)
}

func (env *Env) startBrowser(opts Options) error {
	if _, err := os.Stat(ChromiumPath); err != nil {
		return errors.New("e2e: Debian's chromium is missing (make test installs it)")
	}
	profile, err := os.MkdirTemp("", "nango-e2e-chromium-")
	if err != nil {
		return err
	}
	env.stop = append(env.stop, func() { _ = os.RemoveAll(profile) })
	flags := ChromiumFlags(profile, !opts.Headful)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	var ctxOpts []chromedp.ContextOption
	if opts.Debug {
		ctxOpts = append(ctxOpts, chromedp.WithDebugf(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }))
	}
	browser, cancelBrowser := chromedp.NewContext(alloc, ctxOpts...)
	env.stop = append(env.stop, cancelAlloc, cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		return fmt.Errorf("e2e: start chromium: %w", err)
	}
	env.Browser = browser
	return nil
}

// Close stops the browser and the servers.
func (env *Env) Close() {
	for i := len(env.stop) - 1; i >= 0; i-- {
		env.stop[i]()
	}
	env.stop = nil
}
