//go:build js && wasm

// Package browser is the thin layer between the auth core and the browser, on
// github.com/hack-pad/safejs: it opens the popup (popup_js.go), listens for messages
// (listen_js.go), runs timers, and drives one auth.Flow per auth() call (runner_js.go).
//
// Two faces sit on it: package jsapi, which the JavaScript glue calls, and package nango, the Go
// API for Go programs compiled to wasm. Both parse their arguments into the core's value model,
// so that one implementation serves both.
//
// Every function that touches JavaScript returns an error instead of panicking, every js.Func it
// makes is released in the function that made it (or by the teardown written next to it), and
// every callback recovers from panics: a panic that crosses into JavaScript kills the Go runtime.
package browser
