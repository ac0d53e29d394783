package api

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a settable clock for the hub's retention.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// hubServer serves a hub alone with httptest, so its timings can be tuned.
func hubServer(t *testing.T, opts wsOptions) (*wsHub, string) {
	t.Helper()
	hub := newWSHub(slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	ts := httptest.NewServer(hub)
	t.Cleanup(func() {
		hub.closeAll()
		ts.Close()
	})
	return hub, "ws" + strings.TrimPrefix(ts.URL, "http") + "/"
}

// dialHub connects like the SDK and returns the socket with the id of its ack.
func dialHub(t *testing.T, wsURL string, opts *websocket.DialOptions) (*websocket.Conn, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, wsURL, opts)
	require.NoError(t, err)
	t.Cleanup(func() { conn.CloseNow() })
	ack := webtest.ReadFrame(t, conn)
	require.Equal(t, "connection_ack", ack["message_type"])
	id, _ := ack["ws_client_id"].(string)
	require.Regexp(t, web.UUIDv4Pattern, id)
	return conn, id
}

// waitFor polls cond until it holds or a second passes.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, time.Second, 5*time.Millisecond)
}

func TestWebSocketPing(t *testing.T) {
	t.Parallel()
	_, wsURL := hubServer(t, wsOptions{PingInterval: 10 * time.Millisecond})
	var pings atomic.Int32
	conn, _ := dialHub(t, wsURL, &websocket.DialOptions{OnPingReceived: func(context.Context, []byte) bool {
		pings.Add(1)
		return true
	}})
	ctx := conn.CloseRead(t.Context()) // reads (and answers pings) in the background
	waitFor(t, func() bool { return pings.Load() >= 3 })
	assert.NoError(t, ctx.Err(), "the socket stays open while pongs come back")
}

func TestWebSocketDropsSilentPeer(t *testing.T) {
	t.Parallel()
	hub, wsURL := hubServer(t, wsOptions{PingInterval: 10 * time.Millisecond, PingTimeout: 20 * time.Millisecond})
	dialHub(t, wsURL, nil) // never reads, so never answers a ping
	waitFor(t, func() bool { open, _ := hub.counts(); return open == 0 })
}

func TestWebSocketClosedSocketsAreForgotten(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	hub, wsURL := hubServer(t, wsOptions{Retain: time.Minute, Now: clock.Now})
	for range 20 {
		conn, _ := dialHub(t, wsURL, nil)
		require.NoError(t, conn.Close(websocket.StatusNormalClosure, ""))
	}
	waitFor(t, func() bool { open, _ := hub.counts(); return open == 0 })
	_, known := hub.counts()
	assert.Equal(t, 20, known, "closed ids stay resumable for a while")

	clock.Advance(time.Minute)
	dialHub(t, wsURL, nil) // a new socket sweeps the expired ids
	open, known := hub.counts()
	assert.Equal(t, 1, open)
	assert.Equal(t, 1, known, "only the open socket is left")
}

func TestWebSocketRetentionIsBounded(t *testing.T) {
	t.Parallel()
	hub, wsURL := hubServer(t, wsOptions{MaxRetained: 3})
	var ids []string
	for range 6 {
		conn, id := dialHub(t, wsURL, nil)
		ids = append(ids, id)
		conn.CloseNow()
		waitFor(t, func() bool { open, _ := hub.counts(); return open == 0 })
	}
	_, known := hub.counts()
	assert.Equal(t, 3, known)
	_, resumed := dialHub(t, wsURL+"?ws_client_id="+ids[0], nil)
	assert.NotEqual(t, ids[0], resumed, "the oldest ids were evicted")
	_, resumed = dialHub(t, wsURL+"?ws_client_id="+ids[5], nil)
	assert.Equal(t, ids[5], resumed, "the newest are still known")
}

func TestWebSocketResume(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	hub, wsURL := hubServer(t, wsOptions{Retain: 2 * time.Minute, Now: clock.Now})
	result := wsMessage{MessageType: "success", ProviderConfigKey: "zendesk", ConnectionID: "c1", IsPending: new(false)}

	t.Run("a result published while the socket is gone is delivered on resume", func(t *testing.T) {
		conn, id := dialHub(t, wsURL, nil)
		conn.CloseNow()
		waitFor(t, func() bool { open, _ := hub.counts(); return open == 0 })
		hub.publish(id, result)
		clock.Advance(90 * time.Second)
		resumed, got := dialHub(t, wsURL+"?ws_client_id="+id, nil)
		assert.Equal(t, id, got, "the ack carries the resumed id")
		frame := webtest.ReadFrame(t, resumed)
		assert.Equal(t, map[string]any{"message_type": "success", "provider_config_key": "zendesk", "connection_id": "c1", "is_pending": false}, frame)
	})
	t.Run("a resumed id without a result is just acked", func(t *testing.T) {
		conn, id := dialHub(t, wsURL, nil)
		conn.CloseNow()
		waitFor(t, func() bool { open, _ := hub.counts(); return open == 0 })
		resumed, got := dialHub(t, wsURL+"?ws_client_id="+id, nil)
		assert.Equal(t, id, got)
		hub.publish(id, result)
		assert.Equal(t, "success", webtest.ReadFrame(t, resumed)["message_type"], "results reach the new socket")
	})
	t.Run("an unknown id gets a fresh one", func(t *testing.T) {
		for _, requested := range []string{"6f1d4c3b-2a19-4e8f-9d7c-5b4a39281706", "not valid!", ""} {
			_, got := dialHub(t, wsURL+"?ws_client_id="+url.QueryEscape(requested), nil)
			assert.NotEqual(t, requested, got)
		}
	})
	t.Run("a kept result expires", func(t *testing.T) {
		conn, id := dialHub(t, wsURL, nil)
		conn.CloseNow()
		waitFor(t, func() bool { open, _ := hub.counts(); return open == 0 })
		hub.publish(id, result)
		clock.Advance(2 * time.Minute)
		_, got := dialHub(t, wsURL+"?ws_client_id="+id, nil)
		assert.NotEqual(t, id, got)
	})
	t.Run("a second socket takes the id over", func(t *testing.T) {
		first, id := dialHub(t, wsURL, nil)
		second, got := dialHub(t, wsURL+"?ws_client_id="+id, nil)
		require.Equal(t, id, got)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		_, _, err := first.Read(ctx)
		assert.Error(t, err, "the old socket is closed")
		hub.publish(id, result)
		assert.Equal(t, "success", webtest.ReadFrame(t, second)["message_type"])
	})
	t.Run("one outcome per id, as Nango", func(t *testing.T) {
		conn, id := dialHub(t, wsURL, nil)
		hub.publish(id, result)
		hub.publish(id, wsMessage{MessageType: "error", ErrorType: "late"})
		assert.Equal(t, "success", webtest.ReadFrame(t, conn)["message_type"])
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, _, err := conn.Read(ctx)
		assert.Error(t, err, "nothing else arrives")
	})
}
