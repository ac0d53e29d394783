package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The deprecated integrations_config_defaults.<key>.connection_config.webhook_url becomes the
// session's webhook_url_override, as Nango's mapDeprecatedConnectionConfigWebhookUrl does: the
// webhook goes there, and the URL never reaches the session's or the connection's config.
func TestDeprecatedSessionWebhookURL(t *testing.T) {
	t.Parallel()
	primary, fromPrimary, _ := webhookReceiver(t, ok200)
	moved, fromMoved, _ := webhookReceiver(t, ok200)
	srv := startWithWebhook(t, WebhookConfig{URL: primary.URL})
	body := `{"end_user":{"id":"u","tags":{"team":"a"}},"integrations_config_defaults":{"sendgrid":{"connection_config":{"webhook_url":"` + moved.URL + `/old","region":"eu"}},"github":{"connection_config":{"webhook_url":""}}}}`
	token := webtest.CreateSession(t, srv, body)

	session := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
	require.Equal(t, http.StatusOK, session.Status, session.Body)
	assert.Equal(t, map[string]any{
		"sendgrid": map[string]any{"connection_config": map[string]any{"region": "eu"}},
		"github":   map[string]any{},
	}, session.JSON(t)["data"].(map[string]any)["integrations_config_defaults"],
		"webhook_url is stripped; a config left empty is gone, and unset keys are omitted, not null")

	resp := webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", token, "", `{"apiKey":"k"}`)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	d := next(t, fromMoved)
	assert.Equal(t, "creation", d.Body["operation"])
	assert.Equal(t, map[string]any{"endUserId": "u", "endUserEmail": nil, "tags": map[string]any{"team": "a"}}, d.Body["endUser"])
	select {
	case <-fromPrimary:
		t.Fatal("the configured URL got the webhook too")
	case <-time.After(100 * time.Millisecond):
	}
	conn := webtest.ReadConnection(t, srv, "sendgrid", resp.JSON(t)["connectionId"].(string))
	assert.Equal(t, map[string]any{"region": "eu"}, conn.JSON(t)["connection_config"])

	// An explicit webhook_url_override wins, even an empty one; a bad deprecated URL is refused
	// with Nango's note.
	explicit := webtest.CreateSession(t, srv, `{"end_user":{"id":"u"},"webhook_url_override":"","integrations_config_defaults":{"sendgrid":{"connection_config":{"webhook_url":"`+moved.URL+`"}}}}`)
	resp = webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", explicit, "", `{"apiKey":"k"}`)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	assert.Equal(t, "creation", next(t, fromPrimary).Body["operation"], "an empty override keeps the configured URL")

	bad := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/sessions",
		strings.NewReader(`{"end_user":{"id":"u"},"integrations_config_defaults":{"sendgrid":{"connection_config":{"webhook_url":"not-a-url"}}}}`),
		map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
	require.Equal(t, http.StatusBadRequest, bad.Status)
	issue := bad.Envelope(t)["errors"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{"integrations_config_defaults", "sendgrid", "connection_config", "webhook_url"}, issue["path"])
	assert.Contains(t, issue["message"], "Note: connection_config.webhook_url is deprecated; use top-level webhook_url_override instead.")
}

// GET /connect/session tells the Connect UI where the WebSocket is, as a self-hosted Nango does,
// and refuses a query.
func TestConnectSessionWebsocketsPath(t *testing.T) {
	t.Parallel()
	srv := startConfigured(t, Config{WebsocketsPath: "/nango-ws"})
	token := webtest.CreateSession(t, srv, `{"tags":{"plan":"pro"}}`)
	resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	data := resp.JSON(t)["data"].(map[string]any)
	assert.Equal(t, "/nango-ws", data["websocketsPath"])
	assert.Nil(t, data["endUser"])
	for _, key := range []string{"allowed_integrations", "integrations_config_defaults", "overrides", "isReconnecting"} {
		assert.NotContains(t, data, key, "a key the session does not have is omitted")
	}
	withQuery := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session?x=1", map[string]string{"Authorization": "Bearer " + token})
	assert.Equal(t, http.StatusBadRequest, withQuery.Status)
	assert.Equal(t, "invalid_query_params", withQuery.Envelope(t)["code"])
}

// legacyKey is the public key of an account created before Nango deprecated public keys.
const legacyKey = "0b7c1a42-6f0e-4d51-9a8b-3c2d1e0f9a87"

func startLegacyAccount(t *testing.T, hmacKey string) *Server {
	t.Helper()
	return startConfigured(t, Config{PublicKey: legacyKey, AccountCreatedAt: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), HMACKey: hmacKey})
}

