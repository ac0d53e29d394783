package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReconnectSessionRequests(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	created := webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", token, "", `{"apiKey":"SG.one"}`)
	require.Equal(t, http.StatusOK, created.Status, created.Body)
	id := created.JSON(t)["connectionId"].(string)
	pair := `"connection_id":"` + id + `","integration_id":"sendgrid"`

	tests := []struct {
		name, auth, query, body string
		wantStatus              int
		wantCode, wantDetail    string
	}{
		{name: "no key", body: `{` + pair + `}`, wantStatus: 401, wantCode: "missing_auth_header"},
		{name: "a session token is not a secret key", auth: token, body: `{` + pair + `}`, wantStatus: 401, wantCode: "invalid_secret_key_format"},
		{name: "query", auth: srv.SecretKey(), query: "x=1", body: `{` + pair + `}`, wantStatus: 400, wantCode: "invalid_query_params"},
		{name: "missing pair", auth: srv.SecretKey(), body: `{}`, wantStatus: 400, wantCode: "invalid_body", wantDetail: `"path":["integration_id"]`},
		{name: "unknown key", auth: srv.SecretKey(), body: `{` + pair + `,"allowed_integrations":["sendgrid"]}`, wantStatus: 400, wantCode: "invalid_body",
			wantDetail: `Unrecognized key: \"allowed_integrations\"`},
		{name: "bad connection id", auth: srv.SecretKey(), body: `{"connection_id":"a\u0000b","integration_id":"sendgrid"}`, wantStatus: 400, wantCode: "invalid_body",
			wantDetail: `"path":["connection_id"]`},
		{name: "unknown pair", auth: srv.SecretKey(), body: `{"connection_id":"` + id + `","integration_id":"ashby"}`, wantStatus: 400, wantCode: "invalid_body",
			wantDetail: `"message":"ConnectionID or IntegrationId does not exists"`},
		{name: "unknown defaults integration", auth: srv.SecretKey(), body: `{` + pair + `,"integrations_config_defaults":{"nope":{}}}`, wantStatus: 400, wantCode: "invalid_body",
			wantDetail: `"Integration does not exist"`},
		{name: "created", auth: srv.SecretKey(), body: `{` + pair + `,"end_user":{"id":"user-2"}}`, wantStatus: 201},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.PostReconnect(t, srv, tc.auth, tc.query, tc.body)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			if tc.wantCode != "" {
				assert.Equal(t, tc.wantCode, resp.Envelope(t)["code"])
				assert.Contains(t, resp.Body, tc.wantDetail)
				return
			}
			data := resp.JSON(t)["data"].(map[string]any)
			assert.Regexp(t, `^nango_connect_session_[a-f0-9]{64}$`, data["token"])
			assert.Equal(t, srv.APIURL()+"/connect/?session_token="+data["token"].(string), data["connect_link"])
			assert.Contains(t, data, "expires_at")

			got := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + data["token"].(string)})
			require.Equal(t, http.StatusOK, got.Status, got.Body)
			session := got.JSON(t)["data"].(map[string]any)
			assert.Equal(t, true, session["isReconnecting"])
			assert.Equal(t, []any{"sendgrid"}, session["allowed_integrations"])
			assert.Equal(t, "user-2", session["endUser"].(map[string]any)["id"])
		})
	}
	plain := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
	assert.NotContains(t, plain.JSON(t)["data"], "isReconnecting")
}

func TestReconnectOverwritesViaAPIKey(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	created := webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", token, "", `{"apiKey":"SG.one"}`)
	require.Equal(t, http.StatusOK, created.Status, created.Body)
	id := created.JSON(t)["connectionId"].(string)
	before := webtest.ReadConnection(t, srv, "sendgrid", id).JSON(t)
	time.Sleep(5 * time.Millisecond) // updated_at has millisecond resolution

	again := webtest.ReconnectSession(t, srv, `{"connection_id":"`+id+`","integration_id":"sendgrid"}`)
	forbidden := webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", again, "connection_id="+id, `{"apiKey":"SG.two"}`)
	assert.Equal(t, "invalid_query_params", forbidden.Envelope(t)["code"], "the session decides the id")
	other := webtest.PostAuth(t, srv, "/api-auth/basic", "ashby", again, "", `{"username":"u","password":""}`)
	assert.Equal(t, "integration_not_allowed", other.Envelope(t)["code"])
	refused := webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", again, "", `{"apiKey":"invalid"}`)
	assert.Equal(t, "connection_test_failed", refused.Envelope(t)["code"])

	resp := webtest.PostAuth(t, srv, "/api-auth/api-key", "sendgrid", again, "", `{"apiKey":"SG.two"}`)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	assert.Equal(t, id, resp.JSON(t)["connectionId"])
	after := webtest.ReadConnection(t, srv, "sendgrid", id).JSON(t)
	assert.Equal(t, before["id"], after["id"])
	assert.Equal(t, before["created_at"], after["created_at"])
	assert.NotEqual(t, before["updated_at"], after["updated_at"])
	assert.Equal(t, "SG.two", after["credentials"].(map[string]any)["apiKey"])
	assert.Equal(t, before["tags"], after["tags"], "a reconnect without an end user keeps the connection's tags")
	assert.Equal(t, before["end_user"], after["end_user"])
}

func TestReconnectOverwritesViaOAuth(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "params[subdomain]=acme"), "approve")
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	id := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"].(string)
	before := webtest.ReadConnection(t, srv, "zendesk", id).JSON(t)
	time.Sleep(5 * time.Millisecond)

	again := webtest.ReconnectSession(t, srv, `{"connection_id":"`+id+`","integration_id":"zendesk","end_user":{"id":"user-1"},"tags":{"plan":"team"}}`)
	forbidden := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", again, "params[subdomain]=acme&connection_id="+id), nil)
	assert.Equal(t, "invalid_query_params", forbidden.Envelope(t)["code"])

	conn, wsID := webtest.DialSDKSocket(t, srv, "/")
	page = runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", again, "params[subdomain]=acme&ws_client_id="+wsID), "approve")
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	assert.Equal(t, id, webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["connectionId"])
	assert.Equal(t, id, webtest.ReadFrame(t, conn)["connection_id"])

	after := webtest.ReadConnection(t, srv, "zendesk", id).JSON(t)
	assert.Equal(t, before["id"], after["id"])
	assert.Equal(t, before["created_at"], after["created_at"])
	assert.NotEqual(t, before["updated_at"], after["updated_at"])
	assert.NotEqual(t, before["credentials"].(map[string]any)["access_token"], after["credentials"].(map[string]any)["access_token"])
	assert.Equal(t, map[string]any{"end_user_id": "user-1", "plan": "team"}, after["tags"], "the reconnect session's tags")
}
