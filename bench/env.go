package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/nango-wasm/nango-wasm/e2e"
	"github.com/nango-wasm/nango-wasm/server"
)

// pages are the bench's own fixture pages. They are served from the dev server's app origin
// under /sdk/, next to the SDK, so that the page, nango.js, nango.wasm and the floor all come
// through the same handler with the same headers (precompressed, strong ETag, no-cache).
//
//go:embed pages/*.html
var pages embed.FS

// stepTimeout bounds every wait on the browser, so a hang fails the bench instead of stalling it.
const stepTimeout = 20 * time.Second

// inputs are the built files the bench measures and serves (make bench builds them).
type inputs struct {
	dist string // dist/
}

func (in inputs) path(name string) string { return filepath.Join(in.dist, name) }

// required lists what make bench must have built before go run ./bench.
func (in inputs) required() []string {
	return []string{
		"nango.wasm", "nango.wasm.br", "nango.wasm.gz", "nango.js", "nango.js.br", "nango.js.gz", "wasm_exec.js",
		"bench/floor.wasm", "bench/floor.wasm.br", "bench/floor.wasm.gz", "bench/frontend.min.js",
	}
}

func (in inputs) check() error {
	for _, name := range in.required() {
		if _, err := os.Stat(in.path(name)); err != nil {
			return fmt.Errorf("bench: %w (run make bench, which builds it)", err)
		}
	}
	return nil
}

// env is one running bench environment: the dev server (app, API and provider origins on
// loopback, port 0) serving a temporary copy of the SDK with the floor, the anchor and the
// pages, and one headless Chromium with popup blocking on.
type env struct {
	in       inputs
	serveDir string
	srv      *server.Server
	browser  context.Context
	version  string // Chromium's product string
	stop     []func()
}

func startEnv(ctx context.Context, in inputs) (*env, error) {
	e := &env{in: in}
	if err := e.prepareServeDir(); err != nil {
		e.close()
		return nil, err
	}
	srv, err := server.Start(context.Background(), server.Config{
		AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0",
		DistDir: e.serveDir,
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		e.close()
		return nil, fmt.Errorf("bench: start the dev server: %w", err)
	}
	e.srv = srv
	e.stop = append(e.stop, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	if err := e.startBrowser(ctx); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// prepareServeDir fills a temporary DistDir: the SDK and the floor as built (with their
// .br/.gz), the minified anchor, and the pages. Copies keep their source's modification time, because the server ignores a
// compressed copy older than its source.
func (e *env) prepareServeDir() error {
	dir, err := os.MkdirTemp("", "nango-bench-dist-")
	if err != nil {
		return err
	}
	e.serveDir = dir
	e.stop = append(e.stop, func() { _ = os.RemoveAll(dir) })
	copies := map[string]string{
		"anchor.js": "bench/frontend.min.js", "floor.wasm": "bench/floor.wasm",
		"floor.wasm.br": "bench/floor.wasm.br", "floor.wasm.gz": "bench/floor.wasm.gz",
	}
	for _, f := range []string{"nango.js", "nango.js.br", "nango.js.gz", "nango.wasm", "nango.wasm.br", "nango.wasm.gz", "wasm_exec.js"} {
		copies[f] = f
	}
	apps, err := e.in.appFiles()
	if err != nil {
		return err
	}
	for dst, src := range apps {
		if _, taken := copies[dst]; taken {
			return fmt.Errorf("bench: the app's %s would replace the SDK's", dst)
		}
		copies[dst] = src
	}
	for dst, src := range copies {
		if err := copyKeepingTime(e.in.path(src), filepath.Join(dir, dst)); err != nil {
			return err
		}
	}
	err = fs.WalkDir(pages, "pages", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := pages.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644)
	})
	if err != nil {
		return err
	}
	preloaded, err := withPreload()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "start-preload.html"), preloaded, 0o644)
}

// preloadSnippet is the README's preload snippet: both downloads start before the module
// graph asks for them.
const preloadSnippet = `<link rel="modulepreload" href="/sdk/nango.js">
<link rel="preload" href="/sdk/nango.wasm" as="fetch" type="application/wasm" crossorigin>
`

// withPreload is start.html with the preload snippet at the end of its head, so the two
// start-up pages differ in nothing else.
func withPreload() ([]byte, error) {
	b, err := pages.ReadFile("pages/start.html")
	if err != nil {
		return nil, err
	}
	page := string(b)
	if !strings.Contains(page, "</head>") {
		return nil, fmt.Errorf("bench: pages/start.html has no </head> to put the preload before")
	}
	return []byte(strings.Replace(page, "</head>", preloadSnippet+"</head>", 1)), nil
}

func copyKeepingTime(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		return err
	}
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	return os.Chtimes(dst, info.ModTime(), info.ModTime())
}

// startBrowser starts Chromium with the e2e tests' flags: headless, a fresh profile, and the
// popup blocker on (chromedp turns it off by default), so a popup opened outside the click's
// task is blocked here as it would be for a user.
func (e *env) startBrowser(ctx context.Context) error {
	if _, err := os.Stat(e2e.ChromiumPath); err != nil {
		return errors.New("bench: Debian's chromium is missing (make bench installs it)")
	}
	profile, err := os.MkdirTemp("", "nango-bench-chromium-")
	if err != nil {
		return err
	}
	e.stop = append(e.stop, func() { _ = os.RemoveAll(profile) })
	flags := e2e.ChromiumFlags(profile, true)
	// The browser lives under ctx: when the bench's deadline passes, Chromium is stopped and
	// every step still waiting on it fails.
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, flags...)
	browserCtx, cancelBrowser := chromedp.NewContext(alloc)
	e.stop = append(e.stop, cancelAlloc, cancelBrowser)
	if err := chromedp.Do(browserCtx); err != nil {
		return fmt.Errorf("bench: start chromium: %w", err)
	}
	v, err := chromedp.CallBrowser(browserCtx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		return fmt.Errorf("bench: chromium version: %w", err)
	}
	e.browser, e.version = browserCtx, v.Product
	return nil
}

// close stops the browser, then the servers, then removes the temporary folders.
func (e *env) close() {
	for i := len(e.stop) - 1; i >= 0; i-- {
		e.stop[i]()
	}
	e.stop = nil
}

// pageURL is one of the bench pages on the app origin, pointed at the dev server's API.
func (e *env) pageURL(page string, q url.Values) string {
	if q == nil {
		q = url.Values{}
	}
	q.Set("host", e.srv.APIURL())
	return e.srv.AppURL() + "/sdk/" + page + "?" + q.Encode()
}

// newSession creates a connect session over the API, as an app's backend does. A token stays
// valid for 30 minutes and may run many flows, so one page keeps one.
func (e *env) newSession() (string, error) {
	body, _ := json.Marshal(map[string]any{"end_user": map[string]any{"id": "bench-user", "display_name": "Bench"}})
	req, err := http.NewRequest(http.MethodPost, e.srv.APIURL()+"/connect/sessions", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+e.srv.SecretKey())
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("bench: create a connect session: %w", err)
	}
	defer res.Body.Close()
	var out struct {
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("bench: create a connect session: status %d: %v", res.StatusCode, err)
	}
	return out.Data.Token, nil
}
