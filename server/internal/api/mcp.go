package api

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// mcpClients are the OAuth clients MCP_OAUTH2 integrations registered at their provider
// (RFC 7591), by integration key.
type mcpClients struct {
	mu    sync.Mutex // held across a registration, so an integration registers once
	byKey map[string]mcpClient
}

type mcpClient struct{ ID, Secret string }

// useMCPClient gives an MCP_OAUTH2 flow its client. With client_registration: dynamic that is
// the client the integration registered at the provider's registration_url: Nango registers it
// when the integration is created; the dev server's integrations come from its config, so it
// registers on the first flow and keeps the client for the server's life. With cimd, the
// client_id is the URL of the integration's client ID metadata document, which the provider
// fetches. Client overrides sent by the page still win.
func (a *API) useMCPClient(flow *popupFlow) *web.Error {
	in := flow.in
	if in.Real || flow.state.ClientID != in.ClientID {
		return nil
	}
	switch in.Provider.ClientRegistration {
	case "cimd":
		flow.state.ClientID, flow.state.ClientSecret = a.ClientMetadataURL(in.UniqueKey), ""
		return nil
	case "dynamic":
	default:
		return nil
	}
	c, err := a.registerMCPClient(context.Background(), in)
	if err != nil {
		a.log.Warn("mcp client registration failed", "integration", in.UniqueKey, "err", err)
		return wsErr("unknown_err", "Unknown error during the Oauth flow. Failed to register MCP client ID")
	}
	flow.state.ClientID, flow.state.ClientSecret = c.ID, c.Secret
	return nil
}

// registerMCPClient is Nango's mcpClient.registerClientId: a public client (no secret, PKCE)
// whose one redirect URI is the API host's callback.
func (a *API) registerMCPClient(ctx context.Context, in *Integration) (mcpClient, error) {
	a.mcp.mu.Lock()
	defer a.mcp.mu.Unlock()
	if c, ok := a.mcp.byKey[in.UniqueKey]; ok {
		return c, nil
	}
	registration, err := catalog.ParseProviderURL(in.Provider.RegistrationURL)
	if err != nil {
		return mcpClient{}, err
	}
	body, err := json.Marshal(map[string]any{
		"redirect_uris":              []string{a.CallbackURL()},
		"token_endpoint_auth_method": "none",
		"client_name":                "nango-dev - " + a.environment + " - " + in.Provider.DisplayName,
	})
	if err != nil {
		return mcpClient{}, err
	}
	answer, status, err := a.postProvider(ctx, a.endpoint(in, "register", registration), string(body), nil)
	if err != nil {
		return mcpClient{}, err
	}
	var registered struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		Error        string `json:"error"`
		Description  string `json:"error_description"`
	}
	if err := json.Unmarshal(answer, &registered); err != nil || status != 201 || registered.ClientID == "" {
		return mcpClient{}, &registrationRefused{status: status, code: registered.Error, description: registered.Description}
	}
	c := mcpClient{ID: registered.ClientID, Secret: registered.ClientSecret}
	a.mcp.byKey[in.UniqueKey] = c
	return c, nil
}

// registrationRefused is a registration endpoint's refusal (RFC 7591 §3.2.2).
type registrationRefused struct {
	status            int
	code, description string
}

func (e *registrationRefused) Error() string {
	return fmt.Sprintf("the registration endpoint answered %d: %s %s", e.status, e.code, e.description)
}
