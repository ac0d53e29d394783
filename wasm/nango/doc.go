//go:build js && wasm

// Package nango connects your users' accounts through Nango from a Go program compiled to
// WebAssembly (GOOS=js GOARCH=wasm), whether it uses plain syscall/js, go-app, Vecty or another
// UI library. It is @nangohq/frontend in Go types: a Client (`new Nango()`), Auth, Reconnect,
// Create and Clear, and Nango's Connect UI.
//
// # Call Auth inside the click
//
// A browser opens a popup only while it handles a user's gesture. Call (*Client).Auth (and
// Reconnect) synchronously from the event handler of a click, a js.FuncOf listener, before
// anything that waits: Auth opens the popup inside that call and returns at once with a
// *Pending. Then wait for the result in a goroutine, never in the handler: a js.FuncOf callback
// that blocks deadlocks the page.
//
//	onClick := js.FuncOf(func(js.Value, []js.Value) any {
//		pending, err := client.Auth("github", nango.AuthOptions{}) // the popup opens here
//		if err != nil {
//			show(err) // a mistake in the options: nothing was opened
//			return nil
//		}
//		go func() {
//			result, err := pending.Wait(ctx) // blocks this goroutine only
//			show(result, err)
//		}()
//		return nil
//	})
//
// Called anywhere else (from a timer, after a fetch, at start-up), the browser blocks the popup
// (Safari at once, Chromium once the gesture is a few seconds old) and Wait returns an
// *AuthError of type BlockedByBrowser.
//
// # Every call settles
//
// Wait always returns: with the connection, or with an *AuthError whose Type says what went
// wrong (the user denied access, closed the popup, the timeout passed, a newer Auth replaced
// this one, the server refused the session, ...). errors.As gets at the *AuthError, and errors.Is
// matches the sentinels (ErrAccessDenied, ErrBlockedByBrowser, ...). Cancelling Wait's context
// aborts the call and closes its popup.
//
// # One implementation, two faces
//
// The JavaScript SDK (nango.js and nango.wasm) and this package are two faces of one Go
// implementation: the same options, query strings, trust rules for the popup's messages,
// WebSocket and errors, tested against the real @nangohq/frontend. Only the types differ.
package nango
