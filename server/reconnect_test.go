package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
