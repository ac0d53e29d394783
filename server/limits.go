package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// Every listener bounds how long a client may take, so a slow or stalled client cannot hold a
// connection (or a goroutine) forever. The WebSocket is hijacked before these apply to it, and
// the handlers that wait on purpose (the slow_consent and callback_delay faults) push their own
// write deadline out with http.ResponseController.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
)

// maxBodyBytes is the largest request body any route reads (a connect session or a credentials
// POST is a few KiB). A larger one gets 413 in Nango's envelope.
const maxBodyBytes = 1 << 20

var errPayloadTooBig = newError(http.StatusRequestEntityTooLarge, "payload_too_big", "The request body is larger than 1 MiB.")

// withBodyLimit refuses a body announced as too large at once, and caps the reading of any
// other, so no handler reads more than maxBodyBytes whatever it does.
func withBodyLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			w.Header().Set("Connection", "close")
			writeError(w, errPayloadTooBig)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// newHTTPServer is one listener's server, with the timeouts above.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// health is GET /health on every listener, for a CI job or a container to wait on.
func health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// sleepFault waits out a fault's delay, or until the request is gone (the user closed the
// popup), and lifts the listener's write timeout for as long as the wait needs.
func sleepFault(ctx context.Context, w http.ResponseWriter, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d + writeTimeout))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
