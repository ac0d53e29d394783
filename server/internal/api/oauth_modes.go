package api

import "github.com/nango-wasm/nango-wasm/server/internal/web"

// popupAuthModes are the auth modes GET /oauth/connect runs (Nango's oauthRequest dispatch).
var popupAuthModes = map[string]bool{"OAUTH2": true, "APP": true, "CUSTOM": true, "MCP_OAUTH2": true, "INSTALL_PLUGIN": true}

// popupTarget is where the popup goes first: a GitHub App's installation page for APP and
// CUSTOM, a plugin's marketplace page for INSTALL_PLUGIN, the authorize URL otherwise, once an MCP integration has its client.
func (a *API) popupTarget(flow *popupFlow) (string, *web.Error) {
	switch flow.in.Provider.AuthMode {
	case "APP", "CUSTOM":
		return a.appInstallURL(flow)
	case "INSTALL_PLUGIN":
		return a.pluginInstallURL(flow)
	case "MCP_OAUTH2":
		if apiErr := a.useMCPClient(flow); apiErr != nil {
			return "", apiErr
		}
	}
	return a.authorizeRequest(flow.in, flow.state, flow.authParams, flow.userScope)
}
