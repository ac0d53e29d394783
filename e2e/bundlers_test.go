package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nango-wasm/nango-wasm/internal/harness"
)

// appRun is what the fixture app (e2e/apps/shared/app.js) recorded of one click.
type appRun struct {
	Trusted      bool `json:"trusted"`
	ReadyAtClick bool `json:"readyAtClick"` // nango.wasm ran when the user clicked
	PopupOpen    bool `json:"popupOpen"`    // nango.win.modal was open when auth() returned, inside the click
	Settled      bool `json:"settled"`
	OK           bool `json:"ok"`
	Value        struct {
		ProviderConfigKey string `json:"providerConfigKey"`
		ConnectionID      string `json:"connectionId"`
	} `json:"value"`
	Type    string `json:"type"`
	Message string `json:"message"`
}

// bundlerApps are the fixture apps make apps built from the packed package, each with its
// bundler's own defaults (e2e/apps/NAME/package.json says how it was built).
var bundlerApps = []string{"vite", "webpack", "rollup", "esbuild"}

// Every bundler's build of the same app runs a whole auth() from the packed package: the popup
// opens on the click, the user approves, the promise resolves and the connection reads back,
// with nango.wasm fetched under the hashed name the bundler gave it.
func TestBundledAppsConnect(t *testing.T) {
	for _, name := range bundlerApps {
		t.Run(name, func(t *testing.T) {
			app := serveApp(t, name, nil)
			ctx := openTab(t, appURL(app.URL+"/", newSession(t, nil)))
			wasm := eval[[]string](t, ctx, `performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm'))`)
			require.Len(t, wasm, 1, "one wasm fetched")
			assert.NotEqual(t, "nango.wasm", filepath.Base(wasm[0]), "emitted under a hashed name")
			connectAndApprove(t, ctx)
		})
	}
}

// A user who clicks before nango.wasm has arrived (here the test server holds it back) still
// gets the popup inside the click, and once nango.wasm runs, the flow goes on in that popup and
// resolves.
func TestClickBeforeWasmArrives(t *testing.T) {
	gate := newWasmGate()
	app := serveApp(t, "vite", gate.holding)
	ctx := newTab(t)
	step(t, ctx, chromedp.Navigate(appURL(app.URL+"/", newSession(t, nil))))
	evalAwait[any](t, ctx, `new Promise((resolve) => { const check = () => window.appStartedAt ? resolve() : setTimeout(check, 10); check(); })`)
	gate.waitRequested(t)

	popup := attach(t, ctx, clickOpeningPopup(t, ctx, "#connect"))
	r := appRunAt(t, ctx, -1)
	assert.True(t, r.Trusted)
	assert.False(t, r.ReadyAtClick, "the click came before nango.wasm ran")
	assert.True(t, r.PopupOpen, "the popup was open when auth() returned, inside the click")
	assert.Equal(t, "about:blank", eval[string](t, popup, `location.href`), "blank until nango.wasm runs")

	gate.open()
	approve(t, popup)
	requireConnected(t, ctx)
}

// When nango.wasm cannot load, a call made before rejects with wasm_unavailable and a message
// that says what was fetched, what came back and what to do, and the popup it opened closes.
func TestWasmLoadFailureSaysWhy(t *testing.T) {
	page := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<!doctype html><title>the app</title>"))
	})
	for _, tc := range []struct {
		name   string
		answer http.Handler
		want   []string
	}{
		{"a dev server's page", page, []string{"answered 200 OK text/html, not WebAssembly", `it starts "<!doctype html>`, "the server answered with a page", "README, Bundlers"}},
		{"no such file", http.NotFoundHandler(), []string{"answered 404 Not Found text/plain", "nango.wasm is not at that URL", "--loader:.wasm=file", "README, Bundlers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gate := newWasmGate()
			app := serveApp(t, "vite", func(http.Handler) http.Handler { return gate.holding(tc.answer) })
			ctx := newTab(t)
			step(t, ctx, chromedp.Navigate(appURL(app.URL+"/", newSession(t, nil))))
			gate.waitRequested(t)
			popup := clickOpeningPopup(t, ctx, "#connect")
			gate.open()
			evalAwait[any](t, ctx, `window.last`)
			r := appRunAt(t, ctx, -1)
			assert.False(t, r.OK)
			assert.Equal(t, "wasm_unavailable", r.Type)
			assert.Contains(t, r.Message, "nango.wasm could not start: GET "+app.URL+"/assets/nango-", "what was fetched")
			for _, w := range tc.want {
				assert.Contains(t, r.Message, w)
			}
			targetGone(t, popup)
		})
	}
}

