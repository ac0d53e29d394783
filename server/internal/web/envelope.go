package web

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error is one failure, worded as Nango words it, so that an SDK built against Nango sees the
// same code (and AuthError type) from the dev server.
type Error struct {
	Status  int
	Code    string
	Message string
	Errors  []FieldError
	// WSErr marks the failures Nango reports over the WebSocket and with the error page, never
	// as JSON (its WSErr catalog in packages/server/lib/utils/web-socket-error.ts).
	WSErr bool
	// ProviderError holds the provider's own error keys from the callback query.
	ProviderError map[string]string
}

// Error is the failure as a Go error, for logs.
func (e *Error) Error() string { return fmt.Sprintf("nango: %s: %s", e.Code, e.Message) }

// FieldError is one zod issue as Nango's zodErrorToHTTP reports it.
type FieldError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Path    []any  `json:"path"`
}

type errorEnvelope struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string       `json:"code"`
	Message string       `json:"message,omitempty"`
	Errors  []FieldError `json:"errors,omitempty"`
}

// WriteError is the one place the `{"error":{"code","message"}}` envelope is written.
func WriteError(w http.ResponseWriter, e *Error) {
	WriteJSON(w, e.Status, errorEnvelope{Error: errorBody{Code: e.Code, Message: e.Message, Errors: e.Errors}})
}

// WriteJSON answers v as JSON, never cached unless the handler chose a Cache-Control.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":{"code":"server_error","message":"failed to encode the response"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// NewError is a failure without field issues.
func NewError(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// InvalidBody is Nango's invalid_body with the issues of each field.
func InvalidBody(errs []FieldError) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_body", Errors: errs}
}

// InvalidQuery is Nango's invalid_query_params with the issues of each key.
func InvalidQuery(errs []FieldError) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_query_params", Errors: errs}
}

// Health is GET /health on every listener, for a CI job or a container to wait on.
func Health(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// NotFound answers a path no route of the origin serves, in the envelope.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, NewError(http.StatusNotFound, "not_found", "No route for "+r.Method+" "+r.URL.Path))
}
