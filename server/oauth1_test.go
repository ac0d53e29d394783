package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trello (auth_mode OAUTH1) through the whole dev server: /oauth/connect fetches a signed
// request token and sends the popup to the authorize page, whose query is what Nango sends
// Trello; the callback trades token and verifier for the access token, and the connection
// holds Nango's OAUTH1 credentials.
func TestOAuth1FullFlow(t *testing.T) {
	t.Parallel()
	rcv, got, _ := webhookReceiver(t, ok200)
	srv := startWithWebhook(t, WebhookConfig{URL: rcv.URL})
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	c := webtest.Browser(t)

	resp := webtest.Get(t, c, webtest.ConnectURL(srv, "trello", token, "params%5Boauth_scopes_override%5D=read%2Cwrite&authorization_params%5Bignored%5D=x"), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, resp.Status, resp.Body)
	authorize, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, srv.ProviderURL()+"/oauth/authorize-token/https/trello.com/1/OAuthAuthorizeToken", authorize.Scheme+"://"+authorize.Host+authorize.Path)
	q := authorize.Query()
	assert.Regexp(t, `^oauth_token=mock_request_token_[0-9a-f]+&scope=read%2Cwrite&expiration=never&oauth_callback=`, authorize.RawQuery,
		"Nango's order: oauth_token, scope (joined with the provider's separator), the template params, oauth_callback")
	assert.Equal(t, srv.APIURL()+"/oauth/callback", strings.Split(q.Get("oauth_callback"), "?")[0])
	assert.False(t, q.Has("ignored"), "the request's authorization_params are not sent, as in Nango")

	page := webtest.Get(t, c, authorize.String(), nil)
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	assert.Contains(t, page.Body, `id="approve"`)
	assert.Contains(t, page.Body, `<code id="integration">trello</code>`)
	assert.Contains(t, page.Body, `<code id="scopes">read,write</code>`)
	callback := webtest.Decide(t, c, authorize.String(), page, "approve").Header.Get("Location")
	back, err := url.Parse(callback)
	require.NoError(t, err)
	assert.NotEmpty(t, back.Query().Get("state"))
	assert.NotEmpty(t, back.Query().Get("oauth_verifier"))

	done := webtest.Get(t, c, callback, nil)
	require.Equal(t, http.StatusOK, done.Status, done.Body)
	msg := webtest.PostedMessage(t, done.Body)
	require.Equal(t, "nango_oauth_callback_success", msg["type"], done.Body)
	id := msg["payload"].(map[string]any)["connectionId"].(string)

	conn := webtest.ReadConnection(t, srv, "trello", id)
	require.Equal(t, http.StatusOK, conn.Status, conn.Body)
	stored := conn.JSON(t)
	creds := stored["credentials"].(map[string]any)
	assert.Equal(t, "OAUTH1", creds["type"])
	assert.Regexp(t, `^mock_oauth1_token_[0-9a-f]+$`, creds["oauth_token"])
	assert.Regexp(t, `^mock_oauth1_secret_[0-9a-f]+$`, creds["oauth_token_secret"])
	assert.Equal(t, map[string]any{"oauth_token": creds["oauth_token"], "oauth_token_secret": creds["oauth_token_secret"]}, creds["raw"])
	assert.Equal(t, map[string]any{"oauth_scopes_override": []any{"read", "write"}}, stored["connection_config"])

	hook := (<-got).Body
	assert.Equal(t, "OAUTH1", hook["authMode"])
	assert.Equal(t, "creation", hook["operation"])
	assert.Equal(t, true, hook["success"])
}

// failedTrelloFlow runs a trello popup that fails at or after the authorize page, and returns
// the server and the callback page's error payload.
func failedTrelloFlow(t *testing.T, query, decision string) (*Server, map[string]any) {
	t.Helper()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "trello", token, query), decision)
	require.Equal(t, http.StatusBadRequest, page.Status)
	return srv, webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)
}

// Deny at the authorize page: Nango's OAuth1 callback error, on the page as on the WebSocket.
func TestOAuth1Deny(t *testing.T) {
	t.Parallel()
	_, payload := failedTrelloFlow(t, "", "deny")
	assert.Equal(t, "callback_err", payload["errorType"])
	assert.Equal(t, "Did not get oauth_token and/or oauth_verifier in the callback.", payload["message"])
	assert.NotContains(t, payload, "providerError")
}

// A failing access-token endpoint (the token_500 fault, carried by the authorize query as for
// OAuth2) fails the flow with unknown_err and stores nothing.
func TestOAuth1AccessTokenFailure(t *testing.T) {
	t.Parallel()
	srv, payload := failedTrelloFlow(t, "authorization_params%5Bnango_dev_fault%5D=token_500", "approve")
	assert.Equal(t, "unknown_err", payload["errorType"])
	assert.Contains(t, payload["message"], "invalid status 500")
	list := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connections?integrationId=trello", map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
	assert.JSONEq(t, `{"connections":[]}`, list.Body)
}
