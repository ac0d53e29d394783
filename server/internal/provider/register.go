package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// maxRegisteredClients bounds the clients registered over RFC 7591, which live as long as the
// server: a client that registers in a loop cannot grow it without end.
const maxRegisteredClients = 1000

// MCPServer is an MCP provider whose authorization server registers OAuth clients at its
// registration URL (RFC 7591), or reads them from client ID metadata documents, as MCP's
// authorization spec asks of it.
type MCPServer struct {
	Provider, DisplayName string
	RegistrationURL       string // the real URL; its mock twin is served
	// MetadataDocuments is where the client ID metadata documents this server accepts live
	// (a URL prefix): a client_id under it is fetched and read as the client's metadata.
	MetadataDocuments string
	AuthorizationURL  string
	TokenURL          string
	Faults            catalog.FaultSet
}

// RegisterMCPServer serves the registration endpoint of an MCP provider.
func (m *Provider) RegisterMCPServer(s MCPServer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mcpServers = append(m.mcpServers, s)
}

// registrationRequest is the client metadata of RFC 7591 §2 that the mock reads.
type registrationRequest struct {
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	ClientName              string   `json:"client_name"`
}

// registerClient is POST /oauth/register/{scheme}/{host}/{path...}: dynamic client
// registration (RFC 7591 §3). It checks the metadata as an authorization server must (redirect
// URIs absolute http(s) without fragment, a known token endpoint auth method, the code grant)
// and answers 201 with the client's information; a client without a secret must then use PKCE.
func (m *Provider) registerClient(w http.ResponseWriter, r *http.Request) {
	called, err := catalog.RealURLFromMockPath(r.URL.EscapedPath(), "/oauth/register/")
	var server *MCPServer
	m.mu.Lock()
	for i := range m.mcpServers {
		if err == nil && m.mcpServers[i].RegistrationURL != "" && m.mcpServers[i].RegistrationURL == called.String() {
			server = &m.mcpServers[i]
		}
	}
	registered := len(m.clients)
	m.mu.Unlock()
	if server == nil {
		oauthError(w, http.StatusNotFound, "not_found", "This is not the registration endpoint of any MCP provider.")
		return
	}
	if registered >= maxRegisteredClients {
		oauthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", "Too many registered clients.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var meta registrationRequest
	if err := json.NewDecoder(r.Body).Decode(&meta); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_client_metadata", "The body must be a JSON object of client metadata.")
		return
	}
	if code, problem := checkRegistration(&meta); problem != "" {
		oauthError(w, http.StatusBadRequest, code, problem)
		return
	}
	c := Client{
		ID:          "mcp_client_" + web.RandomHex(16),
		RedirectURI: meta.RedirectURIs[0], RedirectURIs: meta.RedirectURIs[1:],
		Integration: meta.ClientName, Provider: server.Provider, DisplayName: server.DisplayName,
		AuthorizationURL: server.AuthorizationURL, TokenURL: server.TokenURL, Faults: server.Faults,
		Public: meta.TokenEndpointAuthMethod == "none",
	}
	info := map[string]any{
		"client_id":                  c.ID,
		"client_id_issued_at":        m.now().Unix(),
		"client_name":                meta.ClientName,
		"redirect_uris":              meta.RedirectURIs,
		"grant_types":                meta.GrantTypes,
		"response_types":             meta.ResponseTypes,
		"token_endpoint_auth_method": meta.TokenEndpointAuthMethod,
	}
	if !c.Public {
		c.Secret = "mcp_secret_" + web.RandomHex(24)
		info["client_secret"] = c.Secret
		info["client_secret_expires_at"] = 0
	}
	m.Register(c)
	writeProviderJSON(w, http.StatusCreated, info)
}

// checkRegistration fills in RFC 7591's defaults and returns the error code and description
// of metadata an authorization server refuses ("" when it accepts it).
func checkRegistration(meta *registrationRequest) (code, problem string) {
	if len(meta.RedirectURIs) == 0 {
		return "invalid_redirect_uri", "redirect_uris is required for the authorization code grant."
	}
	for _, raw := range meta.RedirectURIs {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "" || u.RawFragment != "" {
			return "invalid_redirect_uri", fmt.Sprintf("%q is not an absolute http(s) URI without a fragment.", raw)
		}
	}
	if meta.TokenEndpointAuthMethod == "" {
		meta.TokenEndpointAuthMethod = "client_secret_basic"
	}
	if !slices.Contains([]string{"none", "client_secret_post", "client_secret_basic"}, meta.TokenEndpointAuthMethod) {
		return "invalid_client_metadata", fmt.Sprintf("token_endpoint_auth_method %q is not supported.", meta.TokenEndpointAuthMethod)
	}
	if len(meta.GrantTypes) == 0 {
		meta.GrantTypes = []string{"authorization_code"}
	}
	for _, g := range meta.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			return "invalid_client_metadata", fmt.Sprintf("grant_type %q is not supported.", g)
		}
	}
	if !slices.Contains(meta.GrantTypes, "authorization_code") {
		return "invalid_client_metadata", "grant_types must include authorization_code."
	}
	if len(meta.ResponseTypes) == 0 {
		meta.ResponseTypes = []string{"code"}
	}
	if !slices.Equal(meta.ResponseTypes, []string{"code"}) {
		return "invalid_client_metadata", "response_types must be [\"code\"]."
	}
	return "", ""
}
