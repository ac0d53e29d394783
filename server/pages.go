package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages renders the server's HTML. html/template escapes every reflected value for its context:
// HTML text, attributes, and inside <script> as JSON with <, >, &, U+2028 and U+2029 escaped.
type pages struct {
	t *template.Template
}

func parsePages() (*pages, error) {
	t, err := template.ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("nango: parse page templates: %w", err)
	}
	return &pages{t: t}, nil
}

// pageData wraps a view with the response's CSP nonce: only scripts and styles carrying it run.
type pageData struct {
	Nonce string
	View  any
}

// render executes into a buffer first, so a template failure is a clean error, not half a page.
func (p *pages) render(w http.ResponseWriter, status int, name string, view any, strictCSP bool) {
	nonce := randomHex(16)
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, name, pageData{Nonce: nonce, View: view}); err != nil {
		writeError(w, newError(http.StatusInternalServerError, "server_error", "failed to render the page"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if strictCSP {
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+"'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// callbackMessage is what the callback page posts to its opener (docs/wire.md §1).
type callbackMessage struct {
	Type    string `json:"type"`
	Payload any    `json:"payload"`
}

type successPayload struct {
	ProviderConfigKey string `json:"providerConfigKey"`
	ConnectionID      string `json:"connectionId"`
	IsPending         bool   `json:"isPending"`
	Nonce             string `json:"nonce,omitempty"`
}

type errorPayload struct {
	ErrorType         string            `json:"errorType"`
	Message           string            `json:"message"`
	ProviderConfigKey string            `json:"providerConfigKey,omitempty"`
	ConnectionID      string            `json:"connectionId,omitempty"`
	ProviderError     map[string]string `json:"providerError,omitempty"`
	Nonce             string            `json:"nonce,omitempty"`
}

func errorMessage(e *apiError, ref flowRef) callbackMessage {
	return callbackMessage{Type: "nango_oauth_callback_error", Payload: errorPayload{
		ErrorType: e.Code, Message: e.Message, ProviderConfigKey: ref.ProviderConfigKey,
		ConnectionID: ref.ConnectionID, ProviderError: e.ProviderError, Nonce: ref.Nonce,
	}}
}

// callbackView is the callback page, and the error page of /oauth/connect.
type callbackView struct {
	Error        *apiError // nil on success
	Message callbackMessage
	// TargetOrigin is the opener's origin, the only one the page posts to; "" posts nothing
	// (never '*': whatever page sits in the opener would read the result).
	TargetOrigin string
}

// LegacyError is Nango's window.__nangoOAuthError: null on success.
func (v callbackView) LegacyError() any {
	if v.Error == nil {
		return nil
	}
	return map[string]string{"message": v.Error.Message, "errorType": v.Error.Code}
}

func (p *pages) callback(w http.ResponseWriter, status int, view callbackView) {
	p.render(w, status, "callback.html", view, true)
}
