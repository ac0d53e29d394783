//go:build js && wasm

package nango

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/nango-wasm/nango-wasm/wasm/browser"
)

// ConnectUIOptions configure Nango's Connect UI: @nangohq/frontend's ConnectUIProps.
type ConnectUIOptions struct {
	// SessionToken is the connect session token the Connect UI runs with; default the
	// Client's ConnectSessionToken.
	SessionToken string
	// BaseURL is where the Connect UI is served; default DefaultConnectUIURL. The nango-wasm
	// dev server serves one at http://127.0.0.1:3009.
	BaseURL string
	// APIURL is the Nango API host the Connect UI talks to; default DefaultConnectUIAPIURL.
	APIURL string
	// Lang is the Connect UI's language, such as "en" or "fr"; default English.
	Lang string
	// ThemeOverride is "light", "dark" or "system"; default the Connect UI's setting.
	ThemeOverride string
	// DetectClosedAuthWindow is passed on to the Connect UI's own popup flows.
	DetectClosedAuthWindow bool
	// OnEvent, when set, receives each event of the Connect UI, in the browser's event loop: it
	// must not block (start a goroutine for anything that waits). A panic in it is recovered and
	// logged to the console.
	OnEvent func(ConnectUIEvent)
}

// ConnectUIEventType says what happened in the Connect UI.
type ConnectUIEventType string

// Connect UI events.
const (
	// ConnectUIReady: the Connect UI has loaded and received its session token.
	ConnectUIReady ConnectUIEventType = auth.ConnectUIReady
	// ConnectUIClose: the user closed the Connect UI, which has removed its iframe.
	ConnectUIClose ConnectUIEventType = auth.ConnectUIClose
	// ConnectUIConnect: a connection was made; ConnectUIEvent.Result holds it.
	ConnectUIConnect ConnectUIEventType = auth.ConnectUIConnect
	// ConnectUIError: a connection failed; ConnectUIEvent.Err says why.
	ConnectUIError ConnectUIEventType = auth.ConnectUIError
	// ConnectUISettingsChanged: the Connect UI's settings (theme, ...) are in
	// ConnectUIEvent.Payload.
	ConnectUISettingsChanged ConnectUIEventType = auth.ConnectUISettingsChanged
)

// ConnectUIEvent is one event of the Connect UI.
type ConnectUIEvent struct {
	Type ConnectUIEventType
	// Result is the connection of a ConnectUIConnect event.
	Result Result
	// Err is the failure of a ConnectUIError event, typed as Wait's errors are.
	Err *AuthError
	// Payload is the event's payload as encoding/json would decode it into an any
	// (map[string]any, []any, string, float64, bool, nil), for any type of event.
	Payload any
}

// ConnectUI is Nango's Connect UI in a full-page iframe. nango-wasm posts the session token to
// the Connect UI's origin only and accepts events only from that origin and its own iframe.
type ConnectUI struct{ u *browser.ConnectUI }

// OpenConnectUI opens Nango's Connect UI over the page, as @nangohq/frontend's openConnectUI
// does: the user picks an integration and connects it there. It fails with InvalidOptions when
// BaseURL is not a URL, and UnknownError when the page has no document body.
func (c *Client) OpenConnectUI(opts ConnectUIOptions) (*ConnectUI, error) {
	if opts.SessionToken == "" {
		opts.SessionToken = c.c.Options().ConnectSessionToken
	}
	props := auth.NewObject()
	setString(props, "sessionToken", opts.SessionToken)
	setString(props, "baseURL", opts.BaseURL)
	setString(props, "apiURL", opts.APIURL)
	setString(props, "lang", opts.Lang)
	setString(props, "themeOverride", opts.ThemeOverride)
	if opts.DetectClosedAuthWindow {
		props.Set("detectClosedAuthWindow", true)
	}
	var onEvent func(any)
	if opts.OnEvent != nil {
		onEvent = func(event any) { opts.OnEvent(connectUIEvent(event)) }
	}
	u, err := browser.NewConnectUI(props, safejs.Undefined(), safejs.Undefined(), onEvent)
	if err != nil {
		return nil, err
	}
	if err := u.Open(); err != nil {
		return nil, err
	}
	return &ConnectUI{u: u}, nil
}

// Open opens the Connect UI again after Close; while it is open, Open does nothing.
func (u *ConnectUI) Open() error { return u.u.Open() }

// Close removes the Connect UI's iframe and gives the page back its scrolling.
func (u *ConnectUI) Close() { u.u.Close() }

// SetSessionToken gives the Connect UI a session token, for a page that gets it later.
func (u *ConnectUI) SetSessionToken(token string) { u.u.SetSessionToken(token) }

// connectUIEvent reads an event of the Connect UI (the core's value model).
func connectUIEvent(event any) ConnectUIEvent {
	typ, _ := auth.ConnectUIEventType(event)
	ev := ConnectUIEvent{Type: ConnectUIEventType(typ)}
	o, _ := event.(*auth.Object)
	payload, _ := o.Get("payload")
	ev.Payload = plain(payload)
	switch ev.Type {
	case ConnectUIConnect:
		ev.Result = Result(auth.ReplyResult(payload))
	case ConnectUIError:
		p, _ := payload.(*auth.Object)
		errType, _ := p.String("errorType")
		message, _ := p.String("errorMessage")
		ev.Err = auth.ServerError(errType, message, nil)
	}
	return ev
}

// plain converts the core's value model into what encoding/json decodes into an any.
func plain(v any) any {
	switch v := v.(type) {
	case *auth.Object:
		m := make(map[string]any, v.Len())
		for _, k := range v.Keys() {
			item, _ := v.Get(k)
			m[k] = plain(item)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = plain(item)
		}
		return out
	case string, float64, bool:
		return v
	}
	return nil // null, undefined, and what JSON cannot carry
}
