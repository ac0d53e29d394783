package auth

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseClientOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      any
		want    ClientOptions
		wantErr ErrorType
	}{
		{name: "defaults", in: Undefined, want: ClientOptions{Host: DefaultHost, HostOrigin: "https://api.nango.dev", WebsocketsURL: "wss://api.nango.dev/", Width: 500, Height: 600}},
		{name: "null is like no options", in: nil, want: ClientOptions{Host: DefaultHost, HostOrigin: "https://api.nango.dev", WebsocketsURL: "wss://api.nango.dev/", Width: 500, Height: 600}},
		{
			name: "local host with trailing slashes and a token",
			in:   obj("host", "http://127.0.0.1:3003///", "connectSessionToken", "tok", "debug", true),
			want: ClientOptions{Host: "http://127.0.0.1:3003", HostOrigin: "http://127.0.0.1:3003", WebsocketsURL: "ws://127.0.0.1:3003/", ConnectSessionToken: "tok", Width: 500, Height: 600, Debug: true},
		},
		{
			name: "a leading slash in websocketsPath drops the host's path, as in the anchor",
			in:   obj("host", "https://x.example/nango", "websocketsPath", "/ws"),
			want: ClientOptions{Host: "https://x.example/nango", HostOrigin: "https://x.example", WebsocketsURL: "wss://x.example/ws", Width: 500, Height: 600},
		},
		{
			name: "size from numbers",
			in:   obj("width", 800.0, "height", 700.0, "publicKey", "pk"),
			want: ClientOptions{Host: DefaultHost, HostOrigin: "https://api.nango.dev", WebsocketsURL: "wss://api.nango.dev/", Width: 800, Height: 700, PublicKey: "pk"},
		},
		{name: "zero width keeps the default", in: obj("width", 0.0), want: ClientOptions{Host: DefaultHost, HostOrigin: "https://api.nango.dev", WebsocketsURL: "wss://api.nango.dev/", Width: 500, Height: 600}},
		{name: "host that is not a URL", in: obj("host", "not a url"), wantErr: InvalidHostURL},
		{name: "host that is not a string", in: obj("host", 42.0), wantErr: InvalidHostURL},
		{name: "width that is not a number", in: obj("width", "wide"), wantErr: InvalidOptions},
		{name: "width as a numeric string", in: obj("width", "600"), wantErr: InvalidOptions},
		{name: "negative height", in: obj("height", -3.0), wantErr: InvalidOptions},
		{name: "options that are not an object", in: "https://api.nango.dev", wantErr: InvalidOptions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseClientOptions(tc.in, goResolver)
			if tc.wantErr != "" {
				require.NotNil(t, err)
				assert.Equal(t, tc.wantErr, err.Type)
				return
			}
			require.Nil(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestInvalidHostKeepsAnchorMessage(t *testing.T) {
	t.Parallel()
	_, err := ParseClientOptions(obj("host", "::"), goResolver)
	require.NotNil(t, err)
	assert.Equal(t, "Invalid URL provided for the Nango host.", err.Message)
}

func TestEnsureCredentials(t *testing.T) {
	t.Parallel()
	err := ClientOptions{}.EnsureCredentials()
	require.NotNil(t, err)
	assert.Equal(t, MissingAuthToken, err.Type)
	assert.Equal(t, "You must specify a public key OR a connect session token (cf. documentation).", err.Message)
	assert.Nil(t, ClientOptions{ConnectSessionToken: "t"}.EnsureCredentials())
	assert.Nil(t, ClientOptions{PublicKey: "p"}.EnsureCredentials())
}

func TestParseAuthCall(t *testing.T) {
	t.Parallel()
	t.Run("options object merges moreOptions under it", func(t *testing.T) {
		t.Parallel()
		c, err := ParseAuthCall("zendesk", obj("params", obj("subdomain", "acme"), "detectClosedAuthWindow", true), obj("params", obj("x", "y"), "hmac", "h"))
		require.Nil(t, err)
		assert.Equal(t, "", c.ConnectionID)
		assert.Equal(t, []string{"params", "hmac", "detectClosedAuthWindow"}, c.Options.Keys())
		p, _ := c.Options.Object("params")
		assert.Equal(t, []string{"subdomain"}, p.Keys(), "the second argument wins over the third")
		assert.True(t, c.DetectClosed)
		assert.Equal(t, float64(DefaultTimeoutMS), c.TimeoutMS)
		assert.Equal(t, TransportAuto, c.Transport)
	})
	t.Run("string second argument is the connection id", func(t *testing.T) {
		t.Parallel()
		c, err := ParseAuthCall("github", "conn-1", obj("timeout", 5000.0, "transport", "postMessage"))
		require.Nil(t, err)
		assert.Equal(t, "conn-1", c.ConnectionID)
		assert.Equal(t, 5000.0, c.TimeoutMS)
		assert.Equal(t, TransportPostMessage, c.Transport)
	})
	t.Run("connection id without options", func(t *testing.T) {
		t.Parallel()
		c, err := ParseAuthCall("github", "conn-1", Undefined)
		require.Nil(t, err)
		assert.Nil(t, c.Options)
		assert.False(t, c.IsCustomAuth())
	})
	t.Run("no options at all", func(t *testing.T) {
		t.Parallel()
		c, err := ParseAuthCall("github", Undefined, Undefined)
		require.Nil(t, err)
		assert.Equal(t, 0, c.Options.Len())
	})
	bad := []struct {
		name               string
		key, second, third any
	}{
		{"missing key", Undefined, Undefined, Undefined},
		{"empty key", "", Undefined, Undefined},
		{"key that is not a string", 3.0, Undefined, Undefined},
		{"options that are not an object", "k", 3.0, Undefined},
		{"third argument that is not an object", "k", "conn", "opts"},
		{"params that are a string", "k", obj("params", "subdomain=acme"), Undefined},
		{"user_scope that is a string", "k", obj("user_scope", "a,b"), Undefined},
		{"credentials that are a string", "k", obj("credentials", "secret"), Undefined},
		{"zero timeout", "k", obj("timeout", 0.0), Undefined},
		{"timeout that is a string", "k", obj("timeout", "10s"), Undefined},
		{"unknown transport", "k", obj("transport", "carrier-pigeon"), Undefined},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseAuthCall(tc.key, tc.second, tc.third)
			require.NotNil(t, err)
			assert.Equal(t, InvalidOptions, err.Type)
			assert.NotEmpty(t, err.Message)
		})
	}
}

func TestIsCustomAuthFollowsAnchorRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *Object
		want bool
	}{
		{"oauth popup with params", obj("params", obj("subdomain", "acme")), false},
		{"outbound installation", obj("installation", "outbound"), true},
		{"api key", obj("credentials", obj("apiKey", "k")), true},
		{"basic", obj("credentials", obj("username", "u", "password", "p")), true},
		{"both client overrides stay in the popup", obj("credentials", obj("oauth_client_id_override", "i", "oauth_client_secret_override", "s")), false},
		{"one client override goes custom", obj("credentials", obj("oauth_client_id_override", "i")), true},
		{"tba tokens with both overrides go custom", obj("credentials", obj("token_id", "t", "token_secret", "s", "oauth_client_id_override", "i", "oauth_client_secret_override", "s")), true},
		{"empty credentials stay in the popup", obj("credentials", NewObject()), false},
		{"null credentials stay in the popup", obj("credentials", nil), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseAuthCall("k", tc.opts, Undefined)
			require.Nil(t, err)
			assert.Equal(t, tc.want, c.IsCustomAuth())
		})
	}
}

