package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One client address holds at most MaxPerAddress sockets: the next upgrade gets 429
// too_many_websockets in Nango's envelope, and a closed socket frees its place.
func TestWebSocketCapPerAddress(t *testing.T) {
	t.Parallel()
	hub, wsURL := hubServer(t, wsOptions{MaxPerAddress: 3})
	var conns []*websocket.Conn
	for range 3 {
		conn, _ := dialHub(t, wsURL, nil)
		conns = append(conns, conn)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, wsURL, nil)
	require.Error(t, err, "a fourth socket from the same address is refused")
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	body, _ := io.ReadAll(resp.Body)
	var envelope struct {
		Error struct{ Code, Message string }
	}
	require.NoError(t, json.Unmarshal(body, &envelope), string(body))
	assert.Equal(t, "too_many_websockets", envelope.Error.Code)
	assert.Contains(t, envelope.Error.Message, "3 WebSockets")
	open, _ := hub.counts()
	assert.Equal(t, 3, open)

	require.NoError(t, conns[0].Close(websocket.StatusNormalClosure, ""))
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		conn, _, err := websocket.Dial(ctx, wsURL, nil)
		if err != nil {
			return false
		}
		conn.CloseNow()
		return true
	}, 5*time.Second, 10*time.Millisecond, "a closed socket frees its place")
}

// Attaching and releasing sockets costs the same however many there are: with N sockets
// opened, closed (their ids kept for a resume) and opened again, housekeeping looks at a
// number of clients linear in N. Scanning every client on each attach and detach, as it did,
// looked at ~N² (16,000 sockets took 54 s and 638 MB to release).
func TestWebSocketHousekeepingIsLinear(t *testing.T) {
	t.Parallel()
	const n = 400
	hub, wsURL := hubServer(t, wsOptions{MaxPerAddress: 2 * n, MaxRetained: n / 2})
	var conns []*websocket.Conn
	for range n {
		conn, _ := dialHub(t, wsURL, nil)
		conns = append(conns, conn)
	}
	for _, conn := range conns {
		conn.CloseNow()
	}
	waitFor(t, func() bool { open, _ := hub.counts(); return open == 0 })
	for range n {
		dialHub(t, wsURL, nil)
	}

	open, known := hub.counts()
	assert.Equal(t, n, open)
	assert.Equal(t, n+n/2, known, "MaxRetained of the closed ids are kept")
	hub.mu.Lock()
	examined := hub.examined
	hub.mu.Unlock()
	assert.LessOrEqual(t, examined, 4*n, "housekeeping looked at %d clients for %d attaches and %d detaches", examined, 2*n, n)
}
