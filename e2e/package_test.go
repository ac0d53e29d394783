package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tarball npm pack made (make pack) holds the SDK and nothing else, and an app installs and
// imports it by name: in Node (server-side rendering, where it loads nothing and says so) and in
// a browser page, from node_modules.
func TestNPMPackage(t *testing.T) {
	dir := t.TempDir()
	tarballs, _ := filepath.Glob(filepath.Join(env.Root, "dist", "npm", "nango-wasm-*.tgz"))
	require.Len(t, tarballs, 1, "make pack")
	list, err := exec.Command("tar", "-tzf", tarballs[0]).Output()
	require.NoError(t, err)
	files := strings.Fields(string(list))
	slices.Sort(files)
	assert.Equal(t, []string{"package/LICENSE", "package/README.md", "package/dist/nango.classic.js", "package/dist/nango.d.ts",
		"package/dist/nango.esbuild.js", "package/dist/nango.js", "package/dist/nango.wasm", "package/package.json"}, files)

	app := filepath.Join(dir, "app")
	require.NoError(t, os.MkdirAll(app, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(app, "package.json"), []byte(`{"name":"app","private":true,"type":"module"}`), 0o644))
	install := exec.Command("npm", "install", "--no-audit", "--no-fund", "--offline", tarballs[0])
	install.Dir = app
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm install: %v\n%s", err, out)
	}

	t.Run("import by name outside a browser", func(t *testing.T) {
		node := exec.Command("node", "--input-type=module", "-e", `
let fetched = 0;
globalThis.fetch = () => { fetched++; return new Promise(() => {}); };
const { default: Nango, AuthError, ConnectUI, ready } = await import('nango-wasm');
const nango = new Nango({ connectSessionToken: 'x' });
const err = await nango.auth('github').catch((e) => e);
const notReady = await ready().catch((e) => e.type);
console.log(JSON.stringify({ nango: typeof Nango, authError: typeof AuthError, connectUI: typeof ConnectUI,
  isAuthError: err instanceof AuthError, type: err.type, ssr: /server-side rendering/.test(err.message), notReady, fetched,
  processRestored: typeof process.env === 'object' }));`)
		node.Dir = app
		out, err := node.CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.JSONEq(t, `{"nango":"function","authError":"function","connectUI":"function","isAuthError":true,"type":"wasm_unavailable",
			"ssr":true,"notReady":"wasm_unavailable","fetched":0,"processRestored":true}`, strings.TrimSpace(string(out)))
	})

	t.Run("import from node_modules in a page", func(t *testing.T) {
		mux := http.NewServeMux()
		mux.Handle("GET /node_modules/", wasmTypes(http.FileServer(http.Dir(app))))
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(`<!doctype html><script>window.sdkReady = new Promise((r) => { window.markReady = r; });</script>
<script type="module">
import Nango, { AuthError } from '/node_modules/nango-wasm/dist/nango.js';
const err = await new Nango({ connectSessionToken: 'x' }).auth('github').catch((e) => e);
window.markReady({ isAuthError: err instanceof AuthError, type: err.type });
</script>`))
		})
		srv := httptest.NewServer(mux)
		defer srv.Close()
		ctx := openTab(t, srv.URL+"/")
		raw := evalAwait[[]byte](t, ctx, `window.sdkReady`)
		assert.JSONEq(t, `{"isAuthError":true,"type":"blocked_by_browser"}`, string(raw), "nango.wasm ran from the installed package")
	})
}
