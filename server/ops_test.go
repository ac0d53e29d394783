package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHealthOnEveryOrigin(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, origin := range []string{srv.AppURL(), srv.APIURL(), srv.ProviderURL()} {
		resp := webtest.Get(t, http.DefaultClient, origin+"/health", nil)
		assert.Equal(t, http.StatusOK, resp.Status, origin)
		assert.JSONEq(t, `{"status":"ok"}`, resp.Body, origin)
	}
}

// Bodies past 1 MiB get 413 in Nango's envelope, announced or streamed.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	big := `{"end_user":{"id":"u","display_name":"` + strings.Repeat("x", 2<<20) + `"}}`
	resp := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/sessions", strings.NewReader(big),
		map[string]string{"Authorization": "Bearer " + srv.SecretKey(), "Content-Type": "application/json"})
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.Status)
	assert.Equal(t, "payload_too_big", resp.Envelope(t)["code"])

	req, err := http.NewRequest(http.MethodPost, srv.APIURL()+"/connect/sessions", struct{ *strings.Reader }{strings.NewReader(big)})
	require.NoError(t, err)
	req.ContentLength = -1 // streamed: no Content-Length to refuse up front
	req.Header.Set("Authorization", "Bearer "+srv.SecretKey())
	req.Header.Set("Content-Type", "application/json")
	streamed, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	streamed.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, streamed.StatusCode)
}

// syncBuffer is a log sink the server's goroutines may write to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// One JSON line per request, with status and duration, and no token, code, state or secret.
func TestRequestLogsRedactSecrets(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	srv := startConfigured(t, Config{Logger: NewLogger(&logs, "json", true)})
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "params[subdomain]=acme&credentials[oauth_client_secret_override]=hush"), "approve")
	require.Equal(t, http.StatusOK, page.Status)

	out := logs.String()
	for _, secret := range []string{token, srv.SecretKey(), "hush", "mock_code_", "mock_access_"} {
		assert.NotContains(t, out, secret)
	}
	var callback map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var entry map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &entry), line)
		if entry["msg"] == "request" && entry["path"] == "/oauth/callback" {
			callback = entry
		}
	}
	require.NotNil(t, callback, out)
	assert.EqualValues(t, 200, callback["status"])
	assert.Contains(t, callback, "duration")
	assert.Contains(t, callback["query"], "state=[REDACTED]")
	assert.Contains(t, callback["query"], "code=[REDACTED]")
}

func TestRedactQuery(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "connect_session_token=[REDACTED]&params[subdomain]=acme&credentials%5BapiKey%5D=[REDACTED]&authorization_params[nango_dev_fault]=coop&ws_client_id=abc",
		redactQuery("connect_session_token=nango_connect_session_x&params[subdomain]=acme&credentials%5BapiKey%5D=k&authorization_params[nango_dev_fault]=coop&ws_client_id=abc"))
}

// Shutdown lets an in-flight request finish: here a callback held by callback_delay.
func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	t.Parallel()
	srv, err := Start(t.Context(), Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0"})
	require.NoError(t, err)
	c := webtest.Browser(t)
	connect := webtest.Get(t, c, webtest.ConnectURL(srv, "zendesk", webtest.CreateSession(t, srv, webtest.DemoEndUser), "params[subdomain]=acme&authorization_params[nango_dev_fault]=callback_delay:300ms"), webtest.PopupHeaders)
	callback := webtest.DecideAtProvider(t, c, connect.Header.Get("Location"), "approve")
	done := make(chan webtest.Response)
	go func() { done <- webtest.Get(t, c, callback, nil) }()
	time.Sleep(100 * time.Millisecond) // the callback is in flight
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
	page := <-done
	assert.Equal(t, http.StatusOK, page.Status)
	assert.Equal(t, "nango_oauth_callback_success", webtest.PostedMessage(t, page.Body)["type"])
}

func TestListenersHaveTimeouts(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, s := range append(srv.front, srv.provider) {
		assert.Equal(t, readHeaderTimeout, s.ReadHeaderTimeout)
		assert.Equal(t, readTimeout, s.ReadTimeout)
		assert.Equal(t, web.WriteTimeout, s.WriteTimeout)
		assert.Equal(t, idleTimeout, s.IdleTimeout)
	}
}
