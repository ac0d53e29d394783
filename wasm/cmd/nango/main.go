//go:build js && wasm

// Command nango is nango.wasm: it registers the SDK's functions on the binding object the glue
// (js/) names in argv[1], tells the glue it is ready, and then waits for calls.
package main

import (
	"os"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/jsapi"
)

func main() {
	if len(os.Args) < 2 {
		println("nango.wasm: start it through nango.js")
		return
	}
	binding, err := safejs.Global().Get(os.Args[1])
	if err != nil || binding.Type() != safejs.TypeObject {
		println("nango.wasm: the glue's binding object is missing")
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

		"sessionToken":             jsapi.SessionToken,
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
