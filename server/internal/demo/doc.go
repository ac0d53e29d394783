// Package demo is the demo app, the dev server's first origin: a page where a developer picks
// an integration, fills its connection config and clicks Connect (nango-wasm does the rest),
// and the page's backend, which holds the secret key and talks to the Nango API stand-in over
// HTTP only, as a real app's backend does. The page never sees the secret key or a token.
package demo
