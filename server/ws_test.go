package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWebSocketSuccess(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	// The SDK first builds the query with raw brackets, then re-serializes it with
	// URLSearchParams once it has the ws_client_id: both forms must work.
	forms := map[string]string{
		"raw brackets":     "params[subdomain]=acme&ws_client_id=",
		"encoded brackets": "params%5Bsubdomain%5D=acme&params%5Boauth_scopes_override%5D=read%2Cwrite&ws_client_id=",
	}
	for name, query := range forms {
		t.Run(name, func(t *testing.T) {
			conn, id := webtest.DialSDKSocket(t, srv, "/")
			page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, query+id), "approve")
			require.Equal(t, http.StatusOK, page.Status, page.Body)
			frame := webtest.ReadFrame(t, conn)
			connectionID := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"]
			assert.Equal(t, map[string]any{"message_type": "success", "provider_config_key": "zendesk", "connection_id": connectionID, "is_pending": false}, frame)
		})
	}
}

func TestWebSocketResumeAcrossAFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	first, id := webtest.DialSDKSocket(t, srv, "/")
	c := webtest.Browser(t)
	resp := webtest.Get(t, c, webtest.ConnectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme&ws_client_id="+id), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, resp.Status, resp.Body)
	callback := webtest.DecideAtProvider(t, c, resp.Header.Get("Location"), "approve")

	assert.Equal(t, 1, srv.DropWebSockets(), "a proxy cuts the socket during the consent")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, _, err := first.Read(ctx)
	require.Error(t, err, "the SDK sees its socket cut")
	page := webtest.Get(t, c, callback, nil)
	require.Equal(t, http.StatusOK, page.Status, page.Body)

	conn, resumed := webtest.DialSDKSocket(t, srv, "/?ws_client_id="+id)
	assert.Equal(t, id, resumed)
	frame := webtest.ReadFrame(t, conn)
	assert.Equal(t, "success", frame["message_type"])
	assert.Equal(t, webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"], frame["connection_id"])
}

func TestWebSocketRefused(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	srv.RefuseWebSockets(true)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.APIURL(), "http")+"/", nil)
	require.Error(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	srv.RefuseWebSockets(false)
	webtest.DialSDKSocket(t, srv, "/")
}

func TestWebsocketsPath(t *testing.T) {
	t.Parallel()
	srv, err := Start(t.Context(), Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0", WebsocketsPath: "/nango/ws"})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	conn, id := webtest.DialSDKSocket(t, srv, "/nango/ws")
	page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "params[subdomain]=acme&ws_client_id="+id), "approve")
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	assert.Equal(t, "success", webtest.ReadFrame(t, conn)["message_type"])
	assert.Equal(t, http.StatusNotFound, webtest.Get(t, http.DefaultClient, srv.APIURL()+"/", nil).Status, "/ is no longer the socket")

	for _, bad := range []string{"ws", "/with space", "/{x}", "/integrations", "/connect/session", "/oauth/callback"} {
		_, err := Start(t.Context(), Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0", WebsocketsPath: bad})
		assert.Error(t, err, bad)
	}
}

func TestShutdownClosesSockets(t *testing.T) {
	t.Parallel()
	srv, err := Start(t.Context(), Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0"})
	require.NoError(t, err)
	conn, _ := webtest.DialSDKSocket(t, srv, "/")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
	_, _, err = conn.Read(ctx)
	assert.Error(t, err)
	assert.NoError(t, srv.Shutdown(ctx), "a second Shutdown returns the first result")
}

func TestWebSocketDenied(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	conn, id := webtest.DialSDKSocket(t, srv, "/")
	page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme&ws_client_id="+id), "deny")
	require.Equal(t, http.StatusBadRequest, page.Status)
	frame := webtest.ReadFrame(t, conn)
	assert.Equal(t, "error", frame["message_type"])
	assert.Equal(t, "zendesk", frame["provider_config_key"])
	assert.Equal(t, "callback_err", frame["error_type"])
	assert.Equal(t, "Did not get authorization code in the callback. Provider error: error: access_denied; error_description: The user denied access", frame["error_desc"])
	assert.Equal(t, webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"], frame["connection_id"])
}
