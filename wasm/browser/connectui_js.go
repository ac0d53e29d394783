//go:build js && wasm

package browser

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// ConnectUI is Nango's Connect UI in a full-page iframe, as @nangohq/frontend's ConnectUI, with
// three differences: the session token is posted to the Connect UI's exact origin (never '*'),
// a message counts only when it comes from that origin AND from this iframe's window, and close()
// puts back the page's own body overflow instead of clearing it.
type ConnectUI struct {
	props   auth.ConnectUIProps
	this    safejs.Value // the JavaScript ConnectUI, whose public `iframe` mirrors ours
	onEvent safejs.Value // the page's onEvent function, or undefined
	// onGoEvent gets the events instead of onEvent for a Go program.
	onGoEvent func(event any)
	iframe    safejs.Value
	origin    string
	ready     bool
	stop      func()
	// overflow is document.body.style.overflow before open(), restored by close().
	overflow string
}

// NewConnectUI parses props (the core's value model) with the anchor's defaults. Its events go
// to onGoEvent, in the core's value model, for a Go program, else to onEvent (or nowhere when it
// is undefined), in the JavaScript task of their message. onEvent is the glue's wrapper of the
// page's handler, which never throws: what the page's code throws would reach Go as a value
// whose reading may itself throw, and stop the runtime (js/values.js). this is the JavaScript
// ConnectUI, undefined for Go programs. It fails with invalid_options.
func NewConnectUI(props any, this, onEvent safejs.Value, onGoEvent func(event any)) (*ConnectUI, error) {
	p, err := auth.ParseConnectUIProps(props)
	if err != nil {
		return nil, err
	}
	u := &ConnectUI{props: p, this: this, onEvent: onEvent, onGoEvent: onGoEvent}
	u.setPublicIframe(safejs.Null())
	return u, nil
}

// Open mounts the iframe and starts listening. It does nothing while the iframe is mounted, so
// a second open() never leaves an orphan iframe; a stale one (removed by someone else) is
// cleaned up and replaced.
func (u *ConnectUI) Open() error {
	if u.iframe.Type() == safejs.TypeObject {
		if connected, _ := u.iframe.Get("isConnected"); connected.Type() == safejs.TypeBoolean {
			if b, _ := connected.Bool(); b {
				return nil
			}
		}
		u.Close()
	}
	src, origin, err := u.src()
	if err != nil {
		return err
	}
	iframe, err := newIframe(src)
	if err != nil {
		return err
	}
	body, err := documentBody()
	if err != nil {
		return err
	}
	stop, err := listen(global("window"), "message", u.onMessage, nil)
	if err != nil {
		return err
	}
	if _, err := body.Call("append", iframe); err != nil {
		stop()
		return err
	}
	u.iframe, u.origin, u.stop, u.ready = iframe, origin, stop, false
	style, _ := body.Get("style")
	prev, _ := style.Get("overflow")
	u.overflow, _ = prev.String()
	_ = style.Set("overflow", "hidden")
	u.setPublicIframe(iframe)
	return nil
}

// src is the iframe URL: baseURL with a trailing slash and the anchor's query, in its order.
// Only an http(s) baseURL is framed: a javascript: URL in an iframe runs in the app's origin.
func (u *ConnectUI) src() (string, string, error) {
	url, err := global("URL").New(u.props.BaseURL)
	if err != nil {
		return "", "", auth.NewError(auth.InvalidOptions, "baseURL is not a URL: "+err.Error())
	}
	protocol, _ := url.Get("protocol")
	if p, _ := protocol.String(); p != "http:" && p != "https:" {
		return "", "", auth.NewError(auth.InvalidOptions, "baseURL must be an http: or https: URL, not "+p)
	}
	path, _ := url.Get("pathname")
	p, _ := path.String()
	_ = url.Set("pathname", auth.WithTrailingSlash(p))
	params, _ := url.Get("searchParams")
	for _, kv := range u.props.ConnectUIQuery() {
		_, _ = params.Call("append", kv[0], kv[1])
	}
	href, _ := url.Get("href")
	origin, _ := url.Get("origin")
	h, _ := href.String()
	o, _ := origin.String()
	return h, o, nil
}

