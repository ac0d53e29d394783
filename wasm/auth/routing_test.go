package auth

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stringify is JSON.stringify for the value model: undefined members are dropped.
func stringify(v any) string {
	var b strings.Builder
	var write func(v any)
	write = func(v any) {
		switch v := v.(type) {
		case *Object:
			b.WriteByte('{')
			first := true
			for _, k := range v.Keys() {
				val, _ := v.Get(k)
				if val == Undefined {
					continue
				}
				if !first {
					b.WriteByte(',')
				}
				first = false
				kb, _ := json.Marshal(k)
				b.Write(kb)
				b.WriteByte(':')
				write(val)
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i, it := range v {
				if i > 0 {
					b.WriteByte(',')
				}
				if it == Undefined {
					it = nil
				}
				write(it)
			}
			b.WriteByte(']')
		case float64:
			b.WriteString(FormatNumber(v))
		default:
			vb, _ := json.Marshal(v)
			b.Write(vb)
		}
	}
	write(v)
	return b.String()
}

// The routing goldens record what the real SDK POSTed (path and body) for each call, or what it
// threw, with fetch stubbed.
func TestCustomAuthRoutingMatchesAnchor(t *testing.T) {
	t.Parallel()
	cases, ok := loadGolden(t).Get("routing")
	require.True(t, ok)
	require.NotEmpty(t, cases)
	opts, perr := ParseClientOptions(obj("connectSessionToken", "nango_connect_session_"+strings.Repeat("ab", 32), "host", "https://api.example"), goResolver)
	require.Nil(t, perr)
	for _, c := range cases.([]any) {
		c := c.(*Object)
		name, _ := c.String("name")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			method, _ := c.String("method")
			rawArgs, _ := c.Get("args")
			args := append(rawArgs.([]any), Undefined, Undefined)
			calls, _ := c.Get("calls")
			thrown, _ := c.Object("thrown")
			rejected, _ := c.Object("rejected")

			var req CustomRequest
			var err *AuthError
			popup := false
			if method == "create" {
				req, err = CreateRequest(opts, args[0], args[1], args[2])
			} else {
				call, perr := ParseAuthCall(args[0], args[1], args[2])
				require.Nil(t, perr)
				if call.IsCustomAuth() {
					req, err = call.CustomAuthRequest(opts)
				} else {
					popup = true
				}
			}
			switch {
			case thrown != nil:
				require.NotNil(t, err)
				wantType, _ := thrown.String("type")
				wantMsg, _ := thrown.String("message")
				assert.Equal(t, ErrorType(wantType), err.Type)
				assert.Equal(t, wantMsg, err.Message)
			case rejected != nil && popup:
				wantType, _ := rejected.String("type")
				assert.Equal(t, "blocked_by_browser", wantType, "the anchor took the popup path")
			case rejected != nil:
				require.NotNil(t, err, "the anchor rejected")
				assert.Equal(t, MissingCredentials, err.Type, "the anchor's plain Error becomes a typed one")
			default:
				require.Nil(t, err)
				require.False(t, popup, "the anchor took the custom path")
				call := calls.([]any)[0].(*Object)
				url, _ := call.String("url")
				assert.Equal(t, url, "https://api.example"+req.Path)
				hasBody, _ := call.Get("hasBody")
				wantBody, _ := call.Get("body")
				if hasBody == true {
					require.NotNil(t, req.Body)
					assert.Equal(t, wantBody, stringify(req.Body))
				} else {
					assert.Nil(t, req.Body)
				}
			}
		})
	}
}

// An integration key goes into URL paths as the anchor sends it, unencoded: one that is not a
// Nango unique key could send the popup (and its session token) to another endpoint.
func TestIntegrationKeyMustBeANangoUniqueKey(t *testing.T) {
	t.Parallel()
	o := ClientOptions{Host: "http://127.0.0.1:3003", ConnectSessionToken: "nango_connect_session_x"}
	for _, key := range []string{"../../connect/sessions", "a/b", `a\b`, "zendesk?x=1", "zendesk#x", ".", "..", "%2e%2e", "zen\ndesk", strings.Repeat("k", 256)} {
		_, err := ParseAuthCall(key, Undefined, Undefined)
		require.NotNil(t, err, "auth(%q)", key)
		assert.Equal(t, InvalidOptions, err.Type)
		_, err = CreateRequest(o, key, Undefined, Undefined)
		require.NotNil(t, err, "create(%q)", key)
		assert.Equal(t, InvalidOptions, err.Type)
	}
	for _, key := range []string{"zendesk", "github-app", "my key.v2@acme:eu~1", strings.Repeat("k", 255)} {
		_, err := ParseAuthCall(key, Undefined, Undefined)
		assert.Nil(t, err, "auth(%q)", key)
	}
}
