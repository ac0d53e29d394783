package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// wsMessage is a frame of Nango's WebSocket protocol (packages/server/lib/clients/publisher.client.ts).
type wsMessage struct {
	MessageType       string `json:"message_type"`
	WSClientID        string `json:"ws_client_id,omitempty"`
	ProviderConfigKey string `json:"provider_config_key,omitempty"`
	ConnectionID      string `json:"connection_id,omitempty"`
	IsPending         *bool  `json:"is_pending,omitempty"`
	ErrorType         string `json:"error_type,omitempty"`
	ErrorDesc         string `json:"error_desc,omitempty"`
}

// wsHub keeps the SDK sockets by ws_client_id, so a flow's outcome reaches the SDK that started
// it even when the popup lost window.opener (noopener, COOP).
type wsHub struct {
	mu         sync.Mutex
	open       map[*websocket.Conn]struct{}
	subscribed map[string]*websocket.Conn // until its one outcome is delivered
	log        *slog.Logger
}

func newWSHub(log *slog.Logger) *wsHub {
	return &wsHub{open: map[*websocket.Conn]struct{}{}, subscribed: map[string]*websocket.Conn{}, log: log}
}

// serve upgrades GET / on the API host. Any origin may connect, as with Nango.
func (h *wsHub) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		writeError(w, newError(http.StatusUpgradeRequired, "upgrade_required", "GET / is the SDK's WebSocket: connect to it with a WebSocket client."))
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: []string{"*"}})
	if err != nil {
		return // Accept has answered the request
	}
	id := newUUID()
	h.mu.Lock()
	h.open[conn] = struct{}{}
	h.subscribed[id] = conn
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.open, conn)
		delete(h.subscribed, id)
		h.mu.Unlock()
		conn.CloseNow()
	}()

	ctx := r.Context()
	if err := writeFrame(ctx, conn, wsMessage{MessageType: "connection_ack", WSClientID: id}); err != nil {
		return
	}
	// Clients never send anything; reading keeps control frames flowing and notices the close.
	// The ping keeps idle proxies from cutting a long flow (Nango issue #5849).
	go func() {
		ticker := time.NewTicker(30 * time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := conn.Ping(pingCtx)
				cancel()
				if err != nil {
					return
				}
			}
		}
	}()
	for {
		if _, _, err := conn.Read(ctx); err != nil {
			return
		}
	}
}

// publish sends a flow's outcome to its socket, once: like Nango, the client is forgotten after
// a delivery, and the SDK closes the socket.
func (h *wsHub) publish(id string, msg wsMessage) {
	h.mu.Lock()
	conn, ok := h.subscribed[id]
	delete(h.subscribed, id)
	h.mu.Unlock()
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := writeFrame(ctx, conn, msg); err != nil {
		h.log.Warn("websocket publish failed", "err", err)
	}
}

// closeAll drops every socket at shutdown; http.Server.Shutdown does not track hijacked
// connections.
func (h *wsHub) closeAll() {
	h.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(h.open))
	for conn := range h.open {
		conns = append(conns, conn)
	}
	h.mu.Unlock()
	for _, conn := range conns {
		conn.CloseNow()
	}
}

func writeFrame(ctx context.Context, conn *websocket.Conn, msg wsMessage) error {
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	return conn.Write(ctx, websocket.MessageText, data)
}
