package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFaults(t *testing.T) {
	t.Parallel()
	set, err := parseFaults("coop, slow_consent:250ms", "callback_delay")
	require.NoError(t, err)
	assert.Equal(t, faultSet{faultCOOP: 0, faultSlowConsent: 250 * time.Millisecond, faultCallbackDelay: 3 * time.Second}, set)
	assert.Equal(t, "callback_delay:3s,coop,slow_consent:250ms", set.String())
	back, err := parseFaults(set.String())
	require.NoError(t, err)
	assert.Equal(t, set, back, "the canonical form reads back")
	for _, bad := range []string{"cop", "coop:1s", "slow_consent:forever", "callback_delay:3h"} {
		_, err := parseFaults(bad)
		assert.Error(t, err, bad)
	}
}

// consentAndCallback runs a flow to its callback page with the given extra query, returning the
// consent response (undecided) and the callback page.
func flowWithFaults(t *testing.T, srv *Server, token, extra string) (consent response, callback response) {
	t.Helper()
	c := browser(t)
	connect := get(t, c, connectURL(srv, "zendesk", token, "params[subdomain]=acme&"+extra), popupHeaders)
	require.Equal(t, http.StatusFound, connect.status, connect.body)
	consent = get(t, c, connect.header.Get("Location"), nil)
	if consent.status == http.StatusSeeOther { // access_denied or auto_approve: the page decided by itself
		return consent, get(t, c, consent.header.Get("Location"), nil)
	}
	require.Equal(t, http.StatusOK, consent.status, consent.body)
	back := decideAtProvider(t, c, connect.header.Get("Location"), "approve")
	return consent, get(t, c, back, nil)
}

// Each provider-side fault, asked for by one flow: what the popup then sees.
func TestProviderFaultsPerFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)
	tests := []struct {
		fault       string
		wantCOOP    bool
		wantType    string // "" for success
		wantDenied  bool
		minDuration time.Duration
	}{
		{fault: "coop", wantCOOP: true},
		{fault: "slow_consent:150ms", minDuration: 150 * time.Millisecond},
		{fault: "callback_delay:150ms", minDuration: 150 * time.Millisecond},
		{fault: "token_500", wantType: "unknown_err"},
		{fault: "token_malformed", wantType: "unknown_err"},
		{fault: "access_denied", wantType: "callback_err", wantDenied: true},
		{fault: "auto_approve"},
	}
	for _, tc := range tests {
		t.Run(tc.fault, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			consent, callback := flowWithFaults(t, srv, token, "authorization_params[nango_dev_fault]="+url.QueryEscape(tc.fault))
			assert.GreaterOrEqual(t, time.Since(start), tc.minDuration)
			assert.Equal(t, tc.wantCOOP, consent.header.Get("Cross-Origin-Opener-Policy") == "same-origin")
			msg := postedMessage(t, callback.body)
			payload := msg["payload"].(map[string]any)
			if tc.wantType == "" {
				assert.Equal(t, "nango_oauth_callback_success", msg["type"], callback.body)
				return
			}
			assert.Equal(t, "nango_oauth_callback_error", msg["type"])
			assert.Equal(t, tc.wantType, payload["errorType"])
			if tc.wantDenied {
				assert.Equal(t, "access_denied", payload["providerError"].(map[string]any)["error"])
			}
		})
	}
}

