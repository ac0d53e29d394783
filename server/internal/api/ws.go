package api

import (
	"container/list"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
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
	// Nonce echoes nango-wasm's per-call nonce (docs/wire.md §1); other SDKs ignore it.
	Nonce string `json:"nonce,omitempty"`
}

// wsOptions tunes the hub; zero values take the defaults below.
type wsOptions struct {
	PingInterval  time.Duration // how often an idle socket is pinged (default 20 s)
	PingTimeout   time.Duration // how long a pong may take before the socket is dropped (default 10 s)
	Retain        time.Duration // how long a client id outlives its socket, with or without a kept result (default 2 min)
	MaxRetained   int           // how many socket-less client ids are kept at most (default 1000)
	MaxPerAddress int           // open sockets one client address may hold (default 256)
	Now           func() time.Time
}

func (o wsOptions) withDefaults() wsOptions {
	if o.PingInterval <= 0 {
		o.PingInterval = 20 * time.Second
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 10 * time.Second
	}
	if o.Retain <= 0 {
		o.Retain = 2 * time.Minute
	}
	if o.MaxRetained <= 0 {
		o.MaxRetained = 1000
	}
	if o.MaxPerAddress <= 0 {
		o.MaxPerAddress = 256
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// wsClient is one ws_client_id. Its socket may come and go (docs/wire.md §5): a result
// published while no socket is attached is kept until the client resumes or Retain passes.
type wsClient struct {
	id    string
	conn  *websocket.Conn // nil while no socket is attached
	idle  *list.Element   // its place in wsHub.idle while conn is nil
	gen   uint64          // which attachment conn is, so a finished socket never detaches its successor
	ready bool            // the ack went out: results may be written to conn
	done  bool            // its one outcome was handed to a socket (Nango forgets a client after one)
	kept  *wsMessage      // an outcome waiting for a socket
	since time.Time       // when the socket went away, or the outcome was kept
}

// wsHub keeps the SDK sockets by ws_client_id, so a flow's outcome reaches the SDK that started
// it even when the popup lost window.opener (noopener, COOP) or its socket was cut for a while.
type wsHub struct {
	opts wsOptions
	log  *slog.Logger

	mu      sync.Mutex
	clients map[string]*wsClient
	// idle holds the socket-less clients, oldest since first, so that forgetting the expired
	// ones looks only at those it forgets: attach and detach cost the same with 16 sockets or
	// 16,000 (a scan of every client on each made releasing N sockets quadratic).
	idle     *list.List
	examined int            // clients housekeeping has looked at: the test that keeps it linear reads it
	perAddr  map[string]int // open sockets by client address
	nextGen  uint64
	refuse   bool // fault injection: answer upgrades with 503
}

func newWSHub(log *slog.Logger, opts wsOptions) *wsHub {
	return &wsHub{opts: opts.withDefaults(), log: log, clients: map[string]*wsClient{}, idle: list.New(), perAddr: map[string]int{}}
}

// admit counts a socket against its client address, or refuses it at MaxPerAddress: the
// sockets are unauthenticated, and each one costs the server two goroutines and a buffer.
func (h *wsHub) admit(addr string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perAddr[addr] >= h.opts.MaxPerAddress {
		return false
	}
	h.perAddr[addr]++
	return true
}

// release gives back what admit counted.
func (h *wsHub) release(addr string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perAddr[addr]--; h.perAddr[addr] <= 0 {
		delete(h.perAddr, addr)
	}
}

// goIdle records that c lost its socket at now. The caller holds h.mu.
func (h *wsHub) goIdle(c *wsClient) {
	c.conn, c.ready, c.since = nil, false, h.opts.Now()
	if c.idle == nil {
		c.idle = h.idle.PushBack(c)
	} else {
		h.idle.MoveToBack(c.idle)
	}
}

// attach binds a new socket to the id it asks to resume, when that id is known, or to a fresh
// id. A socket still attached to a resumed id is dropped: the client has moved on from it.
func (h *wsHub) attach(requested string, conn *websocket.Conn) (id string, gen uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sweep()
	h.nextGen++
	gen = h.nextGen
	if c, ok := h.clients[requested]; ok && requested != "" {
		if c.conn != nil {
			go c.conn.CloseNow()
		}
		if c.idle != nil {
			h.idle.Remove(c.idle)
			c.idle = nil
		}
		c.conn, c.gen, c.ready = conn, gen, false
		return requested, gen
	}
	id = web.NewUUID()
	h.clients[id] = &wsClient{id: id, conn: conn, gen: gen}
	return id, gen
}

// markReady opens the socket to results once its ack is out, and hands back the result kept
// for it, if any, which the caller writes at once.
func (h *wsHub) markReady(id string, gen uint64) *wsMessage {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.clients[id]
	if !ok || c.gen != gen {
		return nil
	}
	c.ready = true
	msg := c.kept
	if msg != nil {
		c.kept, c.done = nil, true
	}
	return msg
}

// detach records that a socket is gone. The id stays resumable for Retain.
func (h *wsHub) detach(id string, gen uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c, ok := h.clients[id]; ok && c.gen == gen && c.conn != nil {
		h.goIdle(c)
	}
	h.sweep()
}

// requeue puts back a result whose write failed: the socket is treated as gone.
func (h *wsHub) requeue(id string, gen uint64, msg wsMessage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c, ok := h.clients[id]; ok && c.gen == gen {
		c.done, c.kept = false, &msg
		h.goIdle(c)
	}
}

// publish sends a flow's outcome to its client, once, as Nango does; an id the server never
// issued (or has forgotten) is ignored. With no socket attached the outcome is kept for Retain.
func (h *wsHub) publish(id string, msg wsMessage) {
	h.mu.Lock()
	c, ok := h.clients[id]
	if !ok || c.done || c.kept != nil { // the first outcome wins, as with Nango's one delivery
		h.mu.Unlock()
		return
	}
	if c.conn == nil || !c.ready {
		c.kept = &msg
		if c.conn == nil {
			h.goIdle(c) // a kept outcome is retained for Retain from now
		}
		h.mu.Unlock()
		return
	}
	c.done = true
	conn, gen := c.conn, c.gen
	h.mu.Unlock()
	if err := h.write(conn, msg); err != nil {
		h.log.Warn("websocket publish failed; the result is kept for a resume", "err", err)
		h.requeue(id, gen, msg)
		conn.CloseNow()
	}
}

func (h *wsHub) write(conn *websocket.Conn, msg wsMessage) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return writeFrame(ctx, conn, msg)
}

// sweep forgets socket-less clients older than Retain and, past MaxRetained, the oldest
// others, so abandoned sockets never grow the map (Nango's does). It looks only at the clients
// it forgets, and at one more. The caller holds h.mu.
func (h *wsHub) sweep() {
	now := h.opts.Now()
	for e := h.idle.Front(); e != nil; e = h.idle.Front() {
		h.examined++
		c := e.Value.(*wsClient)
		if now.Sub(c.since) < h.opts.Retain && h.idle.Len() <= h.opts.MaxRetained {
			return
		}
		h.idle.Remove(e)
		delete(h.clients, c.id)
	}
}

// counts reports open sockets and remembered client ids (tests watch the clean-up with it).
func (h *wsHub) counts() (open, known int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients) - h.idle.Len(), len(h.clients)
}

// dropAll cuts every open socket without a close handshake, as a proxy does; the ids stay
// resumable. closeAll does the same at shutdown.
func (h *wsHub) dropAll() int {
	h.mu.Lock()
	var conns []*websocket.Conn
	for _, c := range h.clients {
		if c.conn != nil {
			conns = append(conns, c.conn)
		}
	}
	h.mu.Unlock()
	for _, conn := range conns {
		conn.CloseNow()
	}
	return len(conns)
}

func (h *wsHub) closeAll() { h.dropAll() }

// drop cuts one client's socket without a close handshake (the ws_drop fault); its id stays
// resumable, so an SDK that reconnects with it still gets the outcome.
func (h *wsHub) drop(id string) bool {
	h.mu.Lock()
	var conn *websocket.Conn
	if c, ok := h.clients[id]; ok {
		conn = c.conn
	}
	h.mu.Unlock()
	if conn == nil {
		return false
	}
	conn.CloseNow()
	return true
}

func (h *wsHub) setRefuse(refuse bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refuse = refuse
}

func (h *wsHub) refusing() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.refuse
}

func writeFrame(ctx context.Context, conn *websocket.Conn, msg wsMessage) error {
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	return conn.Write(ctx, websocket.MessageText, data)
}
