package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCustomAuthErrors(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	narrow := webtest.CreateSession(t, srv, `{"end_user":{"id":"u"},"allowed_integrations":["zendesk"]}`)
	const unknownToken = "nango_connect_session_0000000000000000000000000000000000000000000000000000000000000000"
	tests := []struct {
		name        string
		path, key   string
		query       string // replaces the session token query when set
		body        string
		contentType string // "-" sends none
		wantStatus  int
		wantCode    string
		wantMsg     string // substring of the message, when set
		wantErrors  string // substring of the errors[] JSON, when set
	}{
		{name: "form content type", path: "/api-auth/api-key", key: "sendgrid", body: "apiKey=k", contentType: "application/x-www-form-urlencoded",
			wantStatus: 415, wantCode: "invalid_content_type", wantMsg: "Content-Type header must be application/json"},
		{name: "text content type on /oauth2/auth", path: "/oauth2/auth", key: "8x8", body: `{}`, contentType: "text/plain",
			wantStatus: 415, wantCode: "invalid_content_type"},
		{name: "no token", path: "/api-auth/api-key", key: "sendgrid", query: "-", body: `{"apiKey":"k"}`, wantStatus: 401, wantCode: "missing_public_key"},
		{name: "malformed token", path: "/auth/jwt", key: "ghost-admin", query: "connect_session_token=nope", body: `{}`, wantStatus: 401, wantCode: "invalid_connect_session_token_format"},
		{name: "unknown token", path: "/api-auth/basic", key: "ashby", query: "connect_session_token=" + unknownToken, body: `{}`, wantStatus: 401, wantCode: "unknown_connect_session_token"},
		{name: "public key", path: "/auth/bill", key: "bill", query: "public_key=6f1d4c3b-2a19-4e8f-9d7c-5b4a39281706", body: `{}`, wantStatus: 401, wantCode: "deprecated_authentication"},
		{name: "missing field", path: "/api-auth/api-key", key: "sendgrid", body: `{}`, wantStatus: 400, wantCode: "invalid_body",
			wantErrors: `"message":"Invalid input: expected string, received undefined","path":["apiKey"]`},
		{name: "unknown field", path: "/api-auth/api-key", key: "sendgrid", body: `{"apiKey":"k","api_key":"k"}`, wantStatus: 400, wantCode: "invalid_body",
			wantErrors: `"code":"unrecognized_keys","message":"Unrecognized key: \"api_key\""`},
		{name: "not JSON", path: "/api-auth/api-key", key: "sendgrid", body: `{"apiKey":`, wantStatus: 400, wantCode: "invalid_body"},
		{name: "no content type: the body is not read", path: "/api-auth/api-key", key: "sendgrid", body: `{"apiKey":"k"}`, contentType: "-",
			wantStatus: 400, wantCode: "invalid_body", wantErrors: `"path":["apiKey"]`},
		{name: "a body for unauthenticated", path: "/auth/unauthenticated", key: "unauthenticated", body: `{"apiKey":"k"}`, wantStatus: 400, wantCode: "invalid_body"},
		{name: "empty TBA secret", path: "/auth/tba", key: "netsuite-tba", body: `{"token_id":"t","token_secret":""}`, wantStatus: 400, wantCode: "invalid_body",
			wantErrors: `"path":["token_secret"]`},
		{name: "connection_id with a session", path: "/api-auth/api-key", key: "sendgrid", query: "connect_session_token=" + token + "&connection_id=mine", body: `{"apiKey":"k"}`,
			wantStatus: 400, wantCode: "invalid_query_params", wantErrors: `"message":"connection_id is forbidden when using session token","path":["connection_id"]`},
		{name: "unknown integration", path: "/api-auth/api-key", key: "nope", body: `{"apiKey":"k"}`, wantStatus: 404, wantCode: "unknown_provider_config"},
		{name: "unknown integration on /oauth2/auth", path: "/oauth2/auth", key: "nope", body: `{"client_id":"c","client_secret":"s"}`, wantStatus: 400, wantCode: "unknown_provider_config"},
		{name: "API key to an OAuth integration", path: "/api-auth/api-key", key: "zendesk", body: `{"apiKey":"k"}`, wantStatus: 400, wantCode: "invalid_auth_mode",
			wantMsg: "Invalid auth mode. The provider does not support this auth mode."},
		{name: "basic to an API key integration", path: "/api-auth/basic", key: "sendgrid", body: `{"username":"u","password":"p"}`, wantStatus: 400, wantCode: "invalid_auth_mode"},
		{name: "client credentials to an OAuth integration", path: "/oauth2/auth", key: "sentry-oauth", body: `{"client_id":"c","client_secret":"s"}`,
			wantStatus: 400, wantCode: "invalid_auth_mode"},
		{name: "integration not allowed", path: "/api-auth/api-key", key: "sendgrid", query: "connect_session_token=" + narrow, body: `{"apiKey":"k"}`,
			wantStatus: 400, wantCode: "integration_not_allowed"},
		{name: "param against the pattern", path: "/api-auth/api-key", key: "1password-scim", query: "connect_session_token=" + token + "&params[domain]=evil.com%2F%23", body: `{"apiKey":"k"}`,
			wantStatus: 400, wantCode: "invalid_connection_config"},
		{name: "missing client_id", path: "/oauth2/auth", key: "8x8", body: `{"client_secret":"s"}`, wantStatus: 400, wantCode: "missing_client_id", wantMsg: "Missing param 'oauth_client_id'."},
		{name: "missing client_secret", path: "/oauth2/auth", key: "8x8", body: `{"client_id":"c"}`, wantStatus: 400, wantCode: "missing_client_secret"},
		{name: "two-step without its domain", path: "/auth/two-step", key: "3cx", body: `{"clientId":"c","clientSecret":"s"}`, wantStatus: 400, wantCode: "url_param_err",
			wantMsg: "Missing Connection Config param(s) in Auth request to interpolate url https://${connectionConfig.domain}/connect/token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := srv.APIURL() + tc.path + "/" + tc.key
			switch tc.query {
			case "":
				u += "?connect_session_token=" + token
			case "-":
			default:
				u += "?" + tc.query
			}
			headers := map[string]string{"Content-Type": "application/json"}
			switch tc.contentType {
			case "-":
				headers = nil
			case "":
			default:
				headers["Content-Type"] = tc.contentType
			}
			resp := webtest.Do(t, http.DefaultClient, http.MethodPost, u, strings.NewReader(tc.body), headers)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
			e := resp.Envelope(t)
			assert.Equal(t, tc.wantCode, e["code"])
			if tc.wantMsg != "" {
				assert.Contains(t, e["message"], tc.wantMsg)
			}
			if tc.wantErrors != "" {
				assert.Contains(t, resp.Body, tc.wantErrors)
			}
		})
	}
}
