//go:build js && wasm

// Command floor is the size and start-up baseline of make bench: the least a Go program compiled
// to wasm can be while importing safejs, exporting one function and speaking the glue's start-up
// protocol (take the binding object from the global the glue sets, register on it, call ready),
// so that nango.js can load it exactly as it loads nango.wasm.
//
// It is its own module, built against safejs v0.1.0 as published: nango.wasm's budget is set
// against this floor as it was before nango.wasm patched safejs (third_party/safejs), so the
// patch must not move the baseline. Its size differs from the floor built with os.Args (the
// glue's earlier protocol) by a few hundred bytes of brotli noise.
package main

import "github.com/hack-pad/safejs"

func main() {
	binding, err := safejs.Global().Get("__nangoWasmBinding")
	if err != nil {
		return
	}
	hello, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { return "hello" })
	if err != nil {
		return
	}
	if binding.Set("hello", hello.Value()) != nil {
		return
	}
	_, _ = binding.Call("ready")
	select {}
}
