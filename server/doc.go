// Package server is the nango-wasm dev server: a local stand-in for the parts of the Nango API
// (api.nango.dev) that a frontend touches, a mock OAuth2 provider, and a demo app, each on its
// own origin as in production, so that cross-origin behaviour is what the SDK is tested against.
//
// The wire protocol follows Nango's (see /docs/wire.md for where we go beyond it); inside, the
// server is strict where Nango is lax: connection config values are checked against the
// provider's pattern, the OAuth state is single-use and bound to a cookie, PKCE is bound to the
// code at the mock provider, and everything reflected into a page is escaped.
package server
