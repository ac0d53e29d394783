package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCustomAuthModes(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	tests := []struct {
		name, path, key, query  string
		good                    string
		wantCreds               map[string]any // fields the stored credentials must hold
		wantConfig              map[string]any // fields the stored connection_config must hold
		bad                     string         // "" when the mode has nothing to refuse
		wantCode, wantMsgPrefix string
	}{
		{name: "API key", path: "/api-auth/api-key", key: "sendgrid", good: `{"apiKey":"SG.good"}`,
			wantCreds: map[string]any{"type": "API_KEY", "apiKey": "SG.good"},
			bad:       `{"apiKey":"invalid-key"}`, wantCode: "connection_test_failed",
			wantMsgPrefix: "The given credentials were found to be invalid and received a 401 on a test API call. Please check the credentials and try again."},
		{name: "API key with params", path: "/api-auth/api-key", key: "1password-scim", query: "params%5Bdomain%5D=scim.acme.com", good: `{"apiKey":"op-key"}`,
			wantCreds: map[string]any{"type": "API_KEY", "apiKey": "op-key"}, wantConfig: map[string]any{"domain": "scim.acme.com"},
			bad: `{"apiKey":"INVALID"}`, wantCode: "connection_test_failed", wantMsgPrefix: "The given credentials were found to be invalid"},
		{name: "basic", path: "/api-auth/basic", key: "ashby", good: `{"username":"ashby-key","password":""}`,
			wantCreds: map[string]any{"type": "BASIC", "username": "ashby-key", "password": ""},
			bad:       `{"username":"invalid","password":""}`, wantCode: "connection_test_failed", wantMsgPrefix: "The given credentials"},
		{name: "unauthenticated", path: "/auth/unauthenticated", key: "unauthenticated", good: ``, wantCreds: map[string]any{}},
		{name: "two-step", path: "/auth/two-step", key: "3cx", query: "params[domain]=pbx.acme.3cx.us",
			good:      `{"type":"TWO_STEP","clientId":"client","clientSecret":"secret"}`,
			wantCreds: map[string]any{"type": "TWO_STEP", "clientId": "client", "clientSecret": "secret"}, wantConfig: map[string]any{"domain": "pbx.acme.3cx.us"},
			bad: `{"type":"TWO_STEP","clientId":"client","clientSecret":"invalid-secret"}`, wantCode: "two_step_credentials_fetch_error", wantMsgPrefix: "Error fetching Two Step credentials"},
		{name: "JWT", path: "/auth/jwt", key: "ghost-admin", query: "params[adminDomain]=acme.ghost.io&params[version]=v5.0",
			good:      `{"type":"JWT","privateKey":{"id":"abc","secret":"def"}}`,
			wantCreds: map[string]any{"type": "JWT", "privateKey": map[string]any{"id": "abc", "secret": "def"}},
			bad:       `{"type":"JWT","privateKey":{"id":"abc","secret":"invalid"}}`, wantCode: "connection_test_failed", wantMsgPrefix: "The given credentials"},
		{name: "TBA", path: "/auth/tba", key: "netsuite-tba", query: "params[accountId]=tstdrv1",
			good:       `{"token_id":"tid","token_secret":"tsecret","oauth_client_id_override":"own-client"}`,
			wantCreds:  map[string]any{"type": "TBA", "token_id": "tid", "token_secret": "tsecret", "config_override": map[string]any{"client_id": "own-client"}},
			wantConfig: map[string]any{"accountId": "tstdrv1", "oauth_client_id": "nango-dev-netsuite-tba"},
			bad:        `{"token_id":"tid","token_secret":"invalid"}`, wantCode: "invalid_credentials", wantMsgPrefix: "The provided credentials did not succeed in a test API call"},
		{name: "Bill", path: "/auth/bill", key: "bill", good: `{"username":"u@acme.com","password":"pw","organization_id":"org","dev_key":"dev"}`,
			wantCreds: map[string]any{"type": "BILL", "username": "u@acme.com", "organization_id": "org", "dev_key": "dev"},
			bad:       `{"username":"u@acme.com","password":"pw","organization_id":"org","dev_key":"invalid-dev"}`, wantCode: "connection_test_failed", wantMsgPrefix: "The given credentials"},
		{name: "signature", path: "/auth/signature", key: "emarsys", good: `{"type":"SIGNATURE","username":"acme","password":"s3cret"}`,
			wantCreds: map[string]any{"type": "SIGNATURE", "username": "acme", "password": "s3cret"},
			bad:       `{"type":"SIGNATURE","username":"acme","password":"invalid-secret"}`, wantCode: "connection_test_failed", wantMsgPrefix: "The given credentials"},
		{name: "AWS SigV4", path: "/auth/aws-sigv4", key: "aws-sigv4", good: `{"role_arn":"arn:aws:iam::123456789012:role/Nango","region":"eu-west-1"}`,
			wantCreds:  map[string]any{"type": "AWS_SIGV4", "role_arn": "arn:aws:iam::123456789012:role/Nango", "region": "eu-west-1", "service": "s3"},
			wantConfig: map[string]any{"role_arn": "arn:aws:iam::123456789012:role/Nango", "region": "eu-west-1", "service": "s3"},
			bad:        `{"role_arn":"invalid-arn"}`, wantCode: "connection_test_failed", wantMsgPrefix: "The given credentials"},
		{name: "OAuth2 client credentials", path: "/oauth2/auth", key: "8x8", good: `{"client_id":"cc-client","client_secret":"cc-secret"}`,
			wantCreds: map[string]any{"type": "OAUTH2_CC", "client_id": "cc-client", "client_secret": "cc-secret"},
			bad:       `{"client_id":"cc-client","client_secret":"invalid-secret"}`, wantCode: "oauth2_cc_error", wantMsgPrefix: "The provider refused the client credentials with 401: invalid_client"},
		{name: "OAuth2 outbound", path: "/auth/oauth-outbound", key: "sentry-oauth", query: "params[hostname]=sentry.io&params[actor]=u-1",
			good: ``, wantCreds: map[string]any{"type": "OAUTH2"}, wantConfig: map[string]any{"hostname": "sentry.io", "actor": "u-1", "pending": true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.PostAuth(t, srv, tc.path, tc.key, token, tc.query, tc.good)
			require.Equal(t, http.StatusOK, resp.Status, resp.Body)
			reply := resp.JSON(t)
			id, _ := reply["connectionId"].(string)
			require.Regexp(t, web.UUIDv4Pattern, id)
			assert.Equal(t, tc.key, reply["providerConfigKey"])
			if tc.path == "/oauth2/auth" {
				assert.True(t, strings.HasPrefix(resp.Body, `{"providerConfigKey":`), "Nango's /oauth2/auth key order: %s", resp.Body)
			} else {
				assert.True(t, strings.HasPrefix(resp.Body, `{"connectionId":`), resp.Body)
			}
			assert.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))

			stored := webtest.ReadConnection(t, srv, tc.key, id)
			require.Equal(t, http.StatusOK, stored.Status, stored.Body)
			conn := stored.JSON(t)
			creds := conn["credentials"].(map[string]any)
			for k, v := range tc.wantCreds {
				assert.Equal(t, v, creds[k], k)
			}
			if len(tc.wantCreds) == 0 {
				assert.Empty(t, creds)
			}
			config := conn["connection_config"].(map[string]any)
			for k, v := range tc.wantConfig {
				assert.Equal(t, v, config[k], k)
			}
			assert.Equal(t, "user-1", conn["end_user"].(map[string]any)["id"], "the end user comes from the session")
			assert.Equal(t, "pro", conn["tags"].(map[string]any)["plan"], "so do the tags")

			if tc.bad == "" {
				return
			}
			refused := webtest.PostAuth(t, srv, tc.path, tc.key, token, tc.query, tc.bad)
			require.Equal(t, http.StatusBadRequest, refused.Status, refused.Body)
			e := refused.Envelope(t)
			assert.Equal(t, tc.wantCode, e["code"])
			assert.True(t, strings.HasPrefix(e["message"].(string), tc.wantMsgPrefix), e["message"])
			assert.NotContains(t, refused.Body, "invalid-", "the refused credential is not echoed")
		})
	}
}

