package auth

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResponseCheck(t *testing.T) {
	t.Parallel()
	envelope := func(code, message string) any {
		e := obj("code", code)
		if message != "" {
			e.Set("message", message)
		}
		return obj("error", e)
	}
	tests := []struct {
		name     string
		r        Response
		wantType ErrorType
		wantMsg  string
	}{
		{name: "success", r: Response{Status: 200, OK: true, IsJSON: true, Body: obj("connectionId", "c", "providerConfigKey", "k")}},
		{name: "nango error", r: Response{Status: 400, IsJSON: true, Body: envelope("connection_test_failed", "The credentials were rejected")}, wantType: ConnectionTestFailed, wantMsg: "The credentials were rejected"},
		{name: "error without message keeps an empty message, as the anchor", r: Response{Status: 400, IsJSON: true, Body: envelope("integration_not_allowed", "")}, wantType: "integration_not_allowed", wantMsg: ""},
		{name: "html from a proxy", r: Response{Status: 502, StatusText: "Bad Gateway", Text: "<html>upstream down</html>"}, wantType: InvalidResponse, wantMsg: "The Nango server answered 502 Bad Gateway with a body that is not JSON: <html>upstream down</html>"},
		{name: "empty body", r: Response{Status: 500}, wantType: InvalidResponse, wantMsg: "The Nango server answered 500 with an empty body"},
		{name: "json without envelope", r: Response{Status: 404, IsJSON: true, Body: obj("message", "nope")}, wantType: InvalidResponse, wantMsg: "The Nango server answered 404 with JSON without Nango's error envelope"},
		{name: "ok but not json", r: Response{Status: 200, OK: true, Text: "OK"}, wantType: InvalidResponse, wantMsg: "The Nango server answered 200 with a body that is not JSON: OK"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.r.Check()
			if tc.wantType == "" {
				assert.Nil(t, err)
				return
			}
			require.NotNil(t, err)
			assert.Equal(t, tc.wantType, err.Type)
			assert.Equal(t, tc.wantMsg, err.Message)
		})
	}
}

func TestReplyResult(t *testing.T) {
	t.Parallel()
	assert.Equal(t, Result{ProviderConfigKey: "k", ConnectionID: "c"}, ReplyResult(obj("connectionId", "c", "providerConfigKey", "k")))
	assert.Equal(t, Result{ProviderConfigKey: "k", ConnectionID: "c", IsPending: true}, ReplyResult(obj("providerConfigKey", "k", "connectionId", "c", "isPending", true)))
	assert.Equal(t, Result{}, ReplyResult(obj("connectionId", 42.0)), "not a string")
	assert.Equal(t, Result{}, ReplyResult("not an object"))
}
