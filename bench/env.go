package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/internal/harness"
	"github.com/nango-wasm/nango-wasm/server"
)

// pages are the bench's own fixture pages. They are served from the dev server's app origin
// under /sdk/, next to the SDK, so that the page, nango.js, nango.wasm and the floor all come
// through the same handler with the same headers (precompressed, strong ETag, no-cache).
//
//go:embed pages/*.html
var pages embed.FS

// inputs are the built files the bench measures and serves (make bench builds them).
type inputs struct {
	dist string // dist/
	only string // the one section that runs (-only), or "" for all
}

func (in inputs) path(name string) string { return filepath.Join(in.dist, name) }

// required lists what make bench must have built before go run ./bench.
func (in inputs) required() []string {
	sdk := []string{"nango.wasm", "nango.wasm.br", "nango.wasm.gz", "nango.js", "nango.js.br", "nango.js.gz", "wasm_exec.js", "bench/frontend.min.js"}
	switch in.only {
	case "flows":
		return sdk
	case "startup":
		return append(sdk, "bench/floor.wasm", "bench/floor.wasm.br", "bench/floor.wasm.gz")
	case "apps":
		return append(sdk, appDir+"/index.html", appDir+"/nangohq-frontend.html")
	}
	return append([]string{
		"nango.wasm", "nango.wasm.br", "nango.wasm.gz", "nango.js", "nango.js.br", "nango.js.gz", "wasm_exec.js",
		"bench/floor.wasm", "bench/floor.wasm.br", "bench/floor.wasm.gz", "bench/frontend.min.js",
		"linked/nango.wasm", "bench/floor-postlinked.wasm", "bench/jshello.wasm", "bench/emptymain.wasm",
		"bench/go-example-baseline.wasm", "bench/go-example-baseline.wasm.br", "bench/go-example-baseline.wasm.gz",
	}, goAppFiles...)
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
	// profileDir, when set (-profile), gets a V8 CPU profile of each SDK's timed later clicks.
	profileDir string
	stop       []func()
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
// .br/.gz, copied by the harness as the e2e tests copy them), the minified anchor, and the
// pages.
func (e *env) prepareServeDir() error {
	dir, err := os.MkdirTemp("", "nango-bench-dist-")
	if err != nil {
		return err
	}
	e.serveDir = dir
	e.stop = append(e.stop, func() { _ = os.RemoveAll(dir) })
	sdk := []string{"nango.js", "nango.wasm", "wasm_exec.js"}
	if err := harness.CopyDist(e.in.dist, dir, sdk...); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	builds := map[string]string{"anchor.js": "bench/frontend.min.js"}
	apps := map[string]string{}
	if e.in.only == "" || e.in.only == "startup" {
		builds["floor.wasm"] = "bench/floor.wasm"
	}
	if e.in.only == "" || e.in.only == "apps" {
		if apps, err = e.in.appFiles(); err != nil {
			return err
		}
	}
	for dst, src := range apps {
		if strings.HasSuffix(dst, ".br") || strings.HasSuffix(dst, ".gz") {
			continue // CopyBuilt copies them with the file they compress
		}
		if _, taken := builds[dst]; taken || slices.Contains(sdk, dst) {
			return fmt.Errorf("bench: the app's %s would replace the SDK's", dst)
		}
		builds[dst] = src
	}
	for dst, src := range builds {
		if err := harness.CopyBuilt(e.in.path(src), filepath.Join(dir, dst)); err != nil {
			return fmt.Errorf("bench: %w", err)
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

// startBrowser starts the harness's browser (headless, popup blocker on) under ctx: when the
// bench's deadline passes, Chromium is stopped and every step still waiting on it fails.
func (e *env) startBrowser(ctx context.Context) error {
	b, err := harness.StartBrowser(ctx, harness.Options{})
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	e.stop = append(e.stop, b.Close)
	e.browser, e.version = b.Context, b.Version
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
