package connectui

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// pageFiles is the page: its HTML, script, strings and style (page/).
//
//go:embed page
var pageFiles embed.FS

// pagePolicy is the page's Content-Security-Policy. It runs nango.wasm, so it needs
// 'wasm-unsafe-eval', the one thing a page using nango-wasm must add to a strict policy; it may
// be framed by any app (that is its purpose) and talks to the API it is given.
const pagePolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data: https: http:; connect-src * ws: wss:; frame-ancestors *; base-uri 'none'; form-action 'none'"

// Page serves the page under prefix: "/connect/" on the API host, "/" on the Connect
// UI's own origin.
func Page(prefix string) http.Handler {
	sub, err := fs.Sub(pageFiles, "page")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	files := http.StripPrefix(prefix, http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pagePolicy)
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// Handler is the Connect UI's own origin: the page at /, and the SDK it runs.
func Handler(sdk web.SDKFiles) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sdk/{file}", sdk.Serve)
	mux.HandleFunc("GET /health", web.Health)
	mux.Handle("GET /", Page("/"))
	return mux
}
