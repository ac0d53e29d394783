package auth

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConnectUIProps(t *testing.T) {
	t.Parallel()
	p, err := ParseConnectUIProps(Undefined)
	require.Nil(t, err)
	assert.Equal(t, ConnectUIProps{BaseURL: "https://connect.nango.dev", APIURL: "https://api.nango.dev"}, p)
	assert.Equal(t, [][2]string{{"apiURL", "https://api.nango.dev"}}, p.ConnectUIQuery())

	p, err = ParseConnectUIProps(obj("sessionToken", "tok", "baseURL", "http://127.0.0.1:3003/connect", "apiURL", "http://127.0.0.1:3003", "detectClosedAuthWindow", true, "lang", "fr", "themeOverride", "dark", "onEvent", Opaque{Kind: "function"}))
	require.Nil(t, err)
	assert.Equal(t, "tok", p.SessionToken)
	assert.Equal(t, [][2]string{{"apiURL", "http://127.0.0.1:3003"}, {"detectClosedAuthWindow", "true"}, {"lang", "fr"}, {"theme", "dark"}}, p.ConnectUIQuery())

	p, err = ParseConnectUIProps(obj("apiURL", "", "detectClosedAuthWindow", false))
	require.Nil(t, err)
	assert.Empty(t, p.ConnectUIQuery(), "an empty apiURL and a false flag add nothing, as in the anchor")

	_, err = ParseConnectUIProps(obj("baseURL", 42.0))
	require.NotNil(t, err)
	assert.Equal(t, InvalidOptions, err.Type)

	assert.Equal(t, "/connect/", WithTrailingSlash("/connect"))
	assert.Equal(t, "/", WithTrailingSlash("/"))
}

func TestConnectUIEventType(t *testing.T) {
	t.Parallel()
	typ, ok := ConnectUIEventType(obj("type", "connect", "payload", obj()))
	assert.True(t, ok)
	assert.Equal(t, "connect", typ)
	for _, bad := range []any{nil, "ready", obj("type", ""), obj("payload", 1.0), []any{"ready"}} {
		_, ok := ConnectUIEventType(bad)
		assert.False(t, ok, "%v", bad)
	}
}
