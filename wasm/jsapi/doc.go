//go:build js && wasm

// Package jsapi is the JavaScript face of the SDK: the functions the glue (js/) calls, each a
// translation of @nangohq/frontend's public API onto package browser. Every export follows one
// order: parse the arguments, do the synchronous part (window.open) inside the call, hand any
// waiting to a goroutine, return a Promise at once. Sync failures that the anchor throws are
// returned as {error: {type, message}} for the glue to throw as an AuthError.
package jsapi
