package auth

import (
	"math"
	"strings"
)

// DefaultHost is Nango Cloud's API host, the default of @nangohq/frontend.
const DefaultHost = "https://api.nango.dev"

// Popup size defaults of @nangohq/frontend.
const (
	DefaultWidth  = 500
	DefaultHeight = 600
)

// URLResolver resolves ref against base exactly as `new URL(ref, base)` does (base "" means no
// base) and returns the serialized URL and its origin. The browser layer passes the browser's own
// URL parser, so host validation is the WHATWG one and not an approximation of it.
type URLResolver func(ref, base string) (href, origin string, err error)

// ClientOptions is a parsed `new Nango(options)`.
type ClientOptions struct {
	// Host is the Nango API base URL without trailing slashes.
	Host string
	// HostOrigin is the origin messages from the authorization window must come from.
	HostOrigin string
	// WebsocketsURL is where Nango's WebSocket channel lives, computed as @nangohq/frontend does.
	WebsocketsURL       string
	PublicKey           string
	ConnectSessionToken string
	Width, Height       float64
	Debug               bool
}

// ParseClientOptions parses the constructor argument with @nangohq/frontend's defaults. It fails
// with invalid_host_url when the host is not a URL, as the anchor's constructor does, and with
// invalid_options when an option has a type the anchor would silently misuse.
func ParseClientOptions(v any, resolve URLResolver) (ClientOptions, *AuthError) {
	cfg, err := optionalObject(v, "Nango options")
	if err != nil {
		return ClientOptions{}, err
	}
	o := ClientOptions{Host: DefaultHost, Width: DefaultWidth, Height: DefaultHeight}
	if h, _ := cfg.Get("host"); Truthy(h) {
		s, ok := h.(string)
		if !ok {
			return ClientOptions{}, ErrInvalidHostURL()
		}
		o.Host = s
	}
	o.Host = strings.TrimRight(o.Host, "/")
	wsPath := "/"
	if p, _ := cfg.Get("websocketsPath"); Truthy(p) {
		wsPath = ToString(p)
	}
	if d, _ := cfg.Get("debug"); Truthy(d) {
		o.Debug = true
	}
	for _, dim := range []struct {
		key string
		dst *float64
	}{{"width", &o.Width}, {"height", &o.Height}} {
		raw, _ := cfg.Get(dim.key)
		if !Truthy(raw) {
			continue
		}
		n, ok := raw.(float64)
		if !ok || math.IsNaN(n) || n <= 0 || math.IsInf(n, 0) {
			return ClientOptions{}, invalidOption(dim.key + " must be a positive number of pixels")
		}
		*dim.dst = n
	}
	if k, _ := cfg.Get("publicKey"); Truthy(k) {
		o.PublicKey = ToString(k)
	}
	if t, _ := cfg.Get("connectSessionToken"); Truthy(t) {
		o.ConnectSessionToken = ToString(t)
	}

	hostHref, origin, perr := resolve(o.Host, "")
	if perr != nil {
		return ClientOptions{}, ErrInvalidHostURL()
	}
	o.HostOrigin = origin
	wsHref, _, perr := resolve(wsPath, hostHref)
	if perr != nil {
		return ClientOptions{}, ErrInvalidHostURL()
	}
	wsHref = strings.Replace(wsHref, "https://", "wss://", 1)
	o.WebsocketsURL = strings.Replace(wsHref, "http://", "ws://", 1)
	return o, nil
}

// EnsureCredentials is the anchor's check run by auth() and create(), not by the constructor:
// an app that only uses the Connect UI needs no token on the Nango instance.
func (o ClientOptions) EnsureCredentials() *AuthError {
	if o.PublicKey == "" && o.ConnectSessionToken == "" {
		return NewError(MissingAuthToken, msgMissingAuthToken)
	}
	return nil
}

// optionalObject accepts a plain object, or undefined/null as an empty one.
func optionalObject(v any, what string) (*Object, *AuthError) {
	switch v := v.(type) {
	case nil, undefinedValue:
		return NewObject(), nil
	case *Object:
		return v, nil
	default:
		return nil, invalidOption(what + " must be an object")
	}
}
