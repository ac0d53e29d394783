package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// NewLogger is the dev server's logger: text (the default) or JSON lines, Info or, verbose,
// Debug. Whatever any code logs, an attribute whose name says it holds a secret (token, secret,
// code, state, password, key, authorization, cookie, credentials) is written as [REDACTED].
func NewLogger(w io.Writer, format string, verbose bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: redactAttr}
	if verbose {
		opts.Level = slog.LevelDebug
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

const redacted = "[REDACTED]"

// secretWords are the parts of a name that mark its value as a secret. "connection_id",
// "ws_client_id" and "integration" stay readable: they identify, they do not authenticate.
var secretWords = []string{"token", "secret", "password", "cookie", "credential", "code", "state", "key", "verifier", "signature", "hmac"}

// isSecretName tells a secret-bearing attribute or query key by its name ("client_secret",
// "connect_session_token", "credentials[apiKey]", "X-Nango-Signature"). provider_config_key is
// an integration's name, not a key.
func isSecretName(name string) bool {
	n := strings.ToLower(name)
	if group, inner, ok := strings.Cut(n, "["); ok { // credentials[apiKey], authorization_params[x]
		return strings.Contains(group, "credential") || isSecretName(strings.TrimSuffix(inner, "]"))
	}
	switch n {
	case "provider_config_key", "providerconfigkey", "unique_key", "error_code", "status_code", "code_challenge_method":
		return false
	case "authorization", "proxy-authorization":
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

func redactAttr(_ []string, a slog.Attr) slog.Attr {
	if isSecretName(a.Key) {
		return slog.String(a.Key, redacted)
	}
	return a
}

// redactQuery keeps a query's keys and the values of harmless ones, so a log line still says
// which flow and which fault it was, never with which token or code.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, part := range parts {
		k, _, hasValue := strings.Cut(part, "=")
		key, err := url.QueryUnescape(k)
		if err != nil || (hasValue && isSecretName(key)) {
			parts[i] = k + "=" + redacted
		}
	}
	return strings.Join(parts, "&")
}

// withLogging logs one line per request: origin, method, path, the query with its secrets
// redacted, status and duration. A panic in a handler becomes a 500 envelope and an error line.
func withLogging(log *slog.Logger, origin string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				log.Error("handler panic", "origin", origin, "method", r.Method, "path", r.URL.Path, "panic", p)
				if !rec.wrote {
					web.WriteError(rec, web.NewError(http.StatusInternalServerError, "server_error", "An unexpected error occurred."))
				}
			}
			// Attrs rather than key-value pairs: the line is the same, without boxing each value.
			attrs := [6]slog.Attr{slog.String("origin", origin), slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rec.status), slog.Duration("duration", time.Since(start))}
			n := 5
			if r.URL.RawQuery != "" {
				attrs[n], n = slog.String("query", redactQuery(r.URL.RawQuery)), n+1
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs[:n]...)
		}()
		next.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController and the WebSocket upgrade reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
