package api

import (
	"net/http"
	"net/url"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// pluginInstallURL is Nango's installPluginRequest: the popup goes to the integration's
// app_link, the marketplace page of its plugin, with the state as payload.
func (a *API) pluginInstallURL(flow *popupFlow) (string, *web.Error) {
	page, err := catalog.ParseProviderURL(flow.in.PluginLink)
	if err != nil {
		return "", invalidConnectionConfig("The integration's app_link is not a valid url.")
	}
	query := url.Values{"payload": {flow.state.State}}
	if len(flow.faults) > 0 {
		query.Set(catalog.FaultParam, flow.faults.String())
	}
	return a.endpoint(flow.in, "install", page) + "?" + query.Encode(), nil
}

// pluginInstalled is Nango's installPluginCallback: the marketplace sends the popup back to
// the callback with the payload and the provider's redirect_uri_metadata (Crisp's
// website_id); the connection's credentials are the integration's own plugin keys (the
// provider's auth_type, username and password), tested at the provider before they are stored.
// Nango stores the connection whatever the query says; the dev server refuses a return that
// carries the provider's error (the mock's Cancel).
func (a *API) pluginInstalled(w http.ResponseWriter, r *http.Request, st *store.OAuthState, ref flowRef, in *Integration) {
	q := r.URL.Query()
	if e := providerCallbackError("The plugin was not installed.", q); e.ProviderError != nil {
		a.failFlow(w, r, e, ref)
		return
	}
	p := in.Provider
	config := catalog.NewOrderedMap()
	metadata, _ := p.Raw["redirect_uri_metadata"].([]any)
	for _, key := range metadata {
		if k, ok := key.(string); ok && q.Get(k) != "" {
			config.Set(k, q.Get(k))
		}
	}
	config.Assign(st.ConnectionConfig)
	authType, _ := p.Raw["auth_type"].(string)
	creds := map[string]any{"type": authType, "username": in.ClientID, "password": in.ClientSecret}
	if _, err := a.testCredentials(r.Context(), in, creds, config); err != nil {
		a.failFlow(w, r, a.testFailure(in, err, errConnectionTestFailed), ref)
		return
	}
	a.finishFlow(w, r, st, ref, finishedFlow{
		AuthMode:    p.AuthMode,
		Config:      config,
		Credentials: credentialsOf("type", authType, "username", in.ClientID, "password", in.ClientSecret),
	})
}
