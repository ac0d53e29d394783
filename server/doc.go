// Package server is the nango-wasm dev server: a local stand-in for the parts of the Nango API
// (api.nango.dev) that a frontend touches, a mock OAuth2 provider, and a demo app, each on its
// own origin as in production, so that cross-origin behaviour is what the SDK is tested against.
//
// The wire protocol follows Nango's (see /docs/wire.md for where we go beyond it); inside, the
// server is strict where Nango is lax: connection config values are checked against the
// provider's pattern, the OAuth state is single-use and bound to a cookie, PKCE is bound to the
// code at the mock provider, and everything reflected into a page is escaped.
//
// Where things live: a connection is stored in one place (store.go: the store interface and
// the in-memory store; store_bolt.go: the same interface on a bbolt file); the config file is
// read by config_file.go and checked by Start (config.go, integrations_config.go); auth webhooks
// are built in webhook.go and delivered by webhook_sender.go; faults are named and combined in
// faults.go and acted on by the mock provider (provider_faults.go), the callback and the hub.
package server