func TestJavaScriptConversions(t *testing.T) {
	t.Parallel()
	// Integers take a shorter path; these are its edges, written as JavaScript writes them.
	for in, want := range map[float64]string{-1: "-1", 710: "710", 1<<53 - 1: "9007199254740991", 1 << 53: "9007199254740992",
		1<<53 + 2: "9007199254740994", 1e20: "100000000000000000000", -1e15: "-1000000000000000", math.Copysign(0, -1): "0"} {
		assert.Equal(t, want, FormatNumber(in), "FormatNumber(%v)", in)
	}
	for in, want := range map[float64]string{0: "0", 1: "1", -2.5: "-2.5", 433.5: "433.5", 1e21: "1e+21", 1.5e-7: "1.5e-7", 123456789012: "123456789012", 0.1: "0.1"} {
		assert.Equal(t, want, FormatNumber(in), "FormatNumber(%v)", in)
	}
	assert.Equal(t, "a,,,3,true", JoinArray([]any{"a", nil, Undefined, 3.0, true}, ","))
	assert.Equal(t, "%20%2B%26%3D%23%2F%3F%5B%5D%C3%A9-_.!~*'()", EncodeURIComponent(" +&=#/?[]é-_.!~*'()"))
	for _, v := range []any{nil, Undefined, false, 0.0, ""} {
		assert.False(t, Truthy(v), "%v", v)
	}
	for _, v := range []any{true, 1.0, "0", NewObject(), []any{}} {
		assert.True(t, Truthy(v), "%v", v)
	}
}

func TestRedactQuery(t *testing.T) {
	t.Parallel()
	assert.Equal(t,
		"http://h/oauth/connect/z?connect_session_token=***&params[subdomain]=acme&credentials%5Boauth_client_secret_override%5D=***&token_secret=***&ws_client_id=w",
		RedactQuery("http://h/oauth/connect/z?connect_session_token=nango_connect_session_abc&params[subdomain]=acme&credentials%5Boauth_client_secret_override%5D=s3cret&token_secret=x&ws_client_id=w"))
	assert.Equal(t, "http://h/x", RedactQuery("http://h/x"))
}

// The nonce goes first: a raw `#` in an anchor-built value would hide any parameter after it in
// the URL's fragment, and the server would never see the nonce.
func TestWithNonce(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "?nango_wasm_nonce=abc", WithNonce("", "abc"))
	assert.Equal(t, "?nango_wasm_nonce=abc&connect_session_token=t&authorization_params[x]=a#b", WithNonce("?connect_session_token=t&authorization_params[x]=a#b", "abc"))
	assert.Equal(t, "http://h/c?nango_wasm_nonce=***&ws_client_id=w", RedactQuery("http://h/c?nango_wasm_nonce=abc&ws_client_id=w"), "the nonce stays out of debug logs")
}
