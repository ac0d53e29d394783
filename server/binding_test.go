package server

import (
	"net/http"
	"testing"

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
	token := createSession(t, srv, demoEndUser)

	t.Run("success", func(t *testing.T) {
		conn, id := dialSDKSocket(t, srv)
		page := runFlow(t, srv, browser(t), connectURL(srv, "zendesk", token, "nango_wasm_nonce="+testNonce+"&params%5Bsubdomain%5D=acme&ws_client_id="+id), "approve")
		require.Equal(t, http.StatusOK, page.status, page.body)
		assert.Equal(t, testNonce, postedMessage(t, page.body)["payload"].(map[string]any)["nonce"])
		assert.Equal(t, testNonce, readFrame(t, conn)["nonce"])
	})
	t.Run("failure at the provider", func(t *testing.T) {
		conn, id := dialSDKSocket(t, srv)
		page := runFlow(t, srv, browser(t), connectURL(srv, "github", token, "nango_wasm_nonce="+testNonce+"&ws_client_id="+id), "deny")
		require.Equal(t, http.StatusBadRequest, page.status, page.body)
		assert.Equal(t, testNonce, postedMessage(t, page.body)["payload"].(map[string]any)["nonce"])
		frame := readFrame(t, conn)
		assert.Equal(t, "error", frame["message_type"])
		assert.Equal(t, testNonce, frame["nonce"])
	})
	t.Run("failure before the provider", func(t *testing.T) {
		page := get(t, browser(t), connectURL(srv, "zendesk", token, "nango_wasm_nonce="+testNonce), popupHeaders)
		require.Equal(t, http.StatusBadRequest, page.status, page.body)
		payload := postedMessage(t, page.body)["payload"].(map[string]any)
		assert.Equal(t, "url_param_err", payload["errorType"])
		assert.Equal(t, testNonce, payload["nonce"])
	})
	t.Run("other SDKs send none and get Nango's messages", func(t *testing.T) {
		page := runFlow(t, srv, browser(t), connectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme"), "approve")
		require.Equal(t, http.StatusOK, page.status, page.body)
		assert.NotContains(t, postedMessage(t, page.body)["payload"], "nonce")
	})
	t.Run("a malformed nonce is refused", func(t *testing.T) {
		resp := get(t, browser(t), connectURL(srv, "zendesk", token, "nango_wasm_nonce=short"), nil)
		require.Equal(t, http.StatusBadRequest, resp.status, resp.body)
		assert.JSONEq(t, `{"error":{"code":"invalid_query_params","errors":[{"code":"invalid_string","message":"nango_wasm_nonce must be 16 to 128 characters among A-Z, a-z, 0-9, - and _","path":["nango_wasm_nonce"]}]}}`, resp.body)
	})
}

// A page inside the popup can send it, without a Referer, to another flow: the callback page of
// that flow must not post its result to '*', where whatever page opened the popup would read it.
func TestResultIsNeverPostedToAnyOrigin(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := createSession(t, srv, demoEndUser)
	noReferer := map[string]string{"Sec-Fetch-Dest": "document"}

	c := browser(t)
	resp := get(t, c, connectURL(srv, "zendesk", token, "params%5Bsubdomain%5D=acme"), noReferer)
	require.Equal(t, http.StatusFound, resp.status, resp.body)
	page := get(t, c, decideAtProvider(t, c, resp.header.Get("Location"), "approve"), nil)
	require.Equal(t, http.StatusOK, page.status, page.body)
	assert.Contains(t, page.body, `var targetOrigin = "";`)
	assert.Contains(t, page.body, `if (window.opener && targetOrigin) { window.opener.postMessage(message, targetOrigin); }`)
	assert.NotContains(t, page.body, `"*"`)

	forged := get(t, browser(t), srv.APIURL()+"/oauth/callback?state=forged", nil)
	require.Equal(t, http.StatusBadRequest, forged.status)
	assert.Contains(t, forged.body, `var targetOrigin = "";`)

	early := get(t, browser(t), connectURL(srv, "zendesk", "nango_connect_session_unknown", ""), noReferer)
	assert.Contains(t, early.body, `var targetOrigin = "";`)
}
