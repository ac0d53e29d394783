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

// SDKFiles serves the built SDK under /sdk/{file}, on the app origin (as an app bundles it) and
// on the API origin (as a CDN would), from a folder (-dist) or from the copy embedded in the
// nango-dev binary. make build writes a brotli (name.br) and a gzip (name.gz) copy of the wasm
// and the glue next to them, once; the server picks the one the browser accepts, so a page
// downloads ~0.65 MB instead of ~3 MB and nothing is compressed per request.
type SDKFiles struct {
	files fs.FS // nil serves nothing
	etags *etagCache
}

// NewSDKFiles serves the built SDK in dir ("" serves nothing: every file is 404). The folder is
// opened per request, so a rebuild (or a dist/ made after start) is served at once.
func NewSDKFiles(dir string) SDKFiles {
	if dir == "" {
		return SDKFiles{etags: &etagCache{}}
	}
	return SDKFiles{files: rootFS(dir), etags: &etagCache{}}
}

// NewEmbeddedSDK serves the built SDK from files, such as an embed.FS.
func NewEmbeddedSDK(files fs.FS) SDKFiles { return SDKFiles{files: files, etags: &etagCache{}} }

// Has reports whether the SDK holds the wasm, the one file without which no page can use it.
func (s SDKFiles) Has() bool {
	if s.files == nil {
		return false
	}
	info, err := fs.Stat(s.files, "nango.wasm")
	return err == nil && info.Mode().IsRegular()
}

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

// errNoSDK answers every /sdk/ request of a server that has no built SDK, so a page's 404 says
// why (nango-dev also says so, with the fix, when it starts).
var errNoSDK = NewError(http.StatusNotFound, "sdk_not_built",
	"This dev server has no built SDK (nango.js, nango.wasm): its start-up warning says how to give it one")

// Serve is GET /sdk/{file}.
func (s SDKFiles) Serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if name == "" || strings.HasPrefix(name, ".") || path.Base(name) != name || !fs.ValidPath(name) {
		WriteError(w, NewError(http.StatusNotFound, "not_found", "No such SDK file"))
		return
	}
	f, info, status := openRegular(s.files, name)
	if f == nil {
		switch {
		case status == http.StatusNotFound && !s.Has():
			WriteError(w, errNoSDK)
		case status == http.StatusNotFound:
			WriteError(w, NewError(status, "not_found", "No such SDK file"))
		default:
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
	body := f
	for _, enc := range encodings {
		if !accepts(r.Header.Get("Accept-Encoding"), enc.name) {
			continue
		}
		variant, vinfo, _ := openRegular(s.files, name+enc.suffix)
		if variant == nil {
			continue
		}
		defer variant.Close()
		// A copy older than its source is stale: serve the source. Some tools keep only whole
		// seconds of a timestamp, so the same second counts as fresh (embedded files have no
		// time at all, and are fresh).
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

// sdkFile is what Serve needs of a file: both os.File and embed.FS's files are one.
type sdkFile interface {
	fs.File
	io.ReadSeeker
}

// openRegular opens a regular file, or reports the status to answer: 404 for anything that is
// not a regular file (see rootFS for a folder), 500 only when a file that is there cannot be
// read.
func openRegular(files fs.FS, name string) (sdkFile, fs.FileInfo, int) {
	if files == nil {
		return nil, nil, http.StatusNotFound
	}
	f, err := files.Open(name)
	if err != nil {
		return nil, nil, unreadableStatus(err)
	}
	info, err := f.Stat()
	seekable, ok := f.(sdkFile)
	if err != nil || !info.Mode().IsRegular() || !ok {
		f.Close()
		return nil, nil, unreadableStatus(err)
	}
	return seekable, info, 0
}

// rootFS is a folder opened with os.Root at each lookup, which keeps every lookup inside it
// whatever the name holds: a name the OS refuses (one with a NUL) or a link that leads out of
// the folder is not found. It never blocks: what is not a regular file (a directory, device or
// FIFO) is refused before it is opened, and the file is opened non-blocking should a FIFO take
// its place in between.
type rootFS string

func (dir rootFS) Open(name string) (fs.File, error) {
	root, err := os.OpenRoot(string(dir))
	if err != nil {
		return nil, err
	}
	// A file opened from a Root stays open once the Root is closed.
	defer root.Close()
	info, err := root.Stat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
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
