package api

import (
	"net/http"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
)

// The page's authorization_params (and a session's) cannot set or remove what binds the code
// to this flow: its state, its client, its callback and its PKCE challenge. Nango lets them;
// `code_challenge: undefined` stripped PKCE, and the code then completed another flow.
func TestAuthorizationParamsCannotRebindTheFlow(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	for _, key := range []string{"state", "redirect_uri", "client_id", "response_type", "code_challenge", "code_challenge_method"} {
		for _, value := range []string{"undefined", "attacker"} {
			c := webtest.Browser(t)
			url := webtest.ConnectURL(h, "zendesk", webtest.CreateSession(t, h, webtest.DemoEndUser), "params[subdomain]=acme&authorization_params["+key+"]="+value)
			resp := webtest.Get(t, c, url, webtest.PopupHeaders)
			assert.Equal(t, http.StatusBadRequest, resp.Status, "%s=%s: %s", key, value, resp.Header.Get("Location"))
			msg := webtest.PostedMessage(t, resp.Body)
			assert.Equal(t, "invalid_authorization_params", msg["payload"].(map[string]any)["errorType"], key)
		}
	}
	defaults := `{"end_user":{"id":"u"},"integrations_config_defaults":{"zendesk":{"authorization_params":{"state":"fixed"}}}}`
	resp := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(h, "zendesk", webtest.CreateSession(t, h, defaults), "params[subdomain]=acme"), webtest.PopupHeaders)
	assert.Equal(t, http.StatusBadRequest, resp.Status, "a session's defaults neither")

	resp = webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(h, "zendesk", webtest.CreateSession(t, h, webtest.DemoEndUser), "params[subdomain]=acme&authorization_params[STATE]=x&authorization_params[login_hint]=a"), webtest.PopupHeaders)
	assert.Equal(t, http.StatusFound, resp.Status, "other keys pass, case included: %s", resp.Body)
}
