//go:build js && wasm

package nango

import (
	"math"
	"time"

	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// Defaults of @nangohq/frontend, and nango-wasm's timeout.
const (
	DefaultHost            = auth.DefaultHost
	DefaultWidth           = auth.DefaultWidth
	DefaultHeight          = auth.DefaultHeight
	DefaultTimeout         = auth.DefaultTimeoutMS * time.Millisecond
	DefaultConnectUIURL    = auth.DefaultConnectUIBaseURL
	DefaultConnectUIAPIURL = auth.DefaultConnectUIAPIURL
)

// Options configure a Client: the constructor options of @nangohq/frontend's Nango, plus
// defaults for every Auth. The zero value of a field means its default.
type Options struct {
	// Host is the Nango API host; default DefaultHost. A self-hosted Nango, or the nango-wasm dev
	// server (http://127.0.0.1:3003), goes here.
	Host string
	// ConnectSessionToken is the token your backend got from Nango's POST /connect/sessions
	// (with your secret key, which never reaches the browser) for this user.
	ConnectSessionToken string
	// PublicKey is the environment's public key, Nango's older way to authorize; use a
	// ConnectSessionToken unless your Nango still needs it.
	PublicKey string
	// WebsocketsPath is where the host serves Nango's WebSocket; default "/".
	WebsocketsPath string
	// Width and Height size the popup in CSS pixels; default DefaultWidth × DefaultHeight. The
	// popup is centred on the screen.
	Width, Height int
	// Debug logs each step to the browser console with @nangohq/frontend's prefixes, secrets
	// masked.
	Debug bool
	// Timeout is how long an Auth waits for a result unless its own AuthOptions.Timeout says
	// otherwise: 0 means DefaultTimeout, a negative value no limit (Wait's context still ends it).
	Timeout time.Duration
	// DetectClosedAuthWindow makes every Auth fail with WindowClosed soon after the user closes
	// the popup, as AuthOptions.DetectClosedAuthWindow does for one call.
	DetectClosedAuthWindow bool
}

// value is the constructor argument of nango.js, in the core's value model, so that both faces
// are parsed, defaulted and checked by the one auth.ParseClientOptions.
func (o Options) value() *auth.Object {
	v := auth.NewObject()
	setString(v, "host", o.Host)
	setString(v, "connectSessionToken", o.ConnectSessionToken)
	setString(v, "publicKey", o.PublicKey)
	setString(v, "websocketsPath", o.WebsocketsPath)
	if o.Width != 0 {
		v.Set("width", float64(o.Width))
	}
	if o.Height != 0 {
		v.Set("height", float64(o.Height))
	}
	if o.Debug {
		v.Set("debug", true)
	}
	return v
}

// Transport is how the result of a popup flow travels back to the page.
type Transport = auth.Transport

// Transports.
const (
	// TransportAuto listens on Nango's WebSocket and for the callback page's message, and takes
	// the first result. The default.
	TransportAuto = auth.TransportAuto
	// TransportWebSocket listens on Nango's WebSocket only, as @nangohq/frontend does.
	TransportWebSocket = auth.TransportWebSocket
	// TransportPostMessage listens for the callback page's message only. A success counts only
	// when the page echoes the call's nonce, as the nango-wasm dev server's does; Nango's own
	// page echoes none, so there it ends with UnverifiedResult.
	TransportPostMessage = auth.TransportPostMessage
)

// AuthOptions are the options of one Auth, Reconnect or Create: @nangohq/frontend's
// ConnectionConfig and AuthOptions. The zero value of a field leaves it out.
type AuthOptions struct {
	// ConnectionID names the connection to create or update: @nangohq/frontend's
	// auth(integration, connectionId, options). Connect sessions name the end user instead;
	// leave it empty with a ConnectSessionToken unless your Nango setup uses it.
	ConnectionID string
	// Params is the connection config the integration asks for (a Zendesk subdomain, ...), and
	// Nango's own keys such as oauth_scopes_override. They are sent in the order of their keys.
	Params map[string]string
	// AuthorizationParams are added to the provider's authorization URL (prompt, access_type, ...).
	AuthorizationParams map[string]string
	// UserScope is the user scopes of providers that have them (Slack).
	UserScope []string
	// HMAC is the HMAC digest of the integration and connection, for Nango's older HMAC check.
	HMAC string
	// Credentials selects a mode without a popup (API key, basic, ...) or, with
	// OAuthCredentialsOverride, the OAuth app's client for a popup.
	Credentials Credentials
	// Installation "outbound" starts an outbound installation, without a popup.
	Installation string
	// AssertionOption is the assertion options of two-step auth.
	AssertionOption map[string]string
	// DetectClosedAuthWindow fails the call with WindowClosed soon after the user closes the
	// popup (Options.DetectClosedAuthWindow sets it for every call). Without it the call still
	// fails once the popup is closed and no WebSocket is live.
	DetectClosedAuthWindow bool
	// Timeout is how long to wait for a result; 0 means Options.Timeout, a negative value no
	// limit (Wait's context still ends it).
	Timeout time.Duration
	// Transport is how the result travels back; default TransportAuto.
	Transport Transport
}

// value is the options argument of nango.js's auth(), in the core's value model; the Client's
// defaults fill what opts leaves out.
func (o AuthOptions) value(defaults Options) *auth.Object {
	v := auth.NewObject()
	if len(o.Params) > 0 {
		v.Set("params", stringObject(o.Params))
	}
	setString(v, "hmac", o.HMAC)
	if len(o.UserScope) > 0 {
		scopes := make([]any, len(o.UserScope))
		for i, s := range o.UserScope {
			scopes[i] = s
		}
		v.Set("user_scope", scopes)
	}
	if len(o.AuthorizationParams) > 0 {
		v.Set("authorization_params", stringObject(o.AuthorizationParams))
	}
	setString(v, "installation", o.Installation)
	if len(o.AssertionOption) > 0 {
		v.Set("assertionOption", stringObject(o.AssertionOption))
	}
	if o.Credentials != nil {
		v.Set("credentials", o.Credentials.value())
	}
	if o.DetectClosedAuthWindow || defaults.DetectClosedAuthWindow {
		v.Set("detectClosedAuthWindow", true)
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = defaults.Timeout
	}
	if timeout != 0 {
		v.Set("timeout", milliseconds(timeout))
	}
	setString(v, "transport", string(o.Transport))
	return v
}

// milliseconds is the timeout option: a negative duration means none (Infinity, as in nango.js).
func milliseconds(d time.Duration) float64 {
	if d < 0 {
		return math.Inf(1)
	}
	return float64(d) / float64(time.Millisecond)
}

func setString(v *auth.Object, key, s string) {
	if s != "" {
		v.Set(key, s)
	}
}

// stringObject is m as an object with its keys sorted: a Go map has no order, and the query
// string lists params in the object's order.
func stringObject(m map[string]string) *auth.Object {
	o := auth.NewObject()
	for _, k := range sortedKeys(m) {
		o.Set(k, m[k])
	}
	return o
}

// sortedKeys returns m's keys in order, by insertion: slices.Sort would link a generic sort
// for strings (~20 KB of wasm) into every Go app for maps of a handful of options.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		i := len(keys)
		keys = append(keys, k)
		for ; i > 0 && keys[i-1] > k; i-- {
			keys[i] = keys[i-1]
		}
		keys[i] = k
	}
	return keys
}
