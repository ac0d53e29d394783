//go:build unix

package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Names that lead to no regular file inside dist answer 404 not_found, at once: a NUL in the
// name, links out of dist (to a file, to a directory), a FIFO, a directory. None of them is a
// 500, and the FIFO does not hold the request until shutdown.
func TestSDKFilesRefuseWhatIsNotAFileInDist(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.wasm")
	require.NoError(t, os.WriteFile(secret, []byte("not the SDK"), 0o644))
	dist := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dist, "nango.js"), []byte("export default 1;"), 0o644))
	require.NoError(t, os.Symlink(secret, filepath.Join(dist, "escape.wasm")))
	require.NoError(t, os.Symlink("../"+filepath.Base(outside)+"/secret.wasm", filepath.Join(dist, "relative.wasm")))
	require.NoError(t, os.Symlink(outside, filepath.Join(dist, "outside")))
	require.NoError(t, os.Symlink("nango.js", filepath.Join(dist, "alias.js")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dist, "fifo.wasm"), 0o644))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dist, "nango.js.br"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dist, "dir.wasm"), 0o755))

	mux := http.NewServeMux()
	mux.HandleFunc("GET /sdk/{file}", NewSDKFiles(dist).Serve)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { // should a handler be stuck opening a FIFO, a writer frees it, so Close returns
		for _, fifo := range []string{"fifo.wasm", "nango.js.br"} {
			if w, err := os.OpenFile(filepath.Join(dist, fifo), os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		}
	})
	get := func(path string, header http.Header) (int, []byte) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header = header
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err, "%s must answer, not block", path)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, body
	}

	for _, path := range []string{"/sdk/nango.js%00.wasm", "/sdk/escape.wasm", "/sdk/relative.wasm", "/sdk/outside%2Fsecret.wasm", "/sdk/fifo.wasm", "/sdk/dir.wasm"} {
		status, body := get(path, nil)
		assert.Equal(t, http.StatusNotFound, status, path)
		var envelope struct {
			Error struct{ Code string }
		}
		require.NoError(t, json.Unmarshal(body, &envelope), "%s: %s", path, body)
		assert.Equal(t, "not_found", envelope.Error.Code, path)
	}

	status, body := get("/sdk/alias.js", nil)
	assert.Equal(t, http.StatusOK, status, "a link that stays inside dist is served")
	assert.Equal(t, "export default 1;", string(body))
	status, body = get("/sdk/nango.js", http.Header{"Accept-Encoding": {"br"}})
	assert.Equal(t, http.StatusOK, status, "a FIFO where a compressed copy would be is skipped")
	assert.Equal(t, "export default 1;", string(body))
}
