/*! nango-wasm: Nango's frontend SDK in Go/WebAssembly. https://github.com/nango-wasm/nango-wasm */
// Go's wasm_exec.js (included verbatim, wrapped in nangoInstallGo, js/runtime.js) defines the globals Go, fs, process
// and path when they are missing. A `process` global makes other libraries believe they run in
// Node, and a host page may ship its own Go program with its own `Go`, so the SDK remembers what
// was there just before it runs wasm_exec.js and puts it back once nango.wasm has started. `fs`
// stays: the Go runtime writes its crash reports through it. TextEncoder and TextDecoder are lent
// for a moment where they are missing (js/runtime.js).
let nangoSavedGlobals = null;
