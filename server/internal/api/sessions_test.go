package api

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateSessionAuth(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	body := `{"end_user":{"id":"u"}}`
	tests := []struct {
		name       string
		header     string
		wantStatus int
		wantCode   string
	}{
		{name: "missing header", header: "", wantStatus: 401, wantCode: "missing_auth_header"},
		// HTTP trims the trailing space, leaving "Bearer" as the key (as with Nango).
		{name: "empty bearer", header: "Bearer ", wantStatus: 401, wantCode: "invalid_secret_key_format"},
		{name: "not a uuid", header: "Bearer not-a-key", wantStatus: 401, wantCode: "invalid_secret_key_format"},
		{name: "unknown key", header: "Bearer 3f2504e0-4f89-41d3-9a0c-0305e82c3301", wantStatus: 401, wantCode: "unknown_account"},
		{name: "session token is not a secret key", header: "Bearer nango_connect_session_" + strings.Repeat("a", 64), wantStatus: 401, wantCode: "invalid_secret_key_format"},
		{name: "valid key", header: "Bearer " + srv.SecretKey(), wantStatus: 201},
		{name: "key without Bearer prefix", header: srv.SecretKey(), wantStatus: 201},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{}
			if tc.header != "" {
				headers["Authorization"] = tc.header
			}
			resp := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/sessions", strings.NewReader(body), headers)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			if tc.wantCode != "" {
				errBody := resp.JSON(t)["error"].(map[string]any)
				assert.Equal(t, tc.wantCode, errBody["code"])
				assert.NotEmpty(t, errBody["message"])
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		header   string
		want     string
		wantCode string
	}{
		{name: "missing", header: "", wantCode: "missing_auth_header"},
		{name: "nothing after Bearer", header: "Bearer ", wantCode: "malformed_auth_header"},
		{name: "bearer token", header: "Bearer abc", want: "abc"},
		{name: "last Bearer wins", header: "Bearer x Bearer abc", want: "abc"},
		{name: "no prefix", header: "abc", want: "abc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodGet, "/", nil)
			require.NoError(t, err)
			r.Header["Authorization"] = []string{tc.header}
			got, apiErr := bearerToken(r)
			if tc.wantCode != "" {
				require.NotNil(t, apiErr)
				assert.Equal(t, tc.wantCode, apiErr.Code)
				return
			}
			require.Nil(t, apiErr)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCreateSessionSuccess(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	before := time.Now()
	resp := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/sessions", strings.NewReader(webtest.DemoEndUser),
		map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
	require.Equal(t, http.StatusCreated, resp.Status, resp.Body)
	data := resp.JSON(t)["data"].(map[string]any)
	token := data["token"].(string)
	assert.Regexp(t, regexp.MustCompile(`^nango_connect_session_[a-f0-9]{64}$`), token)
	assert.Equal(t, srv.APIURL()+"/connect/?session_token="+token, data["connect_link"])
	expires, err := time.Parse(time.RFC3339, data["expires_at"].(string))
	require.NoError(t, err)
	assert.WithinDuration(t, before.Add(30*time.Minute), expires, 5*time.Second)

	// The token is reusable: it reads its session as often as needed, until deleted.
	for range 2 {
		got := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
		require.Equal(t, http.StatusOK, got.Status, got.Body)
		session := got.JSON(t)["data"].(map[string]any)
		assert.Equal(t, map[string]any{"id": "user-1", "email": "jane@example.com", "display_name": "Jane", "tags": nil,
			"organization": map[string]any{"id": "org-1", "display_name": "Acme"}}, session["endUser"])
		assert.Contains(t, session, "connectUISettings")
	}
	del := webtest.Do(t, http.DefaultClient, http.MethodDelete, srv.APIURL()+"/connect/session", nil, map[string]string{"Authorization": "Bearer " + token})
	assert.Equal(t, http.StatusNoContent, del.Status)
	gone := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
	assert.Equal(t, http.StatusUnauthorized, gone.Status)
	assert.Contains(t, gone.Body, "unknown_connect_session_token")
}

func TestCreateSessionValidation(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	tests := []struct {
		name      string
		query     string
		body      string
		wantCode  string
		wantError web.FieldError
	}{
		{name: "no end user and no tags", body: `{}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "invalid_type", Message: "Invalid input: expected object, received undefined", Path: []any{"end_user"}}},
		{name: "unknown top-level key", body: `{"end_user":{"id":"u"},"colour":"red"}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "unrecognized_keys", Message: `Unrecognized key: "colour"`, Path: []any{}}},
		{name: "end user id empty", body: `{"end_user":{"id":""}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "too_small", Message: "Too small: expected string to have >=1 characters", Path: []any{"end_user", "id"}}},
		{name: "end user email invalid", body: `{"end_user":{"id":"u","email":"not-an-email"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "invalid_format", Message: "Invalid email address", Path: []any{"end_user", "email"}}},
		{name: "end user id too long", body: `{"end_user":{"id":"` + strings.Repeat("x", 256) + `"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "too_big", Message: "Too big: expected string to have <=255 characters", Path: []any{"end_user", "id"}}},
		{name: "organization without id", body: `{"end_user":{"id":"u"},"organization":{"display_name":"x"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "invalid_type", Message: "Invalid input: expected string, received undefined", Path: []any{"organization", "id"}}},
		{name: "allowed integrations not an array", body: `{"end_user":{"id":"u"},"allowed_integrations":"zendesk"}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "invalid_type", Message: "Invalid input: expected array, received string", Path: []any{"allowed_integrations"}}},
		{name: "unknown allowed integration", body: `{"end_user":{"id":"u"},"allowed_integrations":["zendesk","nope"]}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "custom", Message: "Integration does not exist", Path: []any{"allowed_integrations", float64(1)}}},
		{name: "unknown integration in defaults", body: `{"end_user":{"id":"u"},"integrations_config_defaults":{"nope":{}}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "custom", Message: "Integration does not exist", Path: []any{"integrations_config_defaults", "nope"}}},
		{name: "unknown integration in overrides", body: `{"end_user":{"id":"u"},"overrides":{"nope":{"docs_connect":"https://docs.example.com"}}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "custom", Message: "Integration does not exist", Path: []any{"overrides", "nope"}}},
		{name: "defaults are strict", body: `{"end_user":{"id":"u"},"integrations_config_defaults":{"zendesk":{"scopes":"x"}}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "unrecognized_keys", Message: `Unrecognized key: "scopes"`, Path: []any{"integrations_config_defaults", "zendesk"}}},
		{name: "scopes override must be a string", body: `{"end_user":{"id":"u"},"integrations_config_defaults":{"zendesk":{"connection_config":{"oauth_scopes_override":["a"]}}}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "invalid_type", Message: "Invalid input: expected string, received array", Path: []any{"integrations_config_defaults", "zendesk", "connection_config", "oauth_scopes_override"}}},
		{name: "docs_connect must be a URL", body: `{"end_user":{"id":"u"},"overrides":{"zendesk":{"docs_connect":"nope"}}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "invalid_format", Message: "Invalid URL", Path: []any{"overrides", "zendesk", "docs_connect"}}},
		{name: "webhook override to nango.dev", body: `{"end_user":{"id":"u"},"webhook_url_override":"https://api.nango.dev/hook"}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "custom", Message: "Webhook URL override cannot point to nango.dev", Path: []any{"webhook_url_override"}}},
		{name: "query string", query: "?x=1", body: `{"end_user":{"id":"u"}}`, wantCode: "invalid_query_params",
			wantError: web.FieldError{Code: "unrecognized_keys", Message: `Unrecognized key: "x"`, Path: []any{}}},
		{name: "query keys in order", query: "?zeta=1&alpha=2&mid=3", body: `{"end_user":{"id":"u"}}`, wantCode: "invalid_query_params",
			wantError: web.FieldError{Code: "unrecognized_keys", Message: `Unrecognized keys: "alpha", "mid", "zeta"`, Path: []any{}}},
		{name: "tag key must start with a letter", body: `{"tags":{"1abc":"v"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "invalid_key", Message: "Tag keys must start with a letter and contain only alphanumerics, underscores, hyphens, periods, or slashes", Path: []any{"tags", "1abc"}}},
		{name: "tag key too long", body: `{"tags":{"k` + strings.Repeat("x", 64) + `":"v"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "invalid_key", Message: "Tag keys must be at most 64 characters", Path: []any{"tags", "k" + strings.Repeat("x", 64)}}},
		{name: "tag value empty", body: `{"tags":{"k":""}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "too_small", Message: "Too small: expected string to have >=1 characters", Path: []any{"tags", "k"}}},
		{name: "tag value too long", body: `{"tags":{"k":"` + strings.Repeat("v", 256) + `"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "too_big", Message: "Tag values must be at most 255 characters", Path: []any{"tags", "k"}}},
		{name: "more than ten tags", body: `{"tags":{"a":"1","b":"1","c":"1","d":"1","e":"1","f":"1","g":"1","h":"1","i":"1","j":"1","k":"1"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "custom", Message: "Tags cannot contain more than 10 keys", Path: []any{"tags"}}},
		{name: "tag keys colliding once lowercased", body: `{"tags":{"Team":"a","team":"b"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "custom", Message: `Duplicate tag key after case normalization: "team"`, Path: []any{"tags"}}},
		{name: "end_user_email tag must be an email", body: `{"tags":{"end_user_email":"nope"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "custom", Message: `Tag "end_user_email" must be a valid email`, Path: []any{"tags"}}},
		{name: "generated and body tags over ten", body: `{"end_user":{"id":"u","email":"u@example.com","display_name":"U"},"organization":{"id":"o","display_name":"O"},"tags":{"a":"1","b":"1","c":"1","d":"1","e":"1","f":"1"}}`, wantCode: "invalid_body",
			wantError: web.FieldError{Code: "custom", Message: "Tags cannot contain more than 10 keys", Path: []any{"tags"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/sessions"+tc.query, strings.NewReader(tc.body),
				map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
			require.Equal(t, http.StatusBadRequest, resp.Status, resp.Body)
			errBody := resp.JSON(t)["error"].(map[string]any)
			assert.Equal(t, tc.wantCode, errBody["code"])
			require.NotEmpty(t, errBody["errors"], resp.Body)
			want := map[string]any{"code": tc.wantError.Code, "message": tc.wantError.Message, "path": tc.wantError.Path}
			assert.Contains(t, errBody["errors"], want, resp.Body)
		})
	}
}

func TestSessionTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want map[string]string
	}{
		{name: "generated from end user and organization", body: webtest.DemoEndUser,
			want: map[string]string{"end_user_id": "user-1", "end_user_email": "jane@example.com", "end_user_display_name": "Jane", "organization_id": "org-1", "organization_display_name": "Acme", "plan": "pro"}},
		{name: "end user tags kept when the total stays within ten", body: `{"end_user":{"id":"u","tags":{"Region":"eu","bad key":"x"}}}`,
			want: map[string]string{"end_user_id": "u", "region": "eu"}},
		{name: "end user tags dropped when the total passes ten", body: `{"end_user":{"id":"u","tags":{"a":"1","b":"1","c":"1","d":"1","e":"1","f":"1","g":"1","h":"1","i":"1","j":"1"}}}`,
			want: map[string]string{"end_user_id": "u"}},
		{name: "body tags win and are lowercased", body: `{"end_user":{"id":"u"},"tags":{"END_USER_ID":"override","Team":"core"}}`,
			want: map[string]string{"end_user_id": "override", "team": "core"}},
		{name: "tags without an end user", body: `{"tags":{"end_user_email":"jo@example.com"}}`,
			want: map[string]string{"end_user_email": "jo@example.com"}},
	}
	srv := startAPI(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			token := webtest.CreateSession(t, srv, tc.body)
			sess, ok, _ := srv.store.Session(token, time.Now())
			require.True(t, ok)
			assert.Equal(t, tc.want, sess.Tags)
		})
	}
}

func TestSessionTokenAuth(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	tests := []struct {
		name       string
		header     string
		wantStatus int
		wantCode   string
	}{
		{name: "missing", header: "", wantStatus: 401, wantCode: "missing_auth_header"},
		{name: "bad format", header: "Bearer nango_connect_session_xyz", wantStatus: 401, wantCode: "invalid_connect_session_token_format"},
		{name: "unknown", header: "Bearer nango_connect_session_" + strings.Repeat("0", 64), wantStatus: 401, wantCode: "unknown_connect_session_token"},
		{name: "valid", header: "Bearer " + token, wantStatus: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{}
			if tc.header != "" {
				headers["Authorization"] = tc.header
			}
			resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+"/connect/session", headers)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			if tc.wantCode != "" {
				assert.Equal(t, tc.wantCode, resp.JSON(t)["error"].(map[string]any)["code"])
			}
		})
	}
}

func TestExpiredSession(t *testing.T) {
	t.Parallel()
	srv := startAPI(t)
	token := webtest.CreateSession(t, srv, webtest.DemoEndUser)
	_, ok, _ := srv.store.Session(token, time.Now().Add(29*time.Minute))
	assert.True(t, ok)
	_, ok, _ = srv.store.Session(token, time.Now().Add(31*time.Minute))
	assert.False(t, ok, "a session is unknown once its 30 minutes are over")
}