// Faults set for the server, an integration, or a session apply to every flow they cover.
func TestFaultsPerServerIntegrationAndSession(t *testing.T) {
	t.Parallel()
	coopOf := func(t *testing.T, srv *Server, key, token, extra string) string {
		c := browser(t)
		connect := get(t, c, connectURL(srv, key, token, extra), popupHeaders)
		require.Equal(t, http.StatusFound, connect.status, connect.body)
		return get(t, c, connect.header.Get("Location"), nil).header.Get("Cross-Origin-Opener-Policy")
	}
	t.Run("integration", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{MockAllProviders: true, Integrations: []IntegrationConfig{{UniqueKey: "gh-coop", Provider: "github", Faults: []string{"coop"}}}})
		token := createSession(t, srv, demoEndUser)
		assert.Equal(t, "same-origin", coopOf(t, srv, "gh-coop", token, ""))
		assert.Empty(t, coopOf(t, srv, "github", token, ""), "the default integration of the same provider is untouched")
	})
	t.Run("server", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Faults: []string{"coop"}})
		assert.Equal(t, "same-origin", coopOf(t, srv, "github", createSession(t, srv, demoEndUser), ""))
	})
	t.Run("session", func(t *testing.T) {
		t.Parallel()
		srv := startServer(t)
		token := createSession(t, srv, `{"end_user":{"id":"u"},"nango_dev_faults":["coop"]}`)
		assert.Equal(t, "same-origin", coopOf(t, srv, "github", token, ""))
		assert.Empty(t, coopOf(t, srv, "github", createSession(t, srv, demoEndUser), ""))
	})
}

// Fault names are checked where they are given.
func TestFaultValidation(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	resp := do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/sessions", strings.NewReader(`{"end_user":{"id":"u"},"nango_dev_faults":["coop","nope","ws_refuse"]}`),
		map[string]string{"Authorization": "Bearer " + srv.SecretKey(), "Content-Type": "application/json"})
	require.Equal(t, http.StatusBadRequest, resp.status)
	issues := errorOf(t, resp)["errors"].([]any)
	require.Len(t, issues, 2)
	assert.Equal(t, []any{"nango_dev_faults", 1.0}, issues[0].(map[string]any)["path"])
	assert.Contains(t, issues[1].(map[string]any)["message"], "websocketsPath")

	c := browser(t)
	page := get(t, c, connectURL(srv, "github", createSession(t, srv, demoEndUser), "authorization_params[nango_dev_fault]=nope"), popupHeaders)
	assert.Equal(t, http.StatusBadRequest, page.status)
	assert.Equal(t, "invalid_fault", postedMessage(t, page.body)["payload"].(map[string]any)["errorType"])

	_, err := Start(t.Context(), Config{APIAddr: "127.0.0.1:0", AppAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0",
		Integrations: []IntegrationConfig{{UniqueKey: "github", Faults: []string{"ws_refuse"}}}})
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "integrations[0].faults", ce.Field)
}

// ws_refuse answers the upgrade 503 (server-wide, or for a socket that asks in its query);
// ws_drop cuts the flow's socket when the popup heads for the provider, and the socket resumes.
func TestSocketFaults(t *testing.T) {
	t.Parallel()
	dial := func(t *testing.T, srv *Server, path string) int {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.APIURL(), "http")+path, nil)
		if err == nil {
			conn.CloseNow()
			return http.StatusSwitchingProtocols
		}
		return resp.StatusCode
	}
	srv := startServer(t)
	assert.Equal(t, http.StatusServiceUnavailable, dial(t, srv, "/?nango_dev_fault=ws_refuse"))
	assert.Equal(t, http.StatusSwitchingProtocols, dial(t, srv, "/"))
	refusing := startConfigured(t, Config{Faults: []string{"ws_refuse"}})
	assert.Equal(t, http.StatusServiceUnavailable, dial(t, refusing, "/"))

	conn, id := dialSDKSocket(t, srv)
	c := browser(t)
	connect := get(t, c, connectURL(srv, "zendesk", createSession(t, srv, demoEndUser), "params[subdomain]=acme&authorization_params[nango_dev_fault]=ws_drop&ws_client_id="+id), popupHeaders)
	require.Equal(t, http.StatusFound, connect.status, connect.body)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, _, err := conn.Read(ctx)
	require.Error(t, err, "the socket was cut")
	resumed, again := dialSDKSocketAt(t, srv, "/?ws_client_id="+id)
	assert.Equal(t, id, again, "the id stays resumable")
	callback := decideAtProvider(t, c, connect.header.Get("Location"), "approve")
	get(t, c, callback, nil)
	assert.Equal(t, "success", readFrame(t, resumed)["message_type"])
}
