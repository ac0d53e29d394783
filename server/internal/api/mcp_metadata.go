package api

import (
	"net/http"
	"net/url"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// clientMetadataDocument is Nango's client ID metadata document, in its key order.
type clientMetadataDocument struct {
	ClientID                string   `json:"client_id"`
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	RedirectURIs            []string `json:"redirect_uris"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
}

// ClientMetadataURL is the URL of an integration's client ID metadata document, which is also
// the client_id it stands for (Nango's getGlobalClientMetadataDocumentUrl).
func (a *API) ClientMetadataURL(key string) string {
	return a.apiURL + "/oauth/client-metadata/" + a.environmentUUID + "/" + url.PathEscape(key)
}

// clientMetadata is GET /oauth/client-metadata/{environmentUuid}/{providerConfigKey}: the
// public client an MCP integration is to an authorization server that reads client ID metadata
// documents. Nango serves it only when its own URL is https; the dev server serves it on its
// http origin too, since the mock provider is the only reader.
func (a *API) clientMetadata(w http.ResponseWriter, r *http.Request) {
	envUUID, key := r.PathValue("environmentUuid"), r.PathValue("providerConfigKey")
	if !web.UUIDv4Pattern.MatchString(envUUID) || !ProviderConfigKeyPattern.MatchString(key) {
		web.WriteError(w, web.NewError(http.StatusBadRequest, "invalid_uri_params", ""))
		return
	}
	if envUUID != a.environmentUUID {
		web.WriteError(w, web.NewError(http.StatusNotFound, "unknown_environment", ""))
		return
	}
	in, ok := a.integrations.get(key)
	if !ok || (in.Provider.AuthMode != "MCP_OAUTH2" && in.Provider.AuthMode != "MCP_OAUTH2_GENERIC") {
		web.WriteError(w, web.NewError(http.StatusNotFound, "unknown_provider_config", ""))
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	web.WriteJSON(w, http.StatusOK, clientMetadataDocument{
		ClientID:                a.ClientMetadataURL(key),
		ClientName:              "Nango",
		ClientURI:               "https://nango.dev",
		RedirectURIs:            []string{a.CallbackURL()},
		GrantTypes:              []string{"authorization_code", "refresh_token"},
		ResponseTypes:           []string{"code"},
		TokenEndpointAuthMethod: "none",
	})
}