// Vite's dev server pre-bundles nango-wasm into node_modules/.vite/deps (its dependency
// optimizer), away from nango.wasm: the app still connects with no configuration.
func TestViteDevServer(t *testing.T) {
	dir := filepath.Join(env.Root, "dist", "apps", "vite")
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "node_modules", ".vite")), "start without an optimizer cache")
	base := startViteDev(t, dir)
	ctx := openTab(t, appURL(base+"/", newSession(t, nil)))
	resources := eval[[]string](t, ctx, `performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)`)
	assert.True(t, hasPrefixed(resources, "/node_modules/.vite/deps/nango-wasm"), "the SDK came from Vite's optimizer: %v", resources)
	assert.Contains(t, resources, "/node_modules/nango-wasm/dist/nango.wasm", "and nango.wasm from the package")
	connectAndApprove(t, ctx)
}

func hasPrefixed(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// connectAndApprove clicks the app's Connect button, approves at the provider, and checks the
// connection reads back.
func connectAndApprove(t *testing.T, ctx context.Context) {
	t.Helper()
	popup := clickConnect(t, ctx)
	r := appRunAt(t, ctx, -1)
	assert.True(t, r.ReadyAtClick && r.PopupOpen, "%+v", r)
	approve(t, popup)
	requireConnected(t, ctx)
}

// requireConnected waits for the app's last auth() and reads its connection back over the API.
func requireConnected(t *testing.T, ctx context.Context) {
	t.Helper()
	evalAwait[any](t, ctx, `window.last`)
	r := appRunAt(t, ctx, -1)
	require.True(t, r.OK, "auth() rejected: %s %s", r.Type, r.Message)
	assert.Equal(t, "zendesk", r.Value.ProviderConfigKey)
	c := connection(t, r.Value.ConnectionID, "zendesk")
	assert.Equal(t, map[string]any{"subdomain": "acme"}, c["connection_config"])
}

func appRunAt(t *testing.T, ctx context.Context, i int) appRun {
	t.Helper()
	return eval[appRun](t, ctx, fmt.Sprintf(`window.outcomes.at(%d)`, i))
}

// appURL is a fixture app's page pointed at the dev server's API with a connect session.
func appURL(page, token string) string {
	return page + "?" + url.Values{"host": {env.Server.APIURL()}, "token": {token}}.Encode()
}

// serveApp serves a fixture app's build (dist/apps/NAME/out) on its own loopback origin, as a
// static host does, .wasm as application/wasm. wasm, when given, wraps what answers .wasm.
func serveApp(t *testing.T, name string, wasm func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	out := filepath.Join(env.Root, "dist", "apps", name, "out")
	_, err := os.Stat(filepath.Join(out, "index.html"))
	require.NoError(t, err, "make apps builds %s", out)
	files := wasmTypes(http.FileServer(http.Dir(out)))
	wasmFiles := files
	if wasm != nil {
		wasmFiles = wasm(files)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			wasmFiles.ServeHTTP(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// wasmGate holds nango.wasm's answer back until the test opens it.
type wasmGate struct {
	requested, opened chan struct{}
	once              sync.Once
}

func newWasmGate() *wasmGate {
	return &wasmGate{requested: make(chan struct{}, 1), opened: make(chan struct{})}
}

// holding answers with next once the gate is open.
func (g *wasmGate) holding(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case g.requested <- struct{}{}:
		default:
		}
		select {
		case <-g.opened:
			next.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	})
}

func (g *wasmGate) waitRequested(t *testing.T) {
	t.Helper()
	select {
	case <-g.requested:
	case <-time.After(harness.StepTimeout):
		t.Fatal("the app did not ask for nango.wasm")
	}
}

func (g *wasmGate) open() { g.once.Do(func() { close(g.opened) }) }

// startViteDev runs the Vite app's dev server (npm run dev) on a free loopback port and returns
// its origin once it answers; it is stopped when the test ends.
func startViteDev(t *testing.T, dir string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	var logs bytes.Buffer
	cmd := exec.Command("node", "node_modules/vite/bin/vite.js", "--host", "127.0.0.1", "--port", fmt.Sprint(port), "--strictPort")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("vite dev server:\n%s", logs.String())
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("vite dev server exited: %v\n%s", err, logs.String())
		default:
		}
		if res, err := http.Get(base + "/"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("vite dev server did not answer at %s\n%s", base, logs.String())
	return ""
}
