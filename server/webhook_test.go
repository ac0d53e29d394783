package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// delivery is one webhook a receiver got.
type delivery struct {
	Body   map[string]any
	raw    []byte
	Header http.Header
}

// webhookReceiver records deliveries; status decides each answer (attempt counts from 1).
func webhookReceiver(t *testing.T, status func(attempt int32) int) (*httptest.Server, <-chan delivery, *atomic.Int32) {
	t.Helper()
	got := make(chan delivery, 32)
	var attempts atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		n := attempts.Add(1)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		got <- delivery{Body: body, raw: raw, Header: r.Header.Clone()}
		w.WriteHeader(status(n))
	}))
	t.Cleanup(rcv.Close)
	return rcv, got, &attempts
}

func ok200(int32) int { return http.StatusOK }

func next(t *testing.T, got <-chan delivery) delivery {
	t.Helper()
	select {
	case d := <-got:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook arrived")
		return delivery{}
	}
}

func startWithWebhook(t *testing.T, hook WebhookConfig) *Server {
	t.Helper()
	if hook.Backoff == 0 {
		hook.Backoff = 5 * time.Millisecond
	}
	return startConfigured(t, Config{Webhook: hook, Environment: "staging"})
}

// A connection made through a session sends Nango's auth webhook, signed both ways, with the
// session's tags and end user; doing it again on the same connection is an override.
func TestAuthWebhookOnCreationAndOverride(t *testing.T) {
	t.Parallel()
	rcv, got, _ := webhookReceiver(t, ok200)
	srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL + "/hooks/nango", SigningKey: "whsec"})
	page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", webtest.CreateSession(t, srv, webtest.DemoEndUser), "params[subdomain]=acme"), "approve")
	id := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"].(string)

	d := next(t, got)
	assert.Equal(t, map[string]any{
		"from": "nango", "type": "auth", "operation": "creation", "success": true,
		"connectionId": id, "providerConfigKey": "zendesk", "provider": "zendesk", "authMode": "OAUTH2", "environment": "staging",
		"tags":    map[string]any{"end_user_id": "user-1", "end_user_email": "jane@example.com", "end_user_display_name": "Jane", "organization_id": "org-1", "organization_display_name": "Acme", "plan": "pro"},
		"endUser": map[string]any{"endUserId": "user-1", "endUserEmail": "jane@example.com", "organizationId": "org-1", "tags": map[string]any{}},
	}, d.Body, "an end user without tags has endUser.tags {}, as Nango's `endUser.tags || {}`")
	assert.Regexp(t, `^\{"authMode":"OAUTH2","connectionId":`, string(d.raw), "keys are sorted, as Nango's stringifyStable writes them")
	legacy := sha256.Sum256(append([]byte("whsec"), d.raw...))
	mac := hmac.New(sha256.New, []byte("whsec"))
	mac.Write(d.raw)
	assert.Equal(t, hex.EncodeToString(legacy[:]), d.Header.Get("X-Nango-Signature"))
	assert.Equal(t, hex.EncodeToString(mac.Sum(nil)), d.Header.Get("X-Nango-Hmac-Sha256"))
	assert.Equal(t, "application/json", d.Header.Get("Content-Type"))

	token := webtest.ReconnectSession(t, srv, `{"connection_id":"`+id+`","integration_id":"zendesk"}`)
	runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "params[subdomain]=acme"), "approve")
	d = next(t, got)
	assert.Equal(t, "override", d.Body["operation"])
	assert.Equal(t, id, d.Body["connectionId"])
}

// Failures send success:false with Nango's error types, and no tags or end user.
func TestAuthWebhookOnFailure(t *testing.T) {
	t.Parallel()
	rcv, got, _ := webhookReceiver(t, ok200)
	srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL})
	tests := []struct {
		name, key, extra, decision, wantType string
		wantMode                             string
	}{
		{"denied at the provider", "zendesk", "params[subdomain]=acme", "deny", "invalid_callback", "OAUTH2"},
		{"token endpoint failed", "zendesk", "params[subdomain]=acme&authorization_params[nango_dev_fault]=token_500", "approve", "unknown", "OAUTH2"},
		{"token response unreadable", "zendesk", "params[subdomain]=acme&authorization_params[nango_dev_fault]=token_malformed", "approve", "unable_to_parse_token_response", "OAUTH2"},
	}
	for _, tc := range tests {
		runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, tc.key, webtest.CreateSession(t, srv, webtest.DemoEndUser), tc.extra), tc.decision)
		d := next(t, got)
		assert.Equal(t, false, d.Body["success"], tc.name)
		assert.Equal(t, "creation", d.Body["operation"], tc.name)
		assert.Equal(t, tc.wantType, d.Body["error"].(map[string]any)["type"], tc.name)
		assert.NotEmpty(t, d.Body["error"].(map[string]any)["description"], tc.name)
		assert.NotContains(t, d.Body, "tags", tc.name)
		assert.NotContains(t, d.Body, "endUser", tc.name)
	}
	resp := webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", webtest.CreateSession(t, srv, webtest.DemoEndUser), "", `{"apiKey":"invalid-key"}`)
	require.Equal(t, http.StatusBadRequest, resp.Status)
	d := next(t, got)
	assert.Equal(t, map[string]any{"type": "connection_test_failed", "description": resp.Envelope(t)["message"]}, d.Body["error"])
	assert.Equal(t, "API_KEY", d.Body["authMode"])
}

