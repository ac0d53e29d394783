package server

import (
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
