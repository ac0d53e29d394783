// Package server is the nango-wasm dev server: a local stand-in for the parts of the Nango API
// (api.nango.dev) that a frontend touches, a mock OAuth2 provider, a demo app and the Connect
// UI, each on its own origin as in production, so that cross-origin behaviour is what the SDK is
// tested against. The wire protocol follows Nango's (see /docs/wire.md for where we go beyond it).
//
// This package only wires the origins together: Config and the config file (config.go,
// config_file.go), the integrations it declares (integrations_config.go), Start and Shutdown
// (server.go), request logging with secrets redacted (logging.go) and the listeners' limits
// (limits.go). Each origin is a package under internal/, and they talk to each other over HTTP
// only, as in production:
//
//   - internal/api: the Nango API stand-in (sessions, OAuth, callback, custom auth, connections,
//     integrations, webhooks, the SDK's WebSocket, CORS, Nango's error catalogue);
//   - internal/provider: the mock OAuth provider (consent, token, credential test, its faults);
//   - internal/demo: the demo app and its backend;
//   - internal/connectui: the Connect UI page, on its own origin and at the API host's /connect/.
//
// Beneath them, what they share: internal/store (where the API host keeps sessions, states and
// connections: in memory, or in a bbolt file), internal/catalog (the providers, interpolation,
// ordered JSON, fault names) and internal/web (the error envelope, validation, pages, SDK files,
// ids, body limits). The import graph follows the wire (deps_test.go): the mock provider never
// imports the store.
package server
