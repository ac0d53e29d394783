//go:build js && wasm

// Command jshello is a size baseline of make bench: the floor's program (bench/floor) written
// with syscall/js instead of safejs, which is what safejs's error recovery costs.
package main

import "syscall/js"

func main() {
	binding := js.Global().Get("__nangoWasmBinding")
	if binding.Type() != js.TypeObject {
		return
	}
	binding.Set("hello", js.FuncOf(func(js.Value, []js.Value) any { return "hello" }))
	binding.Call("ready")
	select {}
}
