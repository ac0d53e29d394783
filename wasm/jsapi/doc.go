//go:build js && wasm

// Package jsapi is the JavaScript face of the SDK: the functions the glue (js/) calls, each a
// translation of @nangohq/frontend's public API onto package browser, which package nango (the
// Go face) translates Go types onto as well. Every export parses its arguments, does the
// synchronous part (window.open) inside the call and returns at once, without blocking. The glue
// makes each call's Promise and passes its resolve and reject last (browser.Settler): a popup
// auth() settles it in the JavaScript task in which its flow ends, with no goroutine in between;
// create() and the custom-auth modes await fetch in a goroutine (Settler.Go). The arguments of
// auth(), reconnect() and create() come as one string (auth.DecodeValue). Sync failures that the
// anchor throws are returned as {error: {type, message}} for the glue to throw as an AuthError.
package jsapi
