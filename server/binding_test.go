package server

import (
	"net/http"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testNonce = "0123456789abcdef0123456789abcdef"

// The SDK's per-call nonce is kept with the flow and echoed in every message about it, on the
// callback page and on the WebSocket, success or failure: it is how the SDK tells its own result
// from that of another flow the popup was navigated to.
func TestNonceIsEchoedInEveryMessageOfTheFlow(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)

	t.Run("success", func(t *testing.T) {
		conn, id := webtest.DialSDKSocket(t, srv, "/")
		page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "nango_wasm_nonce="+testNonce+"&params%5Bsubdomain%5D=acme&ws_client_id="+id), "approve")
		require.Equal(t, http.StatusOK, page.Status, page.Body)
		assert.Equal(t, testNonce, webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["nonce"])
		assert.Equal(t, testNonce, webtest.ReadFrame(t, conn)["nonce"])
	})
	t.Run("failure at the provider", func(t *testing.T) {
		conn, id := webtest.DialSDKSocket(t, srv, "/")
		page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "github", token, "nango_wasm_nonce="+testNonce+"&ws_client_id="+id), "deny")
		require.Equal(t, http.StatusBadRequest, page.Status, page.Body)
		assert.Equal(t, testNonce, webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)["nonce"])
		frame := webtest.ReadFrame(t, conn)
		assert.Equal(t, "error", frame["message_type"])
		assert.Equal(t, testNonce, frame["nonce"])
	})
	t.Run("failure before the provider", func(t *testing.T) {
		page := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "nango_wasm_nonce="+testNonce), webtest.PopupHeaders)
		require.Equal(t, http.StatusBadRequest, page.Status, page.Body)
		payload := webtest.PostedMessage(t, page.Body)["payload"].(map[string]any)
		assert.Equal(t, "url_param_err", payload["errorType"])
		assert.Equal(t, testNonce, payload["nonce"])
	})
	t.Run("other SDKs send none and get Nango's messages", func(t *testing.T) {
		page := runFlow(t, srv, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme"), "approve")
		require.Equal(t, http.StatusOK, page.Status, page.Body)
		assert.NotContains(t, webtest.PostedMessage(t, page.Body)["payload"], "nonce")
	})
	t.Run("a malformed nonce is refused", func(t *testing.T) {
		resp := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", token, "nango_wasm_nonce=short"), nil)
		require.Equal(t, http.StatusBadRequest, resp.Status, resp.Body)
		assert.JSONEq(t, `{"error":{"code":"invalid_query_params","errors":[{"code":"invalid_string","message":"nango_wasm_nonce must be 16 to 128 characters among A-Z, a-z, 0-9, - and _","path":["nango_wasm_nonce"]}]}}`, resp.Body)
	})
}

// A page inside the popup can send it, without a Referer, to another flow: the callback page of
// that flow must not post its result to '*', where whatever page opened the popup would read it.
func TestResultIsNeverPostedToAnyOrigin(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	noReferer := map[string]string{"Sec-Fetch-Dest": "document"}

	c := webtest.Browser(t)
	resp := webtest.Get(t, c, webtest.ConnectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme"), noReferer)
	require.Equal(t, http.StatusFound, resp.Status, resp.Body)
	page := webtest.Get(t, c, webtest.DecideAtProvider(t, c, resp.Header.Get("Location"), "approve"), nil)
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	assert.Contains(t, page.Body, `var targetOrigin = "";`)
	assert.Contains(t, page.Body, `if (window.opener && targetOrigin) { window.opener.postMessage(message, targetOrigin); }`)
	assert.NotContains(t, page.Body, `"*"`)

	forged := webtest.Get(t, webtest.Browser(t), srv.APIURL()+"/oauth/callback?state=forged", nil)
	require.Equal(t, http.StatusBadRequest, forged.Status)
	assert.Contains(t, forged.Body, `var targetOrigin = "";`)

	early := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(srv, "zendesk", "nango_connect_session_unknown", ""), noReferer)
	assert.Contains(t, early.Body, `var targetOrigin = "";`)
}