func signed(key string, values ...string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(strings.Join(values, ":")))
	return hex.EncodeToString(mac.Sum(nil))
}

// A public key authenticates an account created before 2025-08-25, as Nango still allows: the
// caller names the connection id, and the connection has no end user or tags.
func TestLegacyPublicKey(t *testing.T) {
	t.Parallel()
	srv := startLegacyAccount(t, "")
	connect := func(key, query string) string {
		return srv.APIURL() + "/oauth/connect/github?public_key=" + key + query
	}
	page := runFlow(t, srv, webtest.Browser(t), connect(legacyKey, "&connection_id=legacy-1"), "approve")
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	assert.Equal(t, "legacy-1", webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"])
	conn := webtest.ReadConnection(t, srv, "github", "legacy-1").JSON(t)
	assert.Nil(t, conn["end_user"])
	assert.Equal(t, map[string]any{}, conn["tags"])

	resp := webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", "", "public_key="+legacyKey+"&connection_id=legacy-2", `{"apiKey":"k"}`)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	assert.Equal(t, "legacy-2", resp.JSON(t)["connectionId"])

	other := webtest.Get(t, http.DefaultClient, connect("3f2504e0-4f89-41d3-9a0c-0305e82c3301", ""), nil)
	assert.Equal(t, http.StatusUnauthorized, other.Status)
	assert.Equal(t, "unknown_account", other.Envelope(t)["code"])

	fresh := startConfigured(t, Config{PublicKey: legacyKey, AccountCreatedAt: time.Date(2025, 8, 26, 0, 0, 0, 0, time.UTC)})
	deprecated := webtest.Get(t, http.DefaultClient, fresh.APIURL()+"/oauth/connect/github?public_key="+legacyKey, nil)
	assert.Equal(t, http.StatusUnauthorized, deprecated.Status)
	assert.Equal(t, "deprecated_authentication", deprecated.Envelope(t)["code"])
}

// With hmac_enabled, a public-key request carries hmac = HMAC-SHA256(key, "<integration>[:<id>]"):
// /oauth/connect reports a failure as Nango's WSErr, the POSTs as its JSON; sessions are exempt.
func TestHMAC(t *testing.T) {
	t.Parallel()
	const key = "hmac-key-1"
	srv := startLegacyAccount(t, key)
	popup := func(query string) webtest.Response {
		return webtest.Get(t, webtest.Browser(t), srv.APIURL()+"/oauth/connect/github?public_key="+legacyKey+query, webtest.PopupHeaders)
	}
	for _, tc := range []struct{ name, query, code, message string }{
		{"missing", "&connection_id=c1", "missing_hmac", "Missing HMAC digest."},
		{"signed for another connection", "&connection_id=c1&hmac=" + signed(key, "github", "c2"), "invalid_hmac", "Invalid HMAC digest."},
		{"signed with another key", "&hmac=" + signed("other", "github"), "invalid_hmac", "Invalid HMAC digest."},
	} {
		page := popup(tc.query)
		require.Equal(t, http.StatusBadRequest, page.Status, tc.name)
		payload := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)
		assert.Equal(t, tc.code, payload["errorType"], tc.name)
		assert.Equal(t, tc.message, payload["message"], tc.name)
	}
	assert.Equal(t, http.StatusFound, popup("&connection_id=c1&hmac="+signed(key, "github", "c1")).Status)
	assert.Equal(t, http.StatusFound, popup("&hmac="+signed(key, "github")).Status, "without a connection id, the integration alone is signed")
	session := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "github", webtest.CreateSession(t, srv, webtest.DemoEndUser), ""), webtest.PopupHeaders)
	assert.Equal(t, http.StatusFound, session.Status, "a connect session needs no hmac")

	post := func(query string) webtest.Response {
		return webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", "", "public_key="+legacyKey+query, `{"apiKey":"k"}`)
	}
	missing := post("&connection_id=c3")
	assert.Equal(t, http.StatusBadRequest, missing.Status)
	assert.Equal(t, map[string]any{"code": "missing_hmac", "message": "Missing param 'hmac'."}, missing.Envelope(t))
	assert.Equal(t, http.StatusOK, post("&connection_id=c3&hmac="+signed(key, "sendgrid", "c3")).Status)
	unnamed := post("&hmac=" + signed(key, "sendgrid"))
	assert.Equal(t, "invalid_hmac", unnamed.Envelope(t)["code"], "Nango signs the id it generates, so a POST without connection_id cannot pass")
}
