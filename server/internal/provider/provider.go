package provider

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// codeTTL is how long an authorization code may wait for its exchange (RFC 6749 §4.1.2
// recommends at most 10 minutes).
const codeTTL = 2 * time.Minute

// Client is an OAuth client the mock provider knows: one per integration, registered by
// the API host at start.
type Client struct {
	ID, Secret       string
	RedirectURI      string
	Integration      string
	Provider         string
	DisplayName      string
	AuthorizationURL string // the provider's templates, to bind a code to its host
	TokenURL         string
	RequestURL       string           // OAUTH1: where request tokens are fetched
	Faults           catalog.FaultSet // the integration's: configured, server-wide and coop
	// RedirectURIs are the further redirect URIs of a client registered over RFC 7591.
	RedirectURIs []string
	// Public is a client without a secret (token_endpoint_auth_method none): it must use PKCE.
	Public bool

	authorize *catalog.TemplateMatcher
	token     *catalog.TemplateMatcher
	request   *catalog.TemplateMatcher
}

// mockCode is an issued authorization code and everything it is bound to.
type mockCode struct {
	ClientID    string
	RedirectURI string
	Values      *catalog.OrderedMap // config values read from the authorize URL, still encoded
	Challenge   string              // S256: parseAuthorize accepts no other method
	Scope       string
	Faults      catalog.FaultSet // the flow's faults, for the token endpoint
	ExpiresAt   time.Time
}

// Provider stands in for every catalog provider (docs/wire.md §3): a consent page at the
// real authorize URL's mock twin and a token endpoint at the real token URL's.
type Provider struct {
	now func() time.Time

	mu            sync.Mutex
	clients       map[string]*Client
	codes         map[string]*mockCode
	apps          []*App            // the GitHub Apps, by their installation page
	installations map[string]string // installation id → the id of the app installed
	mcpServers    []MCPServer       // the MCP providers whose registration endpoint is served
	oauth1        *oauth1State
}

// New is a provider that knows no client yet.
func New() *Provider {
	return &Provider{now: time.Now, clients: map[string]*Client{}, codes: map[string]*mockCode{}, installations: map[string]string{}, oauth1: newOAuth1State()}
}

// Register makes a client known (a client registered again is replaced).
func (m *Provider) Register(c Client) {
	c.authorize = catalog.NewTemplateMatcher(c.AuthorizationURL)
	c.token = catalog.NewTemplateMatcher(c.TokenURL)
	c.request = catalog.NewTemplateMatcher(c.RequestURL)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clients[c.ID] = &c
}

// sweep drops expired codes; the caller holds m.mu.
func (m *Provider) sweep() {
	now := m.now()
	for code, c := range m.codes {
		if !now.Before(c.ExpiresAt) {
			delete(m.codes, code)
		}
	}
}

// takeCode hands out a code once: a second redemption finds nothing.
func (m *Provider) takeCode(code string) (*mockCode, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.codes[code]
	delete(m.codes, code)
	if !ok || !m.now().Before(c.ExpiresAt) {
		return nil, false
	}
	return c, true
}

// allowsRedirect tells whether uri is one of the client's registered redirect URIs.
func (c *Client) allowsRedirect(uri string) bool {
	return uri == c.RedirectURI || slices.Contains(c.RedirectURIs, uri)
}

func (m *Provider) client(id string) (*Client, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.clients[id]
	return c, ok
}

func secretsEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// Handler is the mock provider: a consent page and a token endpoint per real provider URL.
func (m *Provider) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/authorize/{scheme}/{host}/{path...}", m.consent)
	mux.HandleFunc("POST /oauth/authorize/{scheme}/{host}/{path...}", m.decide)
	mux.HandleFunc("POST /oauth/token/{scheme}/{host}/{path...}", m.token)
	mux.HandleFunc("POST /oauth/"+oauth1RequestKind+"/{scheme}/{host}/{path...}", m.requestTokenEndpoint)
	mux.HandleFunc("GET /oauth/"+oauth1AuthorizeKind+"/{scheme}/{host}/{path...}", m.authorizeToken)
	mux.HandleFunc("POST /oauth/"+oauth1AuthorizeKind+"/{scheme}/{host}/{path...}", m.decideToken)
	mux.HandleFunc("POST /oauth/"+oauth1AccessKind+"/{scheme}/{host}/{path...}", m.accessTokenEndpoint)
	mux.HandleFunc("GET /oauth/install/{scheme}/{host}/{path...}", m.installPage)
	mux.HandleFunc("POST /oauth/install/{scheme}/{host}/{path...}", m.install)
	mux.HandleFunc("POST /oauth/installation-token/{scheme}/{host}/{path...}", m.installationToken)
	mux.HandleFunc("POST /oauth/register/{scheme}/{host}/{path...}", m.registerClient)
	mux.HandleFunc("POST /api/verify/{provider}", m.verify)
	mux.HandleFunc("GET /health", web.Health)
	mux.HandleFunc("/", web.NotFound)
	return mux
}
