package api

import (
	"net/http"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIntegrationsAndProviders(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	narrow := webtest.CreateSession(t, srv, `{"end_user":{"id":"u"},"allowed_integrations":["zendesk","github"]}`)
	tests := []struct {
		name string
		auth string
		want []string
	}{
		{name: "secret key sees all", auth: srv.SecretKey(), want: []string{"1password-scim", "3cx", "8x8", "ashby", "aws-sigv4", "bill", "emarsys", "ghost-admin", "github", "google", "google-calendar", "hubspot",
			"intercom", "jira", "linear", "netsuite", "netsuite-tba", "notion", "salesforce", "sendgrid", "sentry-oauth", "shopify", "slack", "trello", "unauthenticated", "zendesk"}},
		{name: "session sees its allowed integrations", auth: narrow, want: []string{"github", "zendesk"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/integrations", map[string]string{"Authorization": "Bearer " + tc.auth})
			require.Equal(t, http.StatusOK, resp.Status, resp.Body)
			var keys []string
			for _, item := range resp.JSON(t)["data"].([]any) {
				in := item.(map[string]any)
				keys = append(keys, in["unique_key"].(string))
				assert.NotEmpty(t, in["display_name"])
				assert.Equal(t, srv.APIURL()+"/images/template-logos/"+in["provider"].(string)+".svg", in["logo"])
			}
			assert.Equal(t, tc.want, keys)
		})
	}

	resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/providers/zendesk", map[string]string{"Authorization": "Bearer " + narrow})
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	data := resp.JSON(t)["data"].(map[string]any)
	assert.Equal(t, "zendesk", data["name"])
	assert.Equal(t, "Zendesk", data["display_name"])
	assert.Equal(t, "https://${connectionConfig.subdomain}.zendesk.com/oauth/authorizations/new", data["authorization_url"])
	field := data["connection_config"].(map[string]any)["subdomain"].(map[string]any)
	assert.Equal(t, "^[a-z0-9_-]+$", field["pattern"])

	missing := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/providers/nope", map[string]string{"Authorization": "Bearer " + narrow})
	assert.Equal(t, http.StatusNotFound, missing.Status)
	noAuth := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/integrations", nil)
	assert.Equal(t, http.StatusUnauthorized, noAuth.Status)

	logo := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/images/template-logos/zendesk.svg", nil)
	assert.Equal(t, http.StatusOK, logo.Status)
	assert.Equal(t, "image/svg+xml", logo.Header.Get("Content-Type"))
}
