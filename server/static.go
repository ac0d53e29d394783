package server

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// sdkFiles serves the built SDK from DistDir under /sdk/{file}, on the app origin (as an app
// bundles it) and on the API origin (as a CDN would).
type sdkFiles struct {
	dir string
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

func (s sdkFiles) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if s.dir == "" || name == "" || strings.HasPrefix(name, ".") || path.Base(name) != name {
		writeError(w, newError(http.StatusNotFound, "not_found", "No such SDK file"))
		return
	}
	// os.Root keeps the lookup inside DistDir whatever the name holds.
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		writeError(w, newError(http.StatusNotFound, "not_found", "No such SDK file"))
		return
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		status := http.StatusNotFound
		if !errors.Is(err, fs.ErrNotExist) {
			status = http.StatusInternalServerError
		}
		writeError(w, newError(status, "not_found", "No such SDK file"))
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		writeError(w, newError(http.StatusNotFound, "not_found", "No such SDK file"))
		return
	}
	ext := path.Ext(name)
	if strings.HasSuffix(name, ".d.ts") {
		ext = ".ts"
	}
	if ct, ok := sdkTypes[ext]; ok {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, info.ModTime(), f)
}
