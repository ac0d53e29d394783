//go:build js && wasm

// Command floor is the size and start-up baseline of make bench: the least a Go program compiled
// to wasm can be while importing safejs, exporting one function and speaking the glue's start-up
// protocol (read the binding's name from argv, register on it, call ready), so that nango.js can
// load it exactly as it loads nango.wasm.
package main

import (
	"os"

	"github.com/hack-pad/safejs"
)

func main() {
	if len(os.Args) < 2 {
		return
	}
	binding, err := safejs.Global().Get(os.Args[1])
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
