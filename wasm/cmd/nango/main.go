//go:build js && wasm

// Command nango is nango.wasm: it registers the SDK's functions on the binding object the glue
// (js/) hands it, tells the glue it is ready, and then waits for calls.
package main

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/jsapi"
)

// bindingGlobal is the global under which the glue (nangoLoad in js/runtime.js) hands over the
// binding object. It is there only during the synchronous start of go.run(), which runs main up
// to its first wait, so main reads it first thing. Not argv: reading os.Args links package os.
const bindingGlobal = "__nangoWasmBinding"

func main() {
	binding, err := safejs.Global().Get(bindingGlobal)
	if err != nil || binding.Type() != safejs.TypeObject {
		println("nango.wasm: start it through nango.js (no binding object under globalThis." + bindingGlobal + ")")
		return
	}
	for name, fn := range map[string]jsapi.Export{
		"newClient": jsapi.NewClient,
		"auth":      jsapi.Auth,
		"reconnect": jsapi.Reconnect,
		"create":    jsapi.Create,
		"clear":     jsapi.Clear,
		"release":   jsapi.Release,
		"liveFuncs": jsapi.LiveFuncs,
		"prewarm":   jsapi.Prewarm,

		"newConnectUI":             jsapi.NewConnectUI,
		"connectUIOpen":            jsapi.ConnectUIOpen,
		"connectUIClose":           jsapi.ConnectUIClose,
		"connectUISetSessionToken": jsapi.ConnectUISetSessionToken,
		"connectUIRelease":         jsapi.ConnectUIRelease,
	} {
		if err := jsapi.Register(binding, name, fn); err != nil {
			println("nango.wasm: cannot register", name)
			return
		}
	}
	if _, err := binding.Call("ready"); err != nil {
		println("nango.wasm: the glue did not accept the ready signal")
		return
	}
	select {}
}
