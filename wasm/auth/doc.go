// Package auth is the pure-Go core of the nango-wasm SDK: it parses the options and arguments of
// Nango's frontend API, builds the exact query strings and popup features of @nangohq/frontend,
// decides which messages to trust, decodes them, and runs one auth() call as a state machine.
//
// Nothing here touches JavaScript: the browser layer (package browser) converts JS values into the
// value model of value.go, feeds events to a Flow and carries out the Steps it returns. Keeping the
// core free of syscall/js lets every rule be tested natively, and keeping it free of net/url,
// encoding/json and time keeps the wasm binary small (the browser already has URL, JSON and timers).
package auth
