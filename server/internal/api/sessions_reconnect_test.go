package api

import (
	"net/http"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReconnectSessionRequests(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	id := connectUnauthenticated(t, srv, webtest.DemoEndUser)
	pair := `"connection_id":"` + id + `","integration_id":"unauthenticated"`

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
		{name: "bad connection id", auth: srv.SecretKey(), body: `{"connection_id":"a\u0000b","integration_id":"unauthenticated"}`, wantStatus: 400, wantCode: "invalid_body",
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
			assert.Equal(t, []any{"unauthenticated"}, session["allowed_integrations"])
			assert.Equal(t, "user-2", session["endUser"].(map[string]any)["id"])
		})
	}
	plain := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
	assert.NotContains(t, plain.JSON(t)["data"], "isReconnecting")
}
