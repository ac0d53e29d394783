package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetConnectionErrors(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	auth := map[string]string{"Authorization": "Bearer " + srv.SecretKey()}
	tests := []struct {
		name       string
		path       string
		headers    map[string]string
		wantStatus int
		wantCode   string
		wantMsg    string
		wantErrors []any
	}{
		{name: "no secret key", path: "/connection/abc?provider_config_key=zendesk", wantStatus: 401, wantCode: "missing_auth_header"},
		{name: "session token instead of secret key", path: "/connection/abc?provider_config_key=zendesk",
			headers: map[string]string{"Authorization": "Bearer " + createSession(t, srv, webtest.DemoEndUser)}, wantStatus: 401, wantCode: "invalid_secret_key_format"},
		{name: "missing provider_config_key", path: "/connection/abc", headers: auth, wantStatus: 400, wantCode: "invalid_query_params",
			wantErrors: []any{map[string]any{"code": "invalid_type", "message": "Invalid input: expected string, received undefined", "path": []any{"provider_config_key"}}}},
		{name: "unknown query keys", path: "/connection/abc?provider_config_key=zendesk&foo=1&bar=2&refresh_token=true", headers: auth, wantStatus: 400, wantCode: "invalid_query_params",
			wantErrors: []any{map[string]any{"code": "unrecognized_keys", "message": `Unrecognized keys: "bar", "foo"`, "path": []any{}}}},
		{name: "unknown query key and no provider_config_key", path: "/connection/abc?foo=1", headers: auth, wantStatus: 400, wantCode: "invalid_query_params",
			wantErrors: []any{
				map[string]any{"code": "unrecognized_keys", "message": `Unrecognized key: "foo"`, "path": []any{}},
				map[string]any{"code": "invalid_type", "message": "Invalid input: expected string, received undefined", "path": []any{"provider_config_key"}},
			}},
		{name: "unknown integration", path: "/connection/abc?provider_config_key=nope", headers: auth, wantStatus: 400, wantCode: "unknown_provider_config", wantMsg: "Provider does not exists"},
		{name: "unknown connection", path: "/connection/abc?provider_config_key=zendesk", headers: auth, wantStatus: 404, wantCode: "not_found", wantMsg: "Failed to find connection"},
		{name: "unknown connection, plural alias", path: "/connections/abc?provider_config_key=zendesk", headers: auth, wantStatus: 404, wantCode: "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := webtest.Get(t, http.DefaultClient, srv.APIURL()+tc.path, tc.headers)
			require.Equal(t, tc.wantStatus, resp.Status, resp.Body)
			errBody := resp.JSON(t)["error"].(map[string]any)
			assert.Equal(t, tc.wantCode, errBody["code"])
			if tc.wantMsg != "" {
				assert.Equal(t, tc.wantMsg, errBody["message"])
			}
			if tc.wantErrors != nil {
				assert.Equal(t, tc.wantErrors, errBody["errors"])
			}
		})
	}
}

func TestStoreUpsertKeepsIdentity(t *testing.T) {
	t.Parallel()
	s := newStore()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	first, created, err := s.upsertConnection(&connection{ConnectionID: "c", ProviderConfigKey: "zendesk", Credentials: oauth2Credentials{AccessToken: "one"}}, t0)
	require.NoError(t, err)
	assert.True(t, created)
	other, _, _ := s.upsertConnection(&connection{ConnectionID: "c", ProviderConfigKey: "github"}, t0)
	second, created, _ := s.upsertConnection(&connection{ConnectionID: "c", ProviderConfigKey: "zendesk", Credentials: oauth2Credentials{AccessToken: "two"}}, t0.Add(time.Hour))
	assert.False(t, created, "the same pair is an override")
	assert.Equal(t, first.ID, second.ID)
	assert.NotEqual(t, first.ID, other.ID)
	assert.Equal(t, t0, second.CreatedAt)
	assert.Equal(t, t0.Add(time.Hour), second.UpdatedAt)
	got, ok, _ := s.fetchConnection("zendesk", "c", t0.Add(2*time.Hour))
	require.True(t, ok)
	assert.Equal(t, "two", got.Credentials.(oauth2Credentials).AccessToken)
	require.NotNil(t, got.LastFetchedAt)
	assert.Equal(t, "2026-01-02T05:04:05.000+00:00", nangoTime(*got.LastFetchedAt))
}

func TestStoreStatesAreSingleUseAndExpire(t *testing.T) {
	t.Parallel()
	s := newStore()
	now := time.Now()
	s.putState(&oauthState{State: "a", ExpiresAt: now.Add(time.Hour)}, now)
	s.putState(&oauthState{State: "b", ExpiresAt: now.Add(time.Minute)}, now)
	_, ok, _ := s.takeState("a", now)
	assert.True(t, ok)
	_, ok, _ = s.takeState("a", now)
	assert.False(t, ok, "a state is consumed by its first use")
	_, ok, _ = s.takeState("b", now.Add(2*time.Minute))
	assert.False(t, ok, "an expired state is refused")
}
