package api

import (
	"net/http"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// GET /providers, as Nango's getPublicProviders: the whole catalog (a session sees it all,
// whatever it allows), or a case-insensitive search on the name; a strict query.
func TestListProviders(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	narrow := webtest.CreateSession(t, srv, `{"end_user":{"id":"u"},"allowed_integrations":["github"]}`)
	list := func(t *testing.T, auth, query string) webtest.Response {
		t.Helper()
		return webtest.Get(t, http.DefaultClient, srv.APIURL()+"/providers"+query, map[string]string{"Authorization": "Bearer " + auth})
	}
	names := func(t *testing.T, resp webtest.Response) []string {
		t.Helper()
		require.Equal(t, http.StatusOK, resp.Status, resp.Body)
		var out []string
		for _, item := range resp.JSON(t)["data"].([]any) {
			out = append(out, item.(map[string]any)["name"].(string))
		}
		return out
	}

	all := names(t, list(t, narrow, ""))
	assert.Len(t, all, 26, "every catalog entry, not only the session's integrations")
	assert.Contains(t, all, "trello")
	assert.Equal(t, []string{"google", "google-calendar"}, names(t, list(t, srv.SecretKey(), "?search=GOOG")))
	assert.Equal(t, []string{"trello"}, names(t, list(t, srv.SecretKey(), "?search=tr.llo")), "search is a regular expression, as Nango's")

	resp := list(t, srv.SecretKey(), "?search=trello")
	require.Equal(t, http.StatusOK, resp.Status)
	trello := resp.JSON(t)["data"].([]any)[0].(map[string]any)
	assert.Equal(t, "Trello", trello["display_name"])
	assert.Equal(t, "OAUTH1", trello["auth_mode"])
	assert.Equal(t, srv.APIURL()+"/images/template-logos/trello.svg", trello["logo_url"])
	single := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/providers/trello", map[string]string{"Authorization": "Bearer " + narrow})
	assert.Equal(t, trello, single.JSON(t)["data"], "the list shows each entry as GET /providers/{provider} does")

	bad := list(t, srv.SecretKey(), "?search=a(b")
	assert.Equal(t, http.StatusBadRequest, bad.Status)
	assert.Equal(t, "invalid_query_params", bad.Envelope(t)["code"])
	unknown := list(t, srv.SecretKey(), "?q=x")
	assert.Equal(t, http.StatusBadRequest, unknown.Status)
	assert.Contains(t, unknown.Body, `Unrecognized key: \"q\"`)
	assert.Equal(t, http.StatusUnauthorized, list(t, "", "").Status)
}
