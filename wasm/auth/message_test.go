package auth

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeCallbackMessage(t *testing.T) {
	t.Parallel()
	ok := func(key, id string) *Result { return &Result{ProviderConfigKey: key, ConnectionID: id} }
	tests := []struct {
		name        string
		data        any
		wantOK      bool
		wantResult  *Result
		wantPartial bool
		wantErr     ErrorType
		wantMsg     string
	}{
		{
			name:       "dev server success with payload",
			data:       obj("type", "nango_oauth_callback_success", "payload", obj("providerConfigKey", "zendesk", "connectionId", "c-1", "isPending", false)),
			wantOK:     true,
			wantResult: ok("zendesk", "c-1"),
		},
		{
			name:       "pending success",
			data:       obj("type", "nango_oauth_callback_success", "payload", obj("providerConfigKey", "github-app", "connectionId", "c-2", "isPending", true)),
			wantOK:     true,
			wantResult: &Result{ProviderConfigKey: "github-app", ConnectionID: "c-2", IsPending: true},
		},
		{
			name:        "nango's own success has no payload",
			data:        obj("type", "nango_oauth_callback_success"),
			wantOK:      true,
			wantResult:  &Result{},
			wantPartial: true,
		},
		{
			name:    "dev server error keeps the server type",
			data:    obj("type", "nango_oauth_callback_error", "payload", obj("errorType", "url_param_err", "message", "Missing Connection Config param(s)")),
			wantOK:  true,
			wantErr: "url_param_err",
			wantMsg: "Missing Connection Config param(s)",
		},
		{
			name:    "provider deny becomes access_denied",
			data:    obj("type", "nango_oauth_callback_error", "payload", obj("errorType", "callback_err", "message", "Did not get authorization code in the callback. Provider error: error: access_denied; error_description: The user denied access", "providerError", obj("error", "access_denied"))),
			wantOK:  true,
			wantErr: AccessDenied,
			wantMsg: "Did not get authorization code in the callback. Provider error: error: access_denied; error_description: The user denied access",
		},
		{
			name:    "nango's own page reports a deny as JSON of the provider keys",
			data:    obj("type", "nango_oauth_callback_error", "payload", obj("errorType", "connection_validation_failed", "message", `{"error":"access_denied","error_description":"no"}`)),
			wantOK:  true,
			wantErr: AccessDenied,
		},
		{
			name:    "error without a type",
			data:    obj("type", "nango_oauth_callback_error", "payload", obj("message", "boom")),
			wantOK:  true,
			wantErr: UnknownError,
			wantMsg: "boom",
		},
		{
			name:       "legacy success (sic)",
			data:       obj("eventType", "AUTHORIZATION_SUCEEDED", "data", obj("connectionId", "c-3", "providerConfigKey", "github")),
			wantOK:     true,
			wantResult: ok("github", "c-3"),
		},
		{
			name:    "legacy failure",
			data:    obj("eventType", "AUTHORIZATION_FAILED", "data", obj("error", obj("type", "callback_err", "message", "Did not get authorization code."))),
			wantOK:  true,
			wantErr: CallbackErr,
			wantMsg: "Did not get authorization code.",
		},
		{
			name:    "legacy cancel has no error wrapper",
			data:    obj("eventType", "AUTHORIZATION_FAILED", "data", obj("type", "authorization_cancelled", "message", "The user has closed the authorization modal before the process was complete.")),
			wantOK:  true,
			wantErr: "authorization_cancelled",
		},
		{name: "our own ack is not a result", data: obj("type", "nango_oauth_callback_ack")},
		{name: "unrelated message", data: obj("type", "webpackOk")},
		{name: "a string", data: "nango_oauth_callback_success"},
		{name: "null", data: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, got := DecodeCallbackMessage(tc.data)
			require.Equal(t, tc.wantOK, got)
			if !tc.wantOK {
				return
			}
			if tc.wantErr != "" {
				require.NotNil(t, out.Err)
				assert.Nil(t, out.Result)
				assert.Equal(t, tc.wantErr, out.Err.Type)
				if tc.wantMsg != "" {
					assert.Equal(t, tc.wantMsg, out.Err.Message)
				}
				return
			}
			require.Nil(t, out.Err)
			assert.Equal(t, tc.wantResult, out.Result)
			assert.Equal(t, tc.wantPartial, out.Partial)
		})
	}
}

func TestDecodeSocketMessage(t *testing.T) {
	t.Parallel()
	m, ok := DecodeSocketMessage(obj("message_type", "connection_ack", "ws_client_id", "abc"))
	require.True(t, ok)
	assert.Equal(t, "abc", m.ClientID)

	m, ok = DecodeSocketMessage(obj("message_type", "success", "provider_config_key", "zendesk", "connection_id", "c", "is_pending", false))
	require.True(t, ok)
	assert.Equal(t, &Result{ProviderConfigKey: "zendesk", ConnectionID: "c"}, m.Outcome.Result)

	m, ok = DecodeSocketMessage(obj("message_type", "error", "provider_config_key", "zendesk", "error_type", "callback_err", "error_desc", "Did not get authorization code in the callback. Provider error: error: access_denied"))
	require.True(t, ok)
	assert.Equal(t, AccessDenied, m.Outcome.Err.Type)

	_, ok = DecodeSocketMessage(obj("message_type", "connection_ack"))
	assert.False(t, ok, "an ack without an id is useless")
	_, ok = DecodeSocketMessage(obj("message_type", "ping"))
	assert.False(t, ok)
}

func TestTrusted(t *testing.T) {
	t.Parallel()
	ok, _ := Trusted("http://127.0.0.1:3003", "http://127.0.0.1:3003", true)
	assert.True(t, ok)
	ok, why := Trusted("http://evil.test", "http://127.0.0.1:3003", true)
	assert.False(t, ok)
	assert.Contains(t, why, "http://evil.test")
	ok, why = Trusted("http://127.0.0.1:3003", "http://127.0.0.1:3003", false)
	assert.False(t, ok)
	assert.Contains(t, why, "did not come from the authorization window")
	ok, _ = Trusted("http://127.0.0.1:3003", "http://127.0.0.1:30031", true)
	assert.False(t, ok, "origins compare exactly")
}

func TestAuthErrorIs(t *testing.T) {
	t.Parallel()
	err := error(NewError(Timeout, "late"))
	assert.ErrorIs(t, err, NewError(Timeout, ""))
	assert.NotErrorIs(t, err, NewError(Aborted, ""))
	assert.Equal(t, "nango: timeout: late", err.Error())
}
