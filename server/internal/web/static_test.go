package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The wasm and the glue go out precompressed, chosen by Accept-Encoding, with a strong ETag per
// coding so a reload costs a 304.
func TestSDKFilesPrecompressed(t *testing.T) {
	t.Parallel()
	dist := t.TempDir()
	wasm := bytes.Repeat([]byte("\x00asm wasm bytes "), 100)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(wasm)
	require.NoError(t, zw.Close())
	write := func(name string, b []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(dist, name), b, 0o644))
	}
	write("nango.wasm", wasm)
	write("nango.wasm.gz", gz.Bytes())
	write("nango.wasm.br", []byte("pretend-brotli"))
	write("nango.js", []byte("export default 1;"))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sdk/{file}", NewSDKFiles(dist).Serve)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	// No transparent decompression: the test reads what goes over the wire.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	fetch := func(path, acceptEncoding, ifNoneMatch string) (*http.Response, []byte) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		res, err := client.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res, body
	}

	tests := []struct {
		name, acceptEncoding, wantEncoding string
		wantBody                           []byte
	}{
		{"brotli first", "gzip, deflate, br, zstd", "br", []byte("pretend-brotli")},
		{"gzip when brotli is refused", "gzip, br;q=0", "gzip", gz.Bytes()},
		{"identity without Accept-Encoding", "", "", wasm},
		{"identity when nothing is known", "zstd", "", wasm},
	}
	etags := map[string]bool{}
	for _, tc := range tests {
		res, body := fetch("/sdk/nango.wasm", tc.acceptEncoding, "")
		require.Equal(t, http.StatusOK, res.StatusCode, tc.name)
		assert.Equal(t, tc.wantEncoding, res.Header.Get("Content-Encoding"), tc.name)
		assert.Equal(t, tc.wantBody, body, tc.name)
		assert.Equal(t, "application/wasm", res.Header.Get("Content-Type"), tc.name)
		assert.Equal(t, "Accept-Encoding", res.Header.Get("Vary"), tc.name)
		assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"), tc.name)
		etag := res.Header.Get("ETag")
		assert.Regexp(t, `^"[0-9a-f]{32}(-br|-gzip)?"$`, etag, tc.name)
		etags[etag] = true

		again, body := fetch("/sdk/nango.wasm", tc.acceptEncoding, etag)
		assert.Equal(t, http.StatusNotModified, again.StatusCode, "%s: a reload revalidates", tc.name)
		assert.Empty(t, body)
	}
	assert.Len(t, etags, 3, "one strong ETag per coding")

	// A rebuild changes the ETag; a compressed copy older than its source is not served.
	stale := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(filepath.Join(dist, "nango.wasm.br"), stale, stale))
	require.NoError(t, os.Chtimes(filepath.Join(dist, "nango.wasm.gz"), stale, stale))
	write("nango.wasm", append(wasm, 'x'))
	res, body := fetch("/sdk/nango.wasm", "br, gzip", "")
	assert.Empty(t, res.Header.Get("Content-Encoding"))
	assert.Equal(t, append(wasm, 'x'), body)
	assert.False(t, etags[res.Header.Get("ETag")], "a new build has a new ETag")
}

func TestAccepts(t *testing.T) {
	t.Parallel()
	assert.True(t, accepts("gzip, deflate, br", "br"))
	assert.True(t, accepts("BR;q=0.5", "br"))
	assert.False(t, accepts("br;q=0", "br"))
	assert.False(t, accepts("gzip", "br"))
	assert.False(t, accepts("", "gzip"))
}

// The SDK embedded in nango-dev (an fs.FS without modification times) is served like a folder:
// precompressed by Accept-Encoding, with its types.
func TestEmbeddedSDK(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"nango.wasm":    {Data: []byte("\x00asm embedded")},
		"nango.wasm.br": {Data: []byte("embedded-brotli")},
		"nango.js":      {Data: []byte("export default 1;")},
	}
	sdk := NewEmbeddedSDK(files)
	require.True(t, sdk.Has())
	serve := func(file, acceptEncoding string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/sdk/"+file, nil)
		req.SetPathValue("file", file)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		rec := httptest.NewRecorder()
		sdk.Serve(rec, req)
		return rec
	}
	res := serve("nango.wasm", "gzip, br")
	assert.Equal(t, http.StatusOK, res.Code)
	assert.Equal(t, "br", res.Header().Get("Content-Encoding"))
	assert.Equal(t, "embedded-brotli", res.Body.String())
	assert.Equal(t, "application/wasm", res.Header().Get("Content-Type"))
	res = serve("nango.wasm", "")
	assert.Equal(t, "\x00asm embedded", res.Body.String())
	res = serve("nango.js", "br")
	assert.Empty(t, res.Header().Get("Content-Encoding"), "no copy: the source as is")
	assert.Equal(t, "text/javascript; charset=utf-8", res.Header().Get("Content-Type"))
	assert.Equal(t, http.StatusNotFound, serve("missing.js", "").Code)
	assert.Contains(t, serve("missing.js", "").Body.String(), `"not_found"`)
}

// A server without a built SDK says so on every /sdk/ request, instead of a bare 404.
func TestSDKMissingSaysWhy(t *testing.T) {
	t.Parallel()
	for name, sdk := range map[string]SDKFiles{
		"no folder":       NewSDKFiles(""),
		"empty folder":    NewSDKFiles(t.TempDir()),
		"missing folder":  NewSDKFiles(filepath.Join(t.TempDir(), "dist")),
		"empty embedding": NewEmbeddedSDK(fstest.MapFS{"README.md": {Data: []byte("x")}}),
	} {
		assert.False(t, sdk.Has(), name)
		req := httptest.NewRequest(http.MethodGet, "/sdk/nango.js", nil)
		req.SetPathValue("file", "nango.js")
		rec := httptest.NewRecorder()
		sdk.Serve(rec, req)
		assert.Equal(t, http.StatusNotFound, rec.Code, name)
		assert.Contains(t, rec.Body.String(), `"code":"sdk_not_built"`, name)
		assert.Contains(t, rec.Body.String(), "start-up warning", name)
	}
}
