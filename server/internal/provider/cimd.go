package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// clientMetadata is the part of a client ID metadata document (OAuth Client ID Metadata
// Document draft, which MCP's authorization spec adopts) the mock reads.
type clientMetadata struct {
	ClientID                string   `json:"client_id"`
	ClientName              string   `json:"client_name"`
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
}

// authorizingClient is the client an authorization request names: a registered one, or, when
// the client_id is the URL of a metadata document an MCP server accepts, the client that
// document describes, fetched afresh (a real server would honour its cache headers). Any other
// URL is never fetched.
func (m *Provider) authorizingClient(id string) (*Client, string) {
	if c, ok := m.client(id); ok && !strings.Contains(id, "://") {
		return c, ""
	}
	var server *MCPServer
	m.mu.Lock()
	for i := range m.mcpServers {
		if prefix := m.mcpServers[i].MetadataDocuments; prefix != "" && strings.HasPrefix(id, prefix) {
			server = &m.mcpServers[i]
		}
	}
	m.mu.Unlock()
	if server == nil {
		return nil, fmt.Sprintf("Unknown client_id %q.", id)
	}
	doc, err := fetchClientMetadata(id)
	switch {
	case err != nil:
		return nil, fmt.Sprintf("The client metadata document at %s could not be read: %v.", id, err)
	case doc.ClientID != id:
		return nil, fmt.Sprintf("The client metadata document's client_id %q is not its URL.", doc.ClientID)
	case len(doc.RedirectURIs) == 0:
		return nil, "The client metadata document has no redirect_uris."
	case doc.TokenEndpointAuthMethod != "none":
		return nil, "A client described by a metadata document must be public (token_endpoint_auth_method none)."
	}
	c := Client{
		ID: id, RedirectURI: doc.RedirectURIs[0], RedirectURIs: slices.Clone(doc.RedirectURIs[1:]), Public: true,
		Integration: doc.ClientName, Provider: server.Provider, DisplayName: server.DisplayName,
		AuthorizationURL: server.AuthorizationURL, TokenURL: server.TokenURL, Faults: server.Faults,
	}
	m.Register(c) // the token endpoint knows it by its id
	registered, _ := m.client(id)
	return registered, ""
}

// metadataClient fetches metadata documents and follows no redirect: the document must be at
// the client_id itself.
var metadataClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// fetchClientMetadata reads a client ID metadata document, bounded in time and size.
func fetchClientMetadata(url string) (*clientMetadata, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := metadataClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var doc clientMetadata
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&doc); err != nil {
		return nil, err
	}
	return &doc, nil
}
