// Package api is the Nango API stand-in, the dev server's second origin (api.nango.dev, locally):
// the part of Nango's public API that a frontend and an app backend touch, with Nango's paths,
// query keys, JSON shapes, status codes and {"error":{"code","message"}} envelope. routes.go is
// its whole wire surface.
//
// Where things live: connect sessions in sessions*.go; the popup's OAuth flow from
// /oauth/connect (oauth*.go) to the callback page (callback*.go); the SDK's non-popup auth
// endpoints in customauth*.go; connections in connections*.go; integrations and providers in
// integrations.go; auth webhooks, built in webhook.go and delivered by webhook_sender.go; the
// SDK's WebSocket in ws*.go; the CORS policy in cors.go; Nango's error catalogue in errors.go.
//
// It is strict where Nango is lax: connection config values are checked against the provider's
// pattern, the OAuth state is single-use and bound to a cookie, and everything reflected into a
// page is escaped. It reaches the mock provider (or a real one) over HTTP only, and keeps what it
// must remember in the store.
package api
