package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// connectNone makes a connection of the "unauthenticated" integration, which sends the auth
// webhook.
func connectNone(t *testing.T, srv *Server) {
	t.Helper()
	resp := webtest.PostAuth(t, srv, "/auth/unauthenticated", "unauthenticated", webtest.CreateSession(t, srv, webtest.DemoEndUser), "", ``)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
}

// deliveries polls GET /emulator/webhooks until done accepts the list.
func deliveries(t *testing.T, srv *Server, done func([]map[string]any) bool) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp := webtest.Emulator(t, srv, "GET", "webhooks", "")
		require.Equal(t, http.StatusOK, resp.Status, resp.Body)
		var list []map[string]any
		for _, d := range resp.JSON(t)["data"].([]any) {
			list = append(list, d.(map[string]any))
		}
		if done(list) {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("the deliveries never got there: %v", list)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func firstHas(status string) func([]map[string]any) bool {
	return func(list []map[string]any) bool { return len(list) > 0 && list[0]["status"] == status }
}

// The emulator lists each webhook delivery with its attempts, as the queue retries it.
func TestEmulatorListsWebhookDeliveries(t *testing.T) {
	t.Parallel()
	rcv, got, _ := webhookReceiver(t, func(attempt int32) int {
		if attempt == 1 {
			return http.StatusBadGateway
		}
		return http.StatusOK
	})
	srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL + "/hooks?token=secret", MaxAttempts: 3})
	connectNone(t, srv)
	next(t, got)
	next(t, got)
	d := deliveries(t, srv, firstHas("delivered"))[0]
	assert.Equal(t, rcv.URL+"/hooks", d["url"], "the URL's query (a token, maybe) is not shown")
	assert.Equal(t, "auth", d["type"])
	assert.Equal(t, "creation", d["operation"])
	assert.Equal(t, "unauthenticated", d["provider_config_key"])
	assert.EqualValues(t, 2, d["attempts"])
	assert.EqualValues(t, 200, d["last_status"])
	assert.Nil(t, d["next_retry_at"])
}

func TestEmulatorShowsFailedDeliveries(t *testing.T) {
	t.Parallel()
	rcv, _, _ := webhookReceiver(t, func(int32) int { return http.StatusInternalServerError })
	srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL, MaxAttempts: 2})
	connectNone(t, srv)
	d := deliveries(t, srv, firstHas("failed"))[0]
	assert.EqualValues(t, 2, d["attempts"])
	assert.Equal(t, "HTTP 500", d["last_error"])
}

// A reset forgets the deliveries, and one waiting for its retry is never sent again: the next
// test's receiver gets nothing of this one's.
func TestEmulatorResetDropsPendingDeliveries(t *testing.T) {
	t.Parallel()
	rcv, got, attempts := webhookReceiver(t, func(int32) int { return http.StatusServiceUnavailable })
	srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL, MaxAttempts: 5, Backoff: time.Second})
	connectNone(t, srv)
	next(t, got)
	d := deliveries(t, srv, firstHas("retrying"))[0]
	retryAt, err := time.Parse(time.RFC3339Nano, d["next_retry_at"].(string))
	require.NoError(t, err)

	require.Equal(t, http.StatusNoContent, webtest.Emulator(t, srv, "POST", "reset", "").Status)
	require.True(t, time.Now().Before(retryAt), "the reset came after the retry was due: the test proves nothing")
	assert.Empty(t, deliveries(t, srv, func([]map[string]any) bool { return true }))
	time.Sleep(time.Until(retryAt) + 500*time.Millisecond) // past the retry that would have come
	assert.EqualValues(t, 1, attempts.Load(), "a cleared delivery is not retried")
}

// Shutdown ends the emulator page's event stream rather than waiting for the page to leave.
func TestShutdownEndsEventStreams(t *testing.T) {
	t.Parallel()
	srv, err := Start(t.Context(), Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0", DistDir: t.TempDir()})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.APIURL()+"/emulator/events", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.SecretKey())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx), "the open stream did not hold the shutdown")
}
