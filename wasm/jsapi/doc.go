//go:build js && wasm

// Package jsapi is the JavaScript face of the SDK: the functions the glue (js/) calls, each a
// translation of @nangohq/frontend's public API onto package browser, which package nango (the
// Go face) translates Go types onto as well. Every export parses its arguments, does the
// synchronous part (window.open) inside the call and returns at once, without blocking: a popup
// auth() returns a Promise that its flow settles in the JavaScript task in which it ends, with no
// goroutine in between; create() and the custom-auth modes await fetch in a goroutine
// (browser.PromiseOf). Sync failures that the anchor throws are returned as
// {error: {type, message}} for the glue to throw as an AuthError.
package jsapi
