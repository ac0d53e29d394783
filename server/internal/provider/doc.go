// Package provider is the mock OAuth provider, the dev server's third origin: it stands in for
// every provider of the catalog at the mock twin of the provider's own URLs (docs/wire.md §3).
// It shows a consent page with Approve and Deny, issues single-use codes bound to the client,
// the redirect_uri, the authorize URL's host and the PKCE challenge, and redeems them at a token
// endpoint that checks all of them (RFC 6749 §4.1, RFC 7636); it also answers the client
// credentials grant and the credential test the API host makes for API-key style auth modes, and
// acts out the faults a flow asks for.
//
// It talks to the API host only over HTTP, as a real provider does; it knows the clients the
// wiring registers and never reads the API host's store.
package provider
