package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// consentAndCallback runs a flow to its callback page with the given extra query, returning the
// consent response (undecided) and the callback page.
func flowWithFaults(t *testing.T, srv *Server, token, extra string) (consent webtest.Response, callback webtest.Response) {
	t.Helper()
	c := webtest.Browser(t)
	connect := webtest.Get(t, c, webtest.ConnectURL(srv, "zendesk", token, "params[subdomain]=acme&"+extra), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, connect.Status, connect.Body)
	consent = webtest.Get(t, c, connect.Header.Get("Location"), nil)
	if consent.Status == http.StatusSeeOther { // access_denied or auto_approve: the page decided by itself
		return consent, webtest.Get(t, c, consent.Header.Get("Location"), nil)
	}
	require.Equal(t, http.StatusOK, consent.Status, consent.Body)
	back := webtest.DecideAtProvider(t, c, connect.Header.Get("Location"), "approve")
	return consent, webtest.Get(t, c, back, nil)
}

// Each provider-side fault, asked for by one flow: what the popup then sees.
func TestProviderFaultsPerFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
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
			assert.Equal(t, tc.wantCOOP, consent.Header.Get("Cross-Origin-Opener-Policy") == "same-origin")
			msg := webtest.PostedMessage(t, callback.Body)
			payload := msg["payload"].(map[string]any)
			if tc.wantType == "" {
				assert.Equal(t, "nango_oauth_callback_success", msg["type"], callback.Body)
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
		c := webtest.Browser(t)
		connect := webtest.Get(t, c, webtest.ConnectURL(srv, key, token, extra), webtest.PopupHeaders)
		require.Equal(t, http.StatusFound, connect.Status, connect.Body)
		return webtest.Get(t, c, connect.Header.Get("Location"), nil).Header.Get("Cross-Origin-Opener-Policy")
	}
	t.Run("integration", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{MockAllProviders: true, Integrations: []IntegrationConfig{{UniqueKey: "gh-coop", Provider: "github", Faults: []string{"coop"}}}})
		token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
		assert.Equal(t, "same-origin", coopOf(t, srv, "gh-coop", token, ""))
		assert.Empty(t, coopOf(t, srv, "github", token, ""), "the default integration of the same provider is untouched")
	})
	t.Run("server", func(t *testing.T) {
		t.Parallel()
		srv := startConfigured(t, Config{Faults: []string{"coop"}})
		assert.Equal(t, "same-origin", coopOf(t, srv, "github", webtest.CreateSession(t, srv, webtest.DemoEndUser), ""))
	})
	t.Run("session", func(t *testing.T) {
		t.Parallel()
		srv := startServer(t)
		token := webtest.CreateSession(t, srv, `{"end_user":{"id":"u"},"nango_dev_faults":["coop"]}`)
		assert.Equal(t, "same-origin", coopOf(t, srv, "github", token, ""))
		assert.Empty(t, coopOf(t, srv, "github", webtest.CreateSession(t, srv, webtest.DemoEndUser), ""))
	})
}

// Fault names are checked where they are given.
func TestFaultValidation(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	resp := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/sessions", strings.NewReader(`{"end_user":{"id":"u"},"nango_dev_faults":["coop","nope","ws_refuse"]}`),
		map[string]string{"Authorization": "Bearer " + srv.SecretKey(), "Content-Type": "application/json"})
	require.Equal(t, http.StatusBadRequest, resp.Status)
	issues := resp.Envelope(t)["errors"].([]any)
	require.Len(t, issues, 2)
	assert.Equal(t, []any{"nango_dev_faults", 1.0}, issues[0].(map[string]any)["path"])
	assert.Contains(t, issues[1].(map[string]any)["message"], "websocketsPath")

	c := webtest.Browser(t)
	page := webtest.Get(t, c, webtest.ConnectURL(srv, "github", webtest.CreateSession(t, srv, webtest.DemoEndUser), "authorization_params[nango_dev_fault]=nope"), webtest.PopupHeaders)
	assert.Equal(t, http.StatusBadRequest, page.Status)
	assert.Equal(t, "invalid_fault", webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["errorType"])

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

	conn, id := webtest.DialSDKSocket(t, srv, "/")
	c := webtest.Browser(t)
	connect := webtest.Get(t, c, webtest.ConnectURL(srv, "zendesk", webtest.CreateSession(t, srv, webtest.DemoEndUser), "params[subdomain]=acme&authorization_params[nango_dev_fault]=ws_drop&ws_client_id="+id), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, connect.Status, connect.Body)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, _, err := conn.Read(ctx)
	require.Error(t, err, "the socket was cut")
	resumed, again := webtest.DialSDKSocket(t, srv, "/?ws_client_id="+id)
	assert.Equal(t, id, again, "the id stays resumable")
	callback := webtest.DecideAtProvider(t, c, connect.Header.Get("Location"), "approve")
	webtest.Get(t, c, callback, nil)
	assert.Equal(t, "success", webtest.ReadFrame(t, resumed)["message_type"])
}
