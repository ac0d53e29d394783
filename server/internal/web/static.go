package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// SDKFiles serves the built SDK from DistDir under /sdk/{file}, on the app origin (as an app
// bundles it) and on the API origin (as a CDN would). make build writes a brotli (name.br) and a
// gzip (name.gz) copy of the wasm and the glue next to them, once; the server picks the one the
// browser accepts, so a page downloads ~0.65 MB instead of ~3 MB and nothing is compressed per
// request.
type SDKFiles struct {
	dir   string
	etags *etagCache
}

// NewSDKFiles serves the built SDK in dir ("" serves nothing: every file is 404).
func NewSDKFiles(dir string) SDKFiles { return SDKFiles{dir: dir, etags: &etagCache{}} }

// sdkTypes are set explicitly: WebAssembly.instantiateStreaming refuses anything but
// application/wasm, and a module script needs a JavaScript type.
var sdkTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".ts":   "text/plain; charset=utf-8",
	".map":  "application/json; charset=utf-8",
}

// encodings are the precompressed variants, in order of preference.
var encodings = []struct{ name, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

// Serve is GET /sdk/{file}.
func (s SDKFiles) Serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if s.dir == "" || name == "" || strings.HasPrefix(name, ".") || path.Base(name) != name {
		WriteError(w, NewError(http.StatusNotFound, "not_found", "No such SDK file"))
		return
	}
	// os.Root keeps every lookup inside DistDir whatever the name holds.
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		WriteError(w, NewError(http.StatusNotFound, "not_found", "No such SDK file"))
		return
	}
	defer root.Close()
	f, info, status := openRegular(root, name)
	if f == nil {
		if status == http.StatusNotFound {
			WriteError(w, NewError(status, "not_found", "No such SDK file"))
		} else {
			WriteError(w, NewError(status, "server_error", "The SDK file could not be read"))
		}
		return
	}
	defer f.Close()
	etag, err := s.etags.get(name, info, f)
	if err != nil {
		WriteError(w, NewError(http.StatusInternalServerError, "server_error", "The SDK file could not be read"))
		return
	}

	h := w.Header()
	h.Set("Vary", "Accept-Encoding")
	body := io.ReadSeeker(f)
	for _, enc := range encodings {
		if !accepts(r.Header.Get("Accept-Encoding"), enc.name) {
			continue
		}
		variant, vinfo, _ := openRegular(root, name+enc.suffix)
		if variant == nil {
			continue
		}
		defer variant.Close()
		// A copy older than its source is stale: serve the source. Some tools keep only whole
		// seconds of a timestamp, so the same second counts as fresh.
		if vinfo.ModTime().Before(info.ModTime().Truncate(time.Second)) {
			continue
		}
		body = variant
		h.Set("Content-Encoding", enc.name)
		etag += "-" + enc.name // a strong validator differs per content coding
		break
	}
	ext := path.Ext(name)
	if strings.HasSuffix(name, ".d.ts") {
		ext = ".ts"
	}
	if ct, ok := sdkTypes[ext]; ok {
		h.Set("Content-Type", ct)
	}
	// no-cache: the browser keeps its copy (and Chromium its compiled wasm) but asks first; an
	// unchanged file then costs a 304 and no download.
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+etag+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, info.ModTime(), body)
}

// openRegular opens a regular file under root, or reports the status to answer: 404 for
// anything that is not a regular file inside root (a name the OS refuses, such as one with a
// NUL; a link that leads out of root; a directory, device or FIFO), 500 only when a file that
// is there cannot be read. It never blocks: a FIFO is refused before it is opened, and opened
// non-blocking should one take a file's place in between.
func openRegular(root *os.Root, name string) (*os.File, fs.FileInfo, int) {
	if info, err := root.Stat(name); err != nil || !info.Mode().IsRegular() {
		return nil, nil, unreadableStatus(err)
	}
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, unreadableStatus(err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, unreadableStatus(err)
	}
	return f, info, 0
}

// unreadableStatus is 404 unless a file is there but may not be read.
func unreadableStatus(err error) int {
	if errors.Is(err, fs.ErrPermission) {
		return http.StatusInternalServerError
	}
	return http.StatusNotFound
}

// accepts reports whether an Accept-Encoding header allows a coding (q=0 refuses it).
func accepts(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		token, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(token), coding) {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if parsed, err := strconv.ParseFloat(v, 64); err == nil {
				q = parsed
			}
		}
		return q > 0
	}
	return false
}

// etagCache keeps each file's content hash while its size and modification time stay the same,
// so a rebuild of dist/ while the server runs gets a new ETag without hashing on every request.
type etagCache struct {
	mu sync.Mutex
	m  map[string]etagEntry
}

type etagEntry struct {
	size    int64
	modTime time.Time
	etag    string
}

func (c *etagCache) get(name string, info fs.FileInfo, f io.ReadSeeker) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[name]; ok && e.size == info.Size() && e.modTime.Equal(info.ModTime()) {
		return e.etag, nil
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	etag := hex.EncodeToString(sum.Sum(nil))[:32]
	if c.m == nil {
		c.m = map[string]etagEntry{}
	}
	c.m[name] = etagEntry{size: info.Size(), modTime: info.ModTime(), etag: etag}
	return etag, nil
}
