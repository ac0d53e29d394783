package api

import (
	"embed"
	"net/http"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// emulatorFiles are the emulator page and its script and stylesheet: static files, since
// nothing about the server is written into them (the page reads everything with the secret key
// the developer types in).
//
//go:embed emulator
var emulatorFiles embed.FS

// emulatorPageCSP lets the page run only its own script and style and talk only to its own
// origin.
const emulatorPageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var emulatorAssets = map[string]string{
	"emulator.js":  "text/javascript; charset=utf-8",
	"emulator.css": "text/css; charset=utf-8",
}

// emulatorPage is GET /emulator: the page a developer keeps open beside the app.
func (a *API) emulatorPage(w http.ResponseWriter, r *http.Request) {
	serveEmulatorFile(w, "index.html", "text/html; charset=utf-8")
}

// emulatorAsset is GET /emulator/{file}: the page's script and stylesheet.
func (a *API) emulatorAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	contentType, ok := emulatorAssets[name]
	if !ok {
		web.NotFound(w, r)
		return
	}
	serveEmulatorFile(w, name, contentType)
}

func serveEmulatorFile(w http.ResponseWriter, name, contentType string) {
	data, err := emulatorFiles.ReadFile("emulator/" + name)
	if err != nil {
		web.WriteError(w, web.NewError(http.StatusInternalServerError, "server_error", "the emulator page is missing from this build"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", emulatorPageCSP)
	h.Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(data)
}
