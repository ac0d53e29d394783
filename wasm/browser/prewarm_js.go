//go:build js && wasm

package browser

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// Prewarm runs an auth() flow once (Client.Start in auto mode, the socket's ack and result, the
// settling of its Promise) against a stand-in popup and an EventTarget in place of the
// WebSocket: no window, socket or request. V8 compiles WebAssembly functions lazily, the first
// time they are called, and a Go binary's are many and large: without this the first auth() of
// a page took ~40 ms longer than the next ones from the click to the result (make bench), most of
// it compiling. The glue calls it when the page is idle after start-up. JavaScript runs one task
// at a time, so swapping openWindow (popup_js.go) and socketConstructor (socket_js.go) for its
// duration affects nothing else.
func Prewarm() {
	defer func() { _ = recover() }() // best effort: a prewarm must never break the page
	standIn, err := newObject("closed", false)
	if err != nil {
		return
	}
	savedOpen, savedSocket := openWindow, socketConstructor
	openWindow = func(width, height float64) (safejs.Value, bool) {
		_ = auth.WindowFeatures(auth.ComputeLayout(1920, 1080, width, height))
		return standIn, true
	}
	socketConstructor = func() safejs.Value { return global("EventTarget") }
	defer func() { openWindow, socketConstructor = savedOpen, savedSocket }()

	opts := auth.NewObject()
	opts.Set("host", "https://prewarm.invalid")
	opts.Set("connectSessionToken", "nango_connect_session_prewarm")
	c, err := NewClient(opts, safejs.Undefined(), safejs.Undefined())
	if err != nil {
		return
	}
	// The arguments as the glue encodes them (js/values.js), decoded as jsapi decodes them.
	args, err := auth.DecodeValue(`["prewarm",{"params":{"subdomain":"prewarm"},"authorization_params":{"subdomain":"prewarm","n":#3ff8000000000000}},u]`)
	list, _ := args.([]any)
	if err != nil || len(list) != 3 {
		return
	}
	call, aerr := auth.ParseAuthCall(list[0], list[1], list[2])
	if aerr != nil {
		return
	}
	pending, err := c.Start(call, safejs.Undefined())
	if err != nil {
		return
	}
	// Function.prototype does nothing: it stands in for the resolve and reject of the glue's Promise.
	if noop, err := global("Function").Get("prototype"); err == nil {
		settle := SettlerOf(noop, noop)
		pending.OnSettle(func(r auth.Result, err error) {
			if v, verr := ResultValue(r); verr == nil && err == nil {
				settle.Resolve(v)
			}
		})
	}
	pending.r.dispatch(auth.SocketReady{ClientID: "prewarm"})
	// The stand-in reads as closed before the result comes, so finishing schedules no close of
	// it; it asks collectSoon instead, which collects at the next idle moment the garbage of
	// start-up and this run, which would otherwise land in the middle of the user's first flow.
	_ = standIn.Set("closed", true)
	data, err := safejs.ValueOf(`{"message_type":"success","provider_config_key":"prewarm","connection_id":"prewarm","is_pending":false}`)
	if frame, ok := frameValue(data); ok && err == nil {
		pending.r.dispatch(auth.SocketFrame{Data: frame})
	}
	_ = ToGo(standIn)                  // reads the popup's messages
	pending.r.dispatch(auth.Cleared{}) // settles it if the frame did not
	_ = ErrorValue(auth.ServerError("callback_err", "prewarm", nil))
	_ = ToJS(call.Options)
}