func TestCustomAuthIssuedTokens(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	tests := []struct {
		path, key, query, body string
		field, prefix          string
	}{
		{"/auth/two-step", "3cx", "params[domain]=pbx.acme.3cx.us", `{"clientId":"c","clientSecret":"s"}`, "token", "mock_token_"},
		{"/auth/jwt", "ghost-admin", "", `{"privateKey":"abc:def"}`, "token", "mock_jwt_"},
		{"/auth/bill", "bill", "", `{"username":"u","password":"p","organization_id":"o","dev_key":"d"}`, "session_id", "mock_token_"},
		{"/auth/signature", "emarsys", "", `{"type":"SIGNATURE","username":"acme","password":"pw"}`, "token", `UsernameToken Username="acme", PasswordDigest="`},
		{"/auth/aws-sigv4", "aws-sigv4", "", `{"role_arn":"arn:aws:iam::1:role/R"}`, "session_token", "mock_token_"},
		{"/oauth2/auth", "8x8", "", `{"client_id":"c","client_secret":"s"}`, "token", "mock_cc_"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			resp := webtest.PostAuth(t, srv, tc.path, tc.key, token, tc.query, tc.body)
			require.Equal(t, http.StatusOK, resp.Status, resp.Body)
			stored := webtest.ReadConnection(t, srv, tc.key, resp.JSON(t)["connectionId"].(string))
			creds := stored.JSON(t)["credentials"].(map[string]any)
			assert.True(t, strings.HasPrefix(creds[tc.field].(string), tc.prefix), creds[tc.field])
			assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, creds["expires_at"])
		})
	}
}

func TestCustomAuthSessionDefaults(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, `{"end_user":{"id":"u-9"},"tags":{"team":"blue"},"webhook_url_override":"https://hooks.example.com/n",
		"integrations_config_defaults":{"1password-scim":{"connection_config":{"domain":"scim.default.com","extra":7}}}}`)
	resp := webtest.PostAuth(t, srv, "/api-auth/api-key", "1password-scim", token, "params[domain]=scim.page.com&params[webhook_url]=https://evil.example.com", `{"apiKey":"k"}`)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	stored := webtest.ReadConnection(t, srv, "1password-scim", resp.JSON(t)["connectionId"].(string))
	assert.Contains(t, stored.Body, `"connection_config":{"domain":"scim.default.com","extra":7}`, "the session's defaults win, webhook_url is dropped")
	conn := stored.JSON(t)
	assert.Equal(t, map[string]any{"end_user_id": "u-9", "team": "blue"}, conn["tags"])
	assert.Equal(t, "https://hooks.example.com/n", conn["webhook_url_override"])
}
