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

func TestDemoBackend(t *testing.T) {
	t.Parallel()
	srv := startServer(t)

	t.Run("connect session", func(t *testing.T) {
		resp := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.AppURL()+"/api/connect-session",
			strings.NewReader(`{"allowed_integrations":["zendesk"],"integrations_config_defaults":{"zendesk":{"connection_config":{"subdomain":"acme"}}}}`), webtest.SameOriginJSON(srv.AppURL()))
		require.Equal(t, http.StatusOK, resp.Status, resp.Body)
		body := resp.JSON(t)
		token := body["token"].(string)
		assert.True(t, strings.HasPrefix(token, "nango_connect_session_"))
		_, err := time.Parse(time.RFC3339, body["expires_at"].(string))
		assert.NoError(t, err)
		sess, ok, _ := srv.store.Session(token, time.Now())
		require.True(t, ok)
		assert.Equal(t, []string{"zendesk"}, sess.AllowedIntegrations)
		assert.Equal(t, "demo-user", sess.EndUser.ID)
		assert.Equal(t, "nango-wasm-demo", sess.Tags["app"])
	})

	t.Run("connect session errors are relayed", func(t *testing.T) {
		resp := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.AppURL()+"/api/connect-session", strings.NewReader(`{"allowed_integrations":["nope"]}`), webtest.SameOriginJSON(srv.AppURL()))
		require.Equal(t, http.StatusBadRequest, resp.Status, resp.Body)
		assert.Equal(t, "invalid_body", resp.JSON(t)["error"].(map[string]any)["code"])
		strict := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.AppURL()+"/api/connect-session", strings.NewReader(`{"end_user":{"id":"x"}}`), webtest.SameOriginJSON(srv.AppURL()))
		assert.Equal(t, http.StatusBadRequest, strict.Status, "the page cannot choose the end user")
	})

	t.Run("integrations with their fields", func(t *testing.T) {
		resp := webtest.Get(t, http.DefaultClient, srv.AppURL()+"/api/integrations", nil)
		require.Equal(t, http.StatusOK, resp.Status, resp.Body)
		byKey := map[string]map[string]any{}
		for _, item := range resp.JSON(t)["data"].([]any) {
			in := item.(map[string]any)
			byKey[in["unique_key"].(string)] = in
		}
		require.Contains(t, byKey, "zendesk")
		fields := byKey["zendesk"]["connection_config"].([]any)
		require.Len(t, fields, 1)
		assert.Equal(t, map[string]any{"name": "subdomain", "type": "string", "title": "Zendesk Domain", "description": "The subdomain of your Zendesk account",
			"example": "domain", "pattern": "^[a-z0-9_-]+$", "prefix": "https://", "suffix": ".zendesk.com", "doc_section": "#step-1-finding-your-subdomain"}, fields[0])
		assert.Equal(t, "OAUTH2", byKey["zendesk"]["auth_mode"])
		assert.Empty(t, byKey["zendesk"]["credentials"], "a popup integration takes no credentials")
		sendgrid := byKey["sendgrid"]["credentials"].([]any)
		require.Len(t, sendgrid, 1)
		assert.Equal(t, map[string]any{"name": "apiKey", "type": "string", "title": "API Key", "description": "The API key for your Sendgrid account",
			"doc_section": "#step-1-generating-your-sendgrid-api-key", "secret": true}, sendgrid[0], "an API key is a secret")
		assert.Equal(t, "TWO_STEP", byKey["3cx"]["credentials_type"], "the SDK routes two-step credentials by their type")
		assert.Len(t, byKey["bill"]["credentials"], 4, "Bill's entry declares none: Nango's four fields")
		assert.Len(t, byKey["ashby"]["credentials"], 2, "Ashby's hidden password is kept, sent empty")
		salesforce := byKey["salesforce"]["connection_config"].([]any)
		require.Len(t, salesforce, 1, "automated fields are not asked for")
		assert.Equal(t, "hostname", salesforce[0].(map[string]any)["name"])
	})

	t.Run("connection read back without tokens", func(t *testing.T) {
		token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
		page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "github", token, ""), "approve")
		id := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"].(string)
		resp := webtest.Get(t, http.DefaultClient, srv.AppURL()+"/api/connection?connection_id="+id+"&provider_config_key=github", nil)
		require.Equal(t, http.StatusOK, resp.Status, resp.Body)
		conn := resp.JSON(t)
		assert.Equal(t, id, conn["connection_id"])
		assert.Equal(t, "user-1", conn["tags"].(map[string]any)["end_user_id"])
		creds := conn["credentials"].(map[string]any)
		assert.Equal(t, "OAUTH2", creds["type"])
		assert.NotContains(t, creds, "access_token")
		assert.NotContains(t, resp.Body, "mock_access_")

		missing := webtest.Get(t, http.DefaultClient, srv.AppURL()+"/api/connection?connection_id=nope&provider_config_key=github", nil)
		assert.Equal(t, http.StatusNotFound, missing.Status)
		bad := webtest.Get(t, http.DefaultClient, srv.AppURL()+"/api/connection", nil)
		assert.Equal(t, http.StatusBadRequest, bad.Status)
	})
}
