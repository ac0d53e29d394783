package api

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// ServeHTTP upgrades the SDK's WebSocket (websocketsPath on the API host). Any origin may
// connect, as with Nango; one client address holds at most MaxPerAddress sockets (429). `?ws_client_id=<id>` asks to resume a known id (docs/wire.md §5);
// Nango ignores the query, so an unknown id simply gets a fresh one.
func (h *wsHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		web.WriteError(w, web.NewError(http.StatusUpgradeRequired, "upgrade_required", "This path is the SDK's WebSocket: connect to it with a WebSocket client."))
		return
	}
	if h.refusing() || socketFaultRequested(r) {
		web.WriteError(w, web.NewError(http.StatusServiceUnavailable, "websocket_refused", "WebSocket upgrades are refused (fault injection)."))
		return
	}
	addr := clientAddress(r)
	if !h.admit(addr) {
		web.WriteError(w, web.NewError(http.StatusTooManyRequests, "too_many_websockets",
			fmt.Sprintf("This address already holds %d WebSockets to the dev server, the most it allows: close some (each auth() in flight holds one).", h.opts.MaxPerAddress)))
		return
	}
	defer h.release(addr)
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: []string{"*"}})
	if err != nil {
		return // Accept has answered the request
	}
	requested := r.URL.Query().Get("ws_client_id")
	if !wsClientIDPattern.MatchString(requested) {
		requested = ""
	}
	id, gen := h.attach(requested, conn)
	defer func() {
		h.detach(id, gen)
		conn.CloseNow()
	}()

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	if err := h.write(conn, wsMessage{MessageType: "connection_ack", WSClientID: id}); err != nil {
		return
	}
	if kept := h.markReady(id, gen); kept != nil {
		if err := h.write(conn, *kept); err != nil {
			h.requeue(id, gen, *kept)
			return
		}
	}
	go h.keepAlive(ctx, conn)
	// Clients never send anything; reading answers pings, collects pongs and notices the close.
	for {
		if _, _, err := conn.Read(ctx); err != nil {
			return
		}
	}
}

// clientAddress is the peer's IP: the sockets of one machine count together, whatever their
// source ports.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// socketFaultRequested reads the ws_refuse fault from the upgrade's own query, which a page sets
// with the SDK option websocketsPath: '/?nango_dev_fault=ws_refuse' (docs/wire.md §8).
func socketFaultRequested(r *http.Request) bool {
	faults, err := catalog.ParseFaults(r.URL.Query()[catalog.FaultParam]...)
	return err == nil && faults.Has(catalog.FaultWSRefuse)
}

// keepAlive pings the socket so that proxies with idle timeouts do not cut a long consent
// (Nango issue #5849), and drops a socket whose peer stopped answering.
func (h *wsHub) keepAlive(ctx context.Context, conn *websocket.Conn) {
	ticker := time.NewTicker(h.opts.PingInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			pingCtx, cancel := context.WithTimeout(ctx, h.opts.PingTimeout)
			err := conn.Ping(pingCtx)
			cancel()
			if err != nil {
				conn.CloseNow()
				return
			}
		}
	}
}