// A session's webhook_url_override wins over the configured URL.
func TestAuthWebhookOverrideURL(t *testing.T) {
	t.Parallel()
	primary, fromPrimary, _ := webhookReceiver(t, ok200)
	override, fromOverride, _ := webhookReceiver(t, ok200)
	srv := startWithWebhook(t, WebhookConfig{URL: primary.URL})
	connectWithAPIKey(t, srv, `{"end_user":{"id":"u"},"webhook_url_override":"`+override.URL+`/mine"}`)
	d := next(t, fromOverride)
	assert.Equal(t, "creation", d.Body["operation"])
	select {
	case <-fromPrimary:
		t.Fatal("the configured URL got the webhook too")
	case <-time.After(100 * time.Millisecond):
	}
}

// Non-2xx answers are retried with backoff, a bounded number of times.
func TestAuthWebhookRetries(t *testing.T) {
	t.Parallel()
	t.Run("until a 2xx", func(t *testing.T) {
		t.Parallel()
		rcv, got, attempts := webhookReceiver(t, func(n int32) int {
			if n < 3 {
				return http.StatusBadGateway
			}
			return http.StatusNoContent
		})
		srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL, MaxAttempts: 5})
		connectWithAPIKey(t, srv, webtest.DemoEndUser)
		first, second, third := next(t, got), next(t, got), next(t, got)
		assert.Equal(t, first.raw, second.raw)
		assert.Equal(t, first.raw, third.raw)
		time.Sleep(50 * time.Millisecond)
		assert.Equal(t, int32(3), attempts.Load(), "a 2xx ends the retries")
	})
	t.Run("bounded", func(t *testing.T) {
		t.Parallel()
		rcv, got, attempts := webhookReceiver(t, func(int32) int { return http.StatusInternalServerError })
		srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL, MaxAttempts: 3})
		connectWithAPIKey(t, srv, webtest.DemoEndUser)
		for range 3 {
			next(t, got)
		}
		time.Sleep(100 * time.Millisecond)
		assert.Equal(t, int32(3), attempts.Load())
	})
}

// A receiver that hangs never holds up the user's flow.
func TestAuthWebhookNeverBlocksTheFlow(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	t.Cleanup(rcv.Close)
	srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL, Timeout: 10 * time.Second})
	t.Cleanup(func() { close(release) }) // runs before the server's shutdown, which drains
	start := time.Now()
	for range 3 {
		connectWithAPIKey(t, srv, webtest.DemoEndUser)
	}
	assert.Less(t, time.Since(start), 2*time.Second)
}

// connectAPIKey stores a sendgrid connection for a session body and returns its connection id.
func connectWithAPIKey(t *testing.T, srv *Server, sessionBody string) string {
	t.Helper()
	resp := webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", webtest.CreateSession(t, srv, sessionBody), "", `{"apiKey":"k"}`)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	return resp.JSON(t)["connectionId"].(string)
}

// A session's receiver that hangs delays no one else's webhooks: with flows of its sessions
// waiting on it, a flow of another session gets its webhook while the first still hangs.
func TestAuthWebhookHangingReceiverDelaysNoOneElse(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var held atomic.Int32
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		held.Add(1)
		<-release
	}))
	t.Cleanup(hanging.Close)
	rcv, got, _ := webhookReceiver(t, ok200)
	srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL, Timeout: time.Minute})
	t.Cleanup(func() { close(release) }) // runs before the server's shutdown, which drains

	for range 6 {
		connectWithAPIKey(t, srv, `{"end_user":{"id":"u"},"webhook_url_override":"`+hanging.URL+`/hooks"}`)
	}
	require.Eventually(t, func() bool { return held.Load() > 0 }, 5*time.Second, 5*time.Millisecond)
	id := connectWithAPIKey(t, srv, webtest.DemoEndUser)
	d := next(t, got)
	assert.Equal(t, id, d.Body["connectionId"])
	select {
	case <-release:
		t.Fatal("released early")
	default:
		assert.Positive(t, held.Load(), "the hanging receiver still holds its webhooks")
	}
}
