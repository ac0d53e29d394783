package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
)

// Pages renders an origin's HTML. html/template escapes every reflected value for its context:
// HTML text, attributes, and inside <script> as JSON with <, >, &, U+2028 and U+2029 escaped.
type Pages struct {
	t *template.Template
}

// ParsePages reads the templates that match patterns in fsys.
func ParsePages(fsys fs.FS, patterns ...string) (*Pages, error) {
	t, err := template.ParseFS(fsys, patterns...)
	if err != nil {
		return nil, fmt.Errorf("nango: parse page templates: %w", err)
	}
	return &Pages{t: t}, nil
}

// pageData wraps a view with the response's CSP nonce: only scripts and styles carrying it run.
type pageData struct {
	Nonce string
	View  any
}

// Render answers the template name with view, under a fresh CSP nonce; strictCSP adds a policy
// that runs only the page's own nonced script and style. It executes into a buffer first, so a
// template failure is a clean error, not half a page.
func (p *Pages) Render(w http.ResponseWriter, status int, name string, view any, strictCSP bool) {
	nonce := RandomHex(16)
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, name, pageData{Nonce: nonce, View: view}); err != nil {
		WriteError(w, NewError(http.StatusInternalServerError, "server_error", "failed to render the page"))
		return
	}
	writePage(w, status, nonce, strictCSP, buf.Bytes())
}

// writePage answers with a whole page: its length is known, so it goes out in one piece, never
// chunked.
func writePage(w http.ResponseWriter, status int, nonce string, strictCSP bool, page []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if strictCSP {
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+"'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
	}
	w.WriteHeader(status)
	_, _ = w.Write(page)
}
