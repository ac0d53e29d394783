package auth

import (
	"math"
	"strings"
)

// DefaultTimeoutMS is how long auth() waits for a result before rejecting with type timeout:
// long enough for a person to sign in, reset a password and pass MFA, short enough that no
// call waits forever. The `timeout` option overrides it; `Infinity` opts out.
const DefaultTimeoutMS = 15 * 60 * 1000

// Transport names how the result of a popup flow travels back (issue: wire fidelity).
type Transport string

// Transports.
const (
	TransportAuto        Transport = "auto"
	TransportPostMessage Transport = "postMessage"
	TransportWebSocket   Transport = "websocket"
)

// AuthCall is a parsed auth(providerConfigKey, connectionIdOrOptions?, moreOptions?) call.
type AuthCall struct {
	ProviderConfigKey string
	// ConnectionID is set only when the second argument is a string, as in the anchor.
	ConnectionID string
	// Options is the merged options object; nil when a connection id was given without options.
	Options      *Object
	DetectClosed bool
	TimeoutMS    float64
	Transport    Transport
}

// ParseAuthCall applies @nangohq/frontend's argument overloading: a string second argument is
// the connection id and the third the options; otherwise the options are
// {...moreOptions, ...connectionIdOrOptions}. It also checks the types of the options the SDK
// reads, so a mistake is reported as invalid_options before any popup opens.
func ParseAuthCall(key, second, third any) (AuthCall, *AuthError) {
	k, err := parseIntegrationKey(key)
	if err != nil {
		return AuthCall{}, err
	}
	c := AuthCall{ProviderConfigKey: k, TimeoutMS: DefaultTimeoutMS, Transport: TransportAuto}
	if id, isString := second.(string); isString {
		c.ConnectionID = id
		if _, none := third.(undefinedValue); !none && third != nil {
			opts, ok := third.(*Object)
			if !ok {
				return AuthCall{}, invalidOption("options must be an object")
			}
			c.Options = opts
		}
	} else {
		more, err := optionalObject(third, "options")
		if err != nil {
			return AuthCall{}, err
		}
		first, err := optionalObject(second, "options")
		if err != nil {
			return AuthCall{}, err
		}
		c.Options = more.Spread(first)
	}
	if err := checkOptionTypes(c.Options); err != nil {
		return AuthCall{}, err
	}
	if v, _ := c.Options.Get("detectClosedAuthWindow"); Truthy(v) {
		c.DetectClosed = true
	}
	if v, ok := c.Options.Get("timeout"); ok && v != Undefined {
		n, isNum := v.(float64)
		if !isNum || math.IsNaN(n) || n <= 0 {
			return AuthCall{}, invalidOption("timeout must be a positive number of milliseconds (or Infinity)")
		}
		c.TimeoutMS = n
	}
	if v, ok := c.Options.Get("transport"); ok && v != Undefined {
		switch t := Transport(ToString(v)); t {
		case TransportAuto, TransportPostMessage, TransportWebSocket:
			c.Transport = t
		default:
			return AuthCall{}, invalidOption(`transport must be "auto", "postMessage" or "websocket"`)
		}
	}
	return c, nil
}

// checkOptionTypes rejects shapes the anchor would turn into nonsense URLs or TypeErrors.
func checkOptionTypes(o *Object) *AuthError {
	for _, key := range []string{"params", "authorization_params", "credentials", "assertionOption"} {
		v, ok := o.Get(key)
		if !ok || v == Undefined || v == nil {
			continue
		}
		if _, isObj := v.(*Object); !isObj {
			return invalidOption(key + " must be an object")
		}
	}
	if v, ok := o.Get("user_scope"); ok && Truthy(v) {
		if _, isArr := v.([]any); !isArr {
			return invalidOption("user_scope must be an array of strings")
		}
	}
	return nil
}

// IsCustomAuth is the anchor's rule for the non-popup path: an outbound installation, or
// credentials that are not exactly the pair of OAuth client overrides (TBA tokens always go
// custom). Null credentials, which make the anchor throw a TypeError, count as none.
func (c AuthCall) IsCustomAuth() bool {
	if c.Options == nil {
		return false
	}
	if inst, _ := c.Options.String("installation"); inst == "outbound" {
		return true
	}
	creds, ok := c.Options.Object("credentials")
	if !ok || creds.Len() == 0 {
		return false
	}
	tba := creds.Has("token_id") && creds.Has("token_secret")
	return tba || !creds.Has("oauth_client_id_override") || !creds.Has("oauth_client_secret_override")
}

// parseIntegrationKey checks an integration's unique key against what Nango accepts for one
// (`^[a-zA-Z0-9~:.@ _-]{1,255}$`). The key goes into URL paths as is, as the anchor sends it: a
// `/`, `?`, `#` or a `..` segment would send the popup, with the session token, to another
// endpoint of the Nango host (`auth('../../connect/sessions')`).
func parseIntegrationKey(key any) (string, *AuthError) {
	k, ok := key.(string)
	if !ok || k == "" {
		return "", invalidOption("providerConfigKey must be a non-empty string (the integration's unique key)")
	}
	valid := k != "." && k != ".." && len(k) <= 255
	for i := 0; valid && i < len(k); i++ {
		c := k[i]
		valid = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("~:.@ _-", c) >= 0
	}
	if !valid {
		return "", invalidOption("providerConfigKey " + quoted(k) + " is not an integration's unique key (Nango's are up to 255 letters, digits, spaces and ~ : . @ _ -)")
	}
	return k, nil
}

// quoted puts a rejected key in quotes for its error message, with quotes, backslashes and
// control characters escaped as JSON escapes them. (strconv.Quote, which also escapes what
// Unicode deems unprintable, brings ~5 KB of Unicode tables into nango.wasm, brotli.)
func quoted(s string) string {
	const hex = "0123456789abcdef"
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c < 0x20 || c == 0x7f:
			out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			out = append(out, c)
		}
	}
	return string(append(out, '"'))
}
