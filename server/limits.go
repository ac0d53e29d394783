package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// Every listener bounds how long a client may take, so a slow or stalled client cannot hold a
// connection (or a goroutine) forever. The WebSocket is hijacked before these apply to it, and
// the handlers that wait on purpose (the slow_consent and callback_delay faults) push their own
// write deadline out (web.Wait, with web.WriteTimeout, which every listener uses).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	idleTimeout       = 2 * time.Minute
)

// newHTTPServer is one listener's server, with the timeouts above.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      web.WriteTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
