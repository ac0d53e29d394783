package connectui

import (
	"bytes"
	"embed"
	"html"
	"io/fs"
	"net/http"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// pageFiles is the page: its HTML, script, strings and style (page/).
//
//go:embed page
var pageFiles embed.FS

// pagePolicy is the page's Content-Security-Policy. It runs nango.wasm, so it needs
// 'wasm-unsafe-eval', the one thing a page using nango-wasm must add to a strict policy; it may
// be framed by any app (that is its purpose) and talks only to the API origins it is served
// with, over HTTP and WebSocket, so even a page fooled by its URL cannot send what the user
// types anywhere else.
func pagePolicy(apiOrigins []string) string {
	connect := []string{"'self'"}
	for _, o := range apiOrigins {
		ws := "ws" + strings.TrimPrefix(o, "http") // http→ws, https→wss
		connect = append(connect, o, ws)
	}
	return "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
		"img-src 'self' data: https: http:; connect-src " + strings.Join(connect, " ") +
		"; frame-ancestors *; base-uri 'none'; form-action 'none'"
}

// apiOriginsMeta is the placeholder in index.html that carries the API origins to the script.
const apiOriginsMeta = `<meta name="nango-api-origins" content="">`

// Page serves the page under prefix ("/connect/" on the API host, "/" on the Connect UI's own
// origin), for the API at apiOrigins: the page takes its ?apiURL= only when it is one of them
// (the first is the default), and its policy lets it reach no other.
func Page(prefix string, apiOrigins []string) http.Handler {
	sub, err := fs.Sub(pageFiles, "page")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	index, err := fs.ReadFile(sub, "index.html")
	if err != nil || !bytes.Contains(index, []byte(apiOriginsMeta)) {
		panic("connectui: index.html has no " + apiOriginsMeta) // the embedded page is part of the binary
	}
	index = bytes.Replace(index, []byte(apiOriginsMeta), []byte(`<meta name="nango-api-origins" content="`+
		html.EscapeString(strings.Join(apiOrigins, " "))+`">`), 1)
	policy := pagePolicy(apiOrigins)
	files := http.StripPrefix(prefix, http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", policy)
		w.Header().Set("Cache-Control", "no-cache")
		if r.URL.Path == prefix {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(index)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// Handler is the Connect UI's own origin: the page at /, and the SDK it runs.
func Handler(sdk web.SDKFiles, apiOrigins []string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /sdk/{file}", sdk.Serve)
	mux.HandleFunc("GET /health", web.Health)
	mux.Handle("GET /", Page("/", apiOrigins))
	return mux
}
