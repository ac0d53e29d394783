package api

import (
	"net/http"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetConnectionErrors(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	auth := map[string]string{"Authorization": "Bearer " + srv.SecretKey()}
	tests := []struct {
		name       string
		path       string
		headers    map[string]string
		wantStatus int
		wantCode   string
		wantMsg    string
		wantErrors []any
	}{
		{name: "no secret key", path: "/connection/abc?provider_config_key=zendesk", wantStatus: 401, wantCode: "missing_auth_header"},
		{name: "session token instead of secret key", path: "/connection/abc?provider_config_key=zendesk",
			headers: map[string]string{"Authorization": "Bearer " + webtest.CreateSession(t, srv, webtest.DemoEndUser)}, wantStatus: 401, wantCode: "invalid_secret_key_format"},
		{name: "missing provider_config_key", path: "/connection/abc", headers: auth, wantStatus: 400, wantCode: "invalid_query_params",
			wantErrors: []any{map[string]any{"code": "invalid_type", "message": "Invalid input: expected string, received undefined", "path": []any{"provider_config_key"}}}},
		{name: "unknown query keys", path: "/connection/abc?provider_config_key=zendesk&foo=1&bar=2&refresh_token=true", headers: auth, wantStatus: 400, wantCode: "invalid_query_params",
			wantErrors: []any{map[string]any{"code": "unrecognized_keys", "message": `Unrecognized keys: "bar", "foo"`, "path": []any{}}}},
		{name: "unknown query key and no provider_config_key", path: "/connection/abc?foo=1", headers: auth, wantStatus: 400, wantCode: "invalid_query_params",
			wantErrors: []any{
				map[string]any{"code": "unrecognized_keys", "message": `Unrecognized key: "foo"`, "path": []any{}},
				map[string]any{"code": "invalid_type", "message": "Invalid input: expected string, received undefined", "path": []any{"provider_config_key"}},
			}},
		{name: "unknown integration", path: "/connection/abc?provider_config_key=nope", headers: auth, wantStatus: 400, wantCode: "unknown_provider_config", wantMsg: "Provider does not exists"},
		{name: "unknown connection", path: "/connection/abc?provider_config_key=zendesk", headers: auth, wantStatus: 404, wantCode: "not_found", wantMsg: "Failed to find connection"},
		{name: "unknown connection, plural alias", path: "/connections/abc?provider_config_key=zendesk", headers: auth, wantStatus: 404, wantCode: "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+tc.path, tc.headers)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			errBody := resp.JSON(t)["error"].(map[string]any)
			assert.Equal(t, tc.wantCode, errBody["code"])
			if tc.wantMsg != "" {
				assert.Equal(t, tc.wantMsg, errBody["message"])
			}
			if tc.wantErrors != nil {
				assert.Equal(t, tc.wantErrors, errBody["errors"])
			}
		})
	}
}