func newIframe(src string) (safejs.Value, error) {
	doc := global("document")
	iframe, err := doc.Call("createElement", "iframe")
	if err != nil {
		return safejs.Value{}, err
	}
	_ = iframe.Set("src", src)
	_ = iframe.Set("id", "connect-ui")
	style, _ := iframe.Get("style")
	for _, kv := range [][2]string{
		{"position", "fixed"}, {"zIndex", "9999"}, {"top", "0"}, {"left", "0"}, {"right", "0"}, {"bottom", "0"},
		{"width", "100vw"}, {"height", "100vh"}, {"backgroundColor", "transparent"},
		// Beyond the anchor: no inset border round the page, and a colour scheme of the iframe's
		// own, so that the page's color-scheme never differs from the Connect UI's root (which
		// declares none) and the browser keeps the frame see-through (CSS Color Adjustment §3).
		{"border", "0"}, {"colorScheme", "normal"},
	} {
		_ = style.Set(kv[0], kv[1])
	}
	_ = iframe.Set("allow", "clipboard-write")
	return iframe, nil
}

func documentBody() (safejs.Value, error) {
	body, err := global("document").Get("body")
	if err != nil || body.Type() != safejs.TypeObject {
		return safejs.Value{}, auth.NewError(auth.UnknownError, "openConnectUI() needs a document body")
	}
	return body, nil
}

// onMessage trusts a message only from the Connect UI's origin and this iframe's window; the
// anchor checks the origin alone, which any other frame of that origin passes.
func (u *ConnectUI) onMessage(ev safejs.Value) {
	o, _ := ev.Get("origin")
	origin, _ := o.String()
	src, _ := ev.Get("source")
	win, _ := u.iframe.Get("contentWindow")
	if ok, _ := auth.Trusted(origin, u.origin, src.Equal(win)); !ok {
		return
	}
	data, _ := ev.Get("data")
	event := ToGo(data)
	typ, ok := auth.ConnectUIEventType(event)
	if !ok {
		return
	}
	switch typ {
	case auth.ConnectUIReady:
		u.ready = true
		u.sendSessionToken()
	case auth.ConnectUIClose:
		u.Close()
	}
	if u.onGoEvent != nil {
		u.onGoEvent(event)
	} else if u.onEvent.Type() == safejs.TypeFunction {
		_, _ = u.onEvent.Invoke(data) // it reports what the page's handler throws itself
	}
}

// SetSessionToken stores the token and sends it when the Connect UI is ready.
func (u *ConnectUI) SetSessionToken(token string) {
	u.props.SessionToken = token
	if u.ready {
		u.sendSessionToken()
	}
}

// sendSessionToken posts {type: 'session_token', sessionToken} to the Connect UI's origin only:
// a page that navigated the frame elsewhere must not receive the token.
func (u *ConnectUI) sendSessionToken() {
	if u.props.SessionToken == "" || u.iframe.Type() != safejs.TypeObject {
		return
	}
	win, err := u.iframe.Get("contentWindow")
	if err != nil || win.Type() != safejs.TypeObject {
		return
	}
	msg, err := newObject("type", auth.ConnectUISessionToken, "sessionToken", u.props.SessionToken)
	if err != nil {
		return
	}
	_, _ = win.Call("postMessage", msg, u.origin)
}

// Close removes the iframe and the listener (releasing its function) and restores the page's
// body overflow as it was before open().
func (u *ConnectUI) Close() {
	if u.stop != nil {
		u.stop()
		u.stop = nil
	}
	if u.iframe.Type() == safejs.TypeObject {
		_, _ = u.iframe.Call("remove")
		u.iframe = safejs.Value{}
		if body, err := documentBody(); err == nil {
			style, _ := body.Get("style")
			_ = style.Set("overflow", u.overflow)
		}
	}
	u.ready = false
	u.setPublicIframe(safejs.Null())
}

func (u *ConnectUI) setPublicIframe(v safejs.Value) {
	if u.this.Type() == safejs.TypeObject {
		_ = u.this.Set("iframe", v)
	}
}
