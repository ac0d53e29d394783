package api

import "github.com/nango-wasm/nango-wasm/server/internal/web"

// popupAuthModes are the auth modes GET /oauth/connect runs (Nango's oauthRequest dispatch).
var popupAuthModes = map[string]bool{"OAUTH2": true, "OAUTH1": true, "APP": true, "CUSTOM": true, "MCP_OAUTH2": true, "INSTALL_PLUGIN": true}

// authorizesWithPKCE are the modes whose popup goes to an authorize URL, which carries the
// flow's code_challenge. The others (an app's or a plugin's installation page, OAuth 1.0a) send
// none, so their callback must send no code_verifier either: a provider that follows RFC 9700
// §2.1.1, as the mock does, refuses a verifier for a code issued without a challenge.
var authorizesWithPKCE = map[string]bool{"OAUTH2": true, "MCP_OAUTH2": true}

// popupTarget is where the popup goes first: a GitHub App's installation page for APP and
// CUSTOM, a plugin's marketplace page for INSTALL_PLUGIN, the provider's authorize page with a
// fresh request token for OAUTH1, the authorize URL otherwise, once an MCP integration has its
// client.
func (a *API) popupTarget(flow *popupFlow) (string, *web.Error) {
	switch flow.in.Provider.AuthMode {
	case "APP", "CUSTOM":
		return a.appInstallURL(flow)
	case "INSTALL_PLUGIN":
		return a.pluginInstallURL(flow)
	case "OAUTH1":
		return a.oauth1Authorize(flow)
	case "MCP_OAUTH2":
		if apiErr := a.useMCPClient(flow); apiErr != nil {
			return "", apiErr
		}
	}
	return a.authorizeRequest(flow.in, flow.state, flow.authParams, flow.userScope)
}
