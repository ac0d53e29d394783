// Package connectui is the dev server's Connect UI: the page Nango serves at connect.nango.dev,
// which an app frames with nango.openConnectUI(). It lists the session's integrations, asks for
// their connection config and credentials, and runs nango-wasm itself. It has an origin of its
// own (Handler: the page at /, with the SDK it runs), as in production, and the Nango API
// stand-in also serves it at /connect/ (Page), where ConnectUI's baseURL points locally.
package connectui
