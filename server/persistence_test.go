package server

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func stop(t *testing.T, srv *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
}

// A restart on the same data file keeps every connection (same id and created_at), the
// generated secret key and the open connect sessions.
func TestRestartKeepsConnectionsKeyAndSessions(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "nango-dev.db")
	first := startConfigured(t, Config{DataFile: data})
	token := webtest.CreateSession(t, first, webtest.DemoEndUser)
	page := runFlow(t, first, webtest.Browser(t), webtest.ConnectURL(first, "zendesk", token, "params[subdomain]=acme"), "approve")
	id := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"].(string)
	before := webtest.ReadConnection(t, first, "zendesk", id).JSON(t)
	stop(t, first)

	second := startConfigured(t, Config{DataFile: data})
	assert.Equal(t, first.SecretKey(), second.SecretKey(), "a generated secret key is kept")
	after := webtest.ReadConnection(t, second, "zendesk", id)
	require.Equal(t, http.StatusOK, after.Status, after.Body)
	got := after.JSON(t)
	for _, key := range []string{"id", "connection_id", "created_at", "updated_at", "tags", "end_user", "connection_config", "credentials"} {
		assert.Equal(t, before[key], got[key], key)
	}
	resp := webtest.PostAuth(t, second, "/api-auth/api-key", "sendgrid", token, "", `{"apiKey":"k"}`)
	assert.Equal(t, http.StatusOK, resp.Status, "the session made before the restart still works: %s", resp.Body)
}

// A restart while the user is at the consent page still completes the flow: the OAuth state,
// the session and the mock client's secret all come back.
func TestRestartMidConsentCompletesTheFlow(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "nango-dev.db")
	addrs := freeAddrs(t, 3)
	cfg := Config{AppAddr: addrs[0], APIAddr: addrs[1], ProviderAddr: addrs[2], DataFile: data}
	first := startConfigured(t, cfg)
	c := webtest.Browser(t)
	connect := webtest.Get(t, c, webtest.ConnectURL(first, "zendesk", webtest.CreateSession(t, first, webtest.DemoEndUser), "params[subdomain]=acme"), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, connect.Status, connect.Body)
	stop(t, first)

	second := startConfigured(t, cfg)
	callback := webtest.DecideAtProvider(t, c, connect.Header.Get("Location"), "approve")
	page := webtest.Get(t, c, callback, nil)
	msg := webtest.PostedMessage(t, page.Body)
	require.Equal(t, "nango_oauth_callback_success", msg["type"], page.Body)
	id := msg["payload"].(map[string]any)["connectionId"].(string)
	assert.Equal(t, http.StatusOK, webtest.ReadConnection(t, second, "zendesk", id).Status)
}
