package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
)

// WriteTimeout is how long a listener gives a handler to write its answer; a handler that
// waits on purpose lifts it with Wait.
const WriteTimeout = 30 * time.Second

// Wait waits out d (a fault's delay), or until the request is gone (the user closed the popup),
// and lifts the listener's write timeout for as long as the wait needs. It reports whether the
// request is still there to answer.
func Wait(ctx context.Context, w http.ResponseWriter, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d + WriteTimeout))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// MaxBodyBytes is the largest request body any route reads (a connect session or a credentials
// POST is a few KiB). A larger one gets 413 in Nango's envelope.
const MaxBodyBytes = 1 << 20

var errPayloadTooBig = NewError(http.StatusRequestEntityTooLarge, "payload_too_big", "The request body is larger than 1 MiB.")

// WithBodyLimit refuses a body announced as too large at once, and caps the reading of any
// other, so no handler reads more than MaxBodyBytes whatever it does.
func WithBodyLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBodyBytes {
			w.Header().Set("Connection", "close")
			WriteError(w, errPayloadTooBig)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// ReadJSONObject reads a body of at most MaxBodyBytes that must be a JSON object; an empty body
// counts as {} (as Express's JSON parser leaves it). It returns the object, with numbers as
// json.Number, and the bytes it was decoded from.
func ReadJSONObject(w http.ResponseWriter, r *http.Request) (map[string]any, []byte, *Error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, errPayloadTooBig
		}
		return nil, nil, NewError(http.StatusBadRequest, "invalid_body", "The request body could not be read.")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw any
	if err := dec.Decode(&raw); err != nil || dec.More() {
		return nil, nil, NewError(http.StatusBadRequest, "invalid_body", "The request body is not valid JSON.")
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, nil, InvalidBody([]FieldError{{Code: "invalid_type", Message: "Invalid input: expected object, received " + jsonType(raw), Path: []any{}}})
	}
	return obj, data, nil
}
