//go:build js && wasm

package browser

import (
	"strconv"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// socketConstructor is the WebSocket class, read when a flow opens its socket; Prewarm puts an
// EventTarget in its place, so that running a flow against stand-ins opens no socket.
var socketConstructor = func() safejs.Value { return global("WebSocket") }

// socket is the WebSocket channel of one flow: Nango's server sends connection_ack with a
// ws_client_id, then one success or error frame
// (https://developer.mozilla.org/docs/Web/API/WebSocket).
type socket struct {
	ws    safejs.Value
	stops []func()
}

// openSocket connects to url. onFrame gets each parsed JSON frame; onDown is called when the
// socket closes or never opens (a refused upgrade, a proxy, CSP connect-src): the anchor listens
// for neither, which is how its promises hang.
func openSocket(url string, onFrame func(data any), onDown func(reason string), onPanic func(error)) (*socket, error) {
	ws, err := socketConstructor().New(url)
	if err != nil {
		return nil, err
	}
	s := &socket{ws: ws}
	stop, err := listen(ws, "message", func(ev safejs.Value) {
		data, _ := ev.Get("data")
		if frame, ok := frameValue(data); ok {
			onFrame(frame)
		}
	}, onPanic)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.stops = append(s.stops, stop)
	stop, err = listen(ws, "close", func(ev safejs.Value) {
		code, _ := numberProp(ev, "code")
		onDown("WebSocket closed with code " + strconv.Itoa(int(code)))
	}, onPanic)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.stops = append(s.stops, stop)
	return s, nil
}

// Close removes the listeners, releases their callbacks and closes the socket.
func (s *socket) Close() {
	if s == nil {
		return
	}
	for _, stop := range s.stops {
		stop()
	}
	s.stops = nil
	_, _ = s.ws.Call("close")
}

// frameValue reads a frame's JSON. Nango's frames (compact JSON, no fractions) are read in Go from
// the one string, as the glue's encoding is (auth.DecodeValue); any other JSON goes through the
// browser's JSON.parse and ToGo, a bridge call per key and value. Not JSON: not a Nango frame.
func frameValue(data safejs.Value) (any, bool) {
	if text, err := data.String(); err == nil && data.Type() == safejs.TypeString {
		if v, err := auth.DecodeValue(text); err == nil {
			return v, true
		}
	}
	parsed, err := global("JSON").Call("parse", data)
	if err != nil {
		return nil, false
	}
	return ToGo(parsed), true
}
