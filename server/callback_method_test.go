package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A HEAD of the callback URL (a link prefetcher, curl -I) completes nothing: it answers 405,
// stores no connection, and leaves the user's GET to complete the flow.
func TestHeadOfTheCallbackCompletesNothing(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	c := webtest.Browser(t)
	connect := webtest.Get(t, c, webtest.ConnectURL(srv, "zendesk", webtest.CreateSession(t, srv, webtest.DemoEndUser), "params[subdomain]=acme"), webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, connect.Status, connect.Body)
	callback := webtest.DecideAtProvider(t, c, connect.Header.Get("Location"), "approve")
	require.True(t, strings.HasPrefix(callback, srv.APIURL()+"/oauth/callback?"), callback)

	head := webtest.Do(t, c, http.MethodHead, callback, nil, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, head.Status)
	assert.Equal(t, "GET", head.Header.Get("Allow"))
	list := webtest.Get(t, c, srv.APIURL()+"/connections", map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
	require.Equal(t, http.StatusOK, list.Status, list.Body)
	assert.Empty(t, list.JSON(t)["connections"], "the HEAD stored no connection")

	page := webtest.Get(t, c, callback, nil)
	assert.Equal(t, "nango_oauth_callback_success", webtest.PostedMessage(t, page.Body)["type"], "the user's GET still completes the flow: %s", page.Body)
}
