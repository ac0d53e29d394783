package server

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

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
	token := createSession(t, first, demoEndUser)
	page := runFlow(t, first, browser(t), connectURL(first, "zendesk", token, "params[subdomain]=acme"), "approve")
	id := postedMessage(t, page.body)["payload"].(map[string]any)["connectionId"].(string)
	before := readConnection(t, first, "zendesk", id).json(t)
	stop(t, first)

	second := startConfigured(t, Config{DataFile: data})
	assert.Equal(t, first.SecretKey(), second.SecretKey(), "a generated secret key is kept")
	after := readConnection(t, second, "zendesk", id)
	require.Equal(t, http.StatusOK, after.status, after.body)
	got := after.json(t)
	for _, key := range []string{"id", "connection_id", "created_at", "updated_at", "tags", "end_user", "connection_config", "credentials"} {
		assert.Equal(t, before[key], got[key], key)
	}
	resp := postAuth(t, second, "/api-auth/api-key", "sendgrid", token, "", `{"apiKey":"k"}`)
	assert.Equal(t, http.StatusOK, resp.status, "the session made before the restart still works: %s", resp.body)
}

// A restart while the user is at the consent page still completes the flow: the OAuth state,
// the session and the mock client's secret all come back.
func TestRestartMidConsentCompletesTheFlow(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "nango-dev.db")
	addrs := freeAddrs(t, 3)
	cfg := Config{AppAddr: addrs[0], APIAddr: addrs[1], ProviderAddr: addrs[2], DataFile: data}
	first := startConfigured(t, cfg)
	c := browser(t)
	connect := get(t, c, connectURL(first, "zendesk", createSession(t, first, demoEndUser), "params[subdomain]=acme"), popupHeaders)
	require.Equal(t, http.StatusFound, connect.status, connect.body)
	stop(t, first)

	second := startConfigured(t, cfg)
	callback := decideAtProvider(t, c, connect.header.Get("Location"), "approve")
	page := get(t, c, callback, nil)
	msg := postedMessage(t, page.body)
	require.Equal(t, "nango_oauth_callback_success", msg["type"], page.body)
	id := msg["payload"].(map[string]any)["connectionId"].(string)
	assert.Equal(t, http.StatusOK, readConnection(t, second, "zendesk", id).status)
}
