package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// routes is the API host's whole wire surface: the paths of Nango's public API that a
// frontend (the SDK, the Connect UI) and an app backend touch. A WebSocket path that collides
// with another route is an error, not a panic.
func (a *API) routes(websocketsPath string) (h http.Handler, err error) {
	mux := http.NewServeMux()
	defer func() {
		if p := recover(); p != nil {
			h, err = nil, fmt.Errorf("nango: the WebSocket path %q collides with another route: %v", websocketsPath, p)
		}
	}()
	mux.Handle("GET "+muxPath(websocketsPath), a.hub) // the SDK's WebSocket

	mux.HandleFunc("POST /connect/sessions", a.createSession)
	mux.HandleFunc("POST /connect/sessions/reconnect", a.createReconnectSession)
	mux.HandleFunc("GET /connect/session", a.getSession)
	mux.HandleFunc("DELETE /connect/session", a.deleteSession)
	mux.HandleFunc("POST /connect/telemetry", a.telemetry)
	mux.Handle("GET /connect/", a.connectUI) // the Connect UI page (ConnectUI's baseURL)

	mux.HandleFunc("GET /integrations", a.listIntegrations)
	mux.HandleFunc("GET /providers", a.listProviders)
	mux.HandleFunc("GET /providers/{provider}", a.getProvider)
	mux.HandleFunc("GET /images/template-logos/{file}", a.logo)

	mux.HandleFunc("GET /oauth/connect/{providerConfigKey}", a.oauthConnect)
	mux.HandleFunc("GET /oauth/connect/{$}", a.oauthConnectMissingKey)
	mux.HandleFunc("GET /oauth/callback", a.oauthCallback)
	mux.HandleFunc("HEAD /oauth/callback", web.RefuseHead) // a HEAD never completes a connection
	for _, route := range customAuthRoutes {
		mux.Handle("POST "+route.path+"/{providerConfigKey}", a.customAuth(route))
	}

	mux.HandleFunc("GET /connections", a.listConnections)
	mux.HandleFunc("GET /connection", a.listConnections)
	mux.HandleFunc("GET /connection/{connectionId}", a.getConnection)
	mux.HandleFunc("GET /connections/{connectionId}", a.getConnection)
	mux.HandleFunc("DELETE /connection/{connectionId}", a.deleteConnection)
	mux.HandleFunc("DELETE /connections/{connectionId}", a.deleteConnection)

	mux.HandleFunc("GET /health", web.Health)
	a.emulatorRoutes(mux)

	mux.HandleFunc("GET /sdk/{file}", a.sdk.Serve)
	mux.HandleFunc("/", web.NotFound)
	return mux, nil
}

// muxPath turns a URL path into a ServeMux pattern that matches it exactly.
func muxPath(path string) string {
	if strings.HasSuffix(path, "/") {
		return path + "{$}"
	}
	return path
}
