package api

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListConnections(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	ada := connectUnauthenticated(t, srv, `{"end_user":{"id":"ada","email":"ada@example.com","display_name":"Ada Lovelace"},"organization":{"id":"org-1"},"tags":{"Team":"core"}}`)
	bob := connectUnauthenticated(t, srv, `{"end_user":{"id":"bob","display_name":"Bob"},"tags":{"team":"growth"}}`)
	auth := map[string]string{"Authorization": "Bearer " + srv.SecretKey()}
	list := func(t *testing.T, query string) []map[string]any {
		t.Helper()
		resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connections?"+query, auth)
		require.Equal(t, http.StatusOK, resp.Status, resp.Body)
		var out []map[string]any
		for _, c := range resp.JSON(t)["connections"].([]any) {
			out = append(out, c.(map[string]any))
		}
		return out
	}
	ids := func(list []map[string]any) []string {
		var out []string
		for _, c := range list {
			out = append(out, c["connection_id"].(string))
		}
		return out
	}

	all := list(t, "")
	require.Len(t, all, 2)
	assert.Equal(t, []string{bob, ada}, ids(all), "newest first")
	first := all[1]
	assert.ElementsMatch(t, []string{"id", "connection_id", "provider_config_key", "provider", "errors", "end_user", "tags", "metadata", "created"}, keys(first),
		"Nango's ApiPublicConnection: no connection_config, no credentials")
	assert.Regexp(t, regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`), first["created"])
	assert.Equal(t, "unauthenticated", first["provider_config_key"])
	assert.Equal(t, "core", first["tags"].(map[string]any)["team"], "tag keys are lowercased")
	assert.Equal(t, "org-1", first["end_user"].(map[string]any)["organization"].(map[string]any)["id"])

	tests := []struct{ query, want string }{
		{"connectionId=" + ada, ada},
		{"search=LOVELACE", ada},
		{"search=" + bob[:8], bob},
		{"endUserId=bob", bob},
		{"endUserOrganizationId=org-1", ada},
		{"integrationId=github,+unauthenticated&tags%5BTEAM%5D=growth", bob},
		{"tags[team]=core", ada},
		{"limit=1&page=1", ada},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			assert.Equal(t, []string{tc.want}, ids(list(t, tc.query)))
		})
	}
	assert.Empty(t, list(t, "integrationId=github"))
	assert.Empty(t, list(t, "limit=5&page=3"))
}

func TestListConnectionsErrors(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	auth := map[string]string{"Authorization": "Bearer " + srv.SecretKey()}
	tests := []struct {
		query    string
		wantPath []any
		wantMsg  string
	}{
		{"foo=1", []any{}, `Unrecognized key: "foo"`},
		{"limit=0", []any{"limit"}, "Too small: expected number to be >=1"},
		{"limit=2001", []any{"limit"}, "Too big: expected number to be <=2000"},
		{"limit=abc", []any{"limit"}, "Invalid input: expected number, received NaN"},
		{"page=-1", []any{"page"}, "Too small: expected number to be >=0"},
		{"connectionId=", []any{"connectionId"}, "Too small: expected string to have >=1 characters"},
		{"endUserId=a&endUserId=b", []any{"endUserId"}, "Invalid input: expected string, received array"},
		{"tags[1bad]=x", []any{"tags", "1bad"}, "Tag keys must start with a letter and contain only alphanumerics, underscores, hyphens, periods, or slashes"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connection?"+tc.query, auth)
			require.Equal(t, http.StatusBadRequest, resp.Status, resp.Body)
			e := resp.Envelope(t)
			assert.Equal(t, "invalid_query_params", e["code"])
			issue := e["errors"].([]any)[0].(map[string]any)
			assert.Equal(t, tc.wantPath, issue["path"])
			assert.Equal(t, tc.wantMsg, issue["message"])
		})
	}
	resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connections", nil)
	assert.Equal(t, http.StatusUnauthorized, resp.Status)
}

func TestDeleteConnection(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	id := connectUnauthenticated(t, srv, webtest.DemoEndUser)
	auth := map[string]string{"Authorization": "Bearer " + srv.SecretKey()}
	del := func(path string) webtest.Response {
		return webtest.Do(t, http.DefaultClient, http.MethodDelete, srv.APIURL()+path, nil, auth)
	}
	resp := del("/connection/" + url.PathEscape(id))
	require.Equal(t, http.StatusBadRequest, resp.Status)
	assert.Equal(t, "invalid_query_params", resp.Envelope(t)["code"])
	resp = del("/connection/" + url.PathEscape(id) + "?provider_config_key=unauthenticated&x=1&b=2")
	assert.Equal(t, "invalid_query_params", resp.Envelope(t)["code"])
	assert.Equal(t, []any{map[string]any{"code": "unrecognized_keys", "message": `Unrecognized keys: "b", "x"`, "path": []any{}}}, resp.Envelope(t)["errors"])

	resp = del("/connections/" + url.PathEscape(id) + "?provider_config_key=unauthenticated")
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	assert.JSONEq(t, `{"success":true}`, resp.Body)
	assert.Equal(t, http.StatusNotFound, webtest.ReadConnection(t, srv, "unauthenticated", id).Status)

	resp = del("/connection/" + url.PathEscape(id) + "?provider_config_key=unauthenticated")
	require.Equal(t, http.StatusBadRequest, resp.Status)
	assert.Equal(t, "unknown_connection", resp.Envelope(t)["code"])
	resp = webtest.Do(t, http.DefaultClient, http.MethodDelete, srv.APIURL()+"/connection/x?provider_config_key=unauthenticated", nil, nil)
	assert.Equal(t, http.StatusUnauthorized, resp.Status)
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
