package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dialSDKSocket(t *testing.T, srv *Server) (*websocket.Conn, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.APIURL(), "http")+"/", &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {"http://app.test:3000"}},
	})
	require.NoError(t, err)
	t.Cleanup(func() { conn.CloseNow() })
	ack := readFrame(t, conn)
	assert.Equal(t, "connection_ack", ack["message_type"])
	id, _ := ack["ws_client_id"].(string)
	require.NotEmpty(t, id)
	return conn, id
}

func readFrame(t *testing.T, conn *websocket.Conn) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, data, err := conn.Read(ctx)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(data, &v))
	return v
}

func TestWebSocketSuccess(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)
	conn, id := dialSDKSocket(t, srv)
	page := runFlow(t, srv, browser(t), connectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme&ws_client_id="+id), "approve")
	require.Equal(t, http.StatusOK, page.status, page.body)
	frame := readFrame(t, conn)
	assert.Equal(t, "success", frame["message_type"])
	assert.Equal(t, "zendesk", frame["provider_config_key"])
	assert.Equal(t, false, frame["is_pending"])
	assert.Equal(t, postedMessage(t, page.body)["payload"].(map[string]any)["connectionId"], frame["connection_id"])
}

func TestWebSocketError(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)
	conn, id := dialSDKSocket(t, srv)
	page := get(t, browser(t), connectURL(srv, "zendesk", token, "ws_client_id="+id), popupHeaders)
	require.Equal(t, http.StatusBadRequest, page.status)
	frame := readFrame(t, conn)
	assert.Equal(t, "error", frame["message_type"])
	assert.Equal(t, "zendesk", frame["provider_config_key"])
	assert.Equal(t, "url_param_err", frame["error_type"])
	assert.Contains(t, frame["error_desc"], "Missing Connection Config param(s)")
}

func TestShutdownClosesSockets(t *testing.T) {
	t.Parallel()
	srv, err := Start(t.Context(), Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0"})
	require.NoError(t, err)
	conn, _ := dialSDKSocket(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
	_, _, err = conn.Read(ctx)
	assert.Error(t, err)
	assert.NoError(t, srv.Shutdown(ctx), "a second Shutdown returns the first result")
}
