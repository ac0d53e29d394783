package auth

import "strings"

// Connect UI defaults of @nangohq/frontend.
const (
	DefaultConnectUIBaseURL = "https://connect.nango.dev"
	DefaultConnectUIAPIURL  = "https://api.nango.dev"
)

// ConnectUIProps is a parsed `new ConnectUI(props)` (without onEvent, a function the browser
// layer keeps itself).
type ConnectUIProps struct {
	SessionToken string
	BaseURL      string
	APIURL       string
	// DetectClosed is the text of a truthy detectClosedAuthWindow ("true" for true), "" when off.
	DetectClosed string
	Lang         string
	Theme        string
}

// ParseConnectUIProps applies the anchor's defaults. Like the anchor, an explicit empty apiURL
// leaves apiURL out of the iframe URL.
func ParseConnectUIProps(v any) (ConnectUIProps, *AuthError) {
	o, err := optionalObject(v, "Connect UI options")
	if err != nil {
		return ConnectUIProps{}, err
	}
	p := ConnectUIProps{BaseURL: DefaultConnectUIBaseURL, APIURL: DefaultConnectUIAPIURL}
	str := func(key string, dst *string, def string) *AuthError {
		raw, ok := o.Get(key)
		if !ok || raw == Undefined {
			*dst = def
			return nil
		}
		s, isString := raw.(string)
		if !isString {
			return invalidOption(key + " must be a string")
		}
		*dst = s
		return nil
	}
	for _, f := range []struct {
		key string
		dst *string
		def string
	}{
		{"sessionToken", &p.SessionToken, ""},
		{"baseURL", &p.BaseURL, DefaultConnectUIBaseURL},
		{"apiURL", &p.APIURL, DefaultConnectUIAPIURL},
		{"lang", &p.Lang, ""},
		{"themeOverride", &p.Theme, ""},
	} {
		if err := str(f.key, f.dst, f.def); err != nil {
			return ConnectUIProps{}, err
		}
	}
	if d, _ := o.Get("detectClosedAuthWindow"); Truthy(d) {
		p.DetectClosed = ToString(d)
	}
	return p, nil
}

// ConnectUIQuery is the query the anchor appends to the Connect UI URL, in its order:
// apiURL, detectClosedAuthWindow, lang, theme, as [key, value] pairs for URLSearchParams.append.
func (p ConnectUIProps) ConnectUIQuery() [][2]string {
	var q [][2]string
	if p.APIURL != "" {
		q = append(q, [2]string{"apiURL", p.APIURL})
	}
	if p.DetectClosed != "" {
		q = append(q, [2]string{"detectClosedAuthWindow", p.DetectClosed})
	}
	if p.Lang != "" {
		q = append(q, [2]string{"lang", p.Lang})
	}
	if p.Theme != "" {
		q = append(q, [2]string{"theme", p.Theme})
	}
	return q
}

// WithTrailingSlash is the anchor's rule for the Connect UI path: its built assets use relative
// paths, which only resolve when the document path ends with '/'.
func WithTrailingSlash(pathname string) string {
	if strings.HasSuffix(pathname, "/") {
		return pathname
	}
	return pathname + "/"
}

// Connect UI event types (iframe → parent), and the session token message (parent → iframe).
const (
	ConnectUIReady           = "ready"
	ConnectUIClose           = "close"
	ConnectUIConnect         = "connect"
	ConnectUIError           = "error"
	ConnectUISettingsChanged = "settings_changed"
	ConnectUISessionToken    = "session_token"
)

// ConnectUIEventType returns the type of a message from the Connect UI iframe, and false for
// data the anchor would ignore (not an object, or no type).
func ConnectUIEventType(data any) (string, bool) {
	o, ok := data.(*Object)
	if !ok {
		return "", false
	}
	t, _ := o.Get("type")
	if !Truthy(t) {
		return "", false
	}
	return ToString(t), true
}
