package provider

import (
	"crypto/subtle"
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
	Faults           catalog.FaultSet // the integration's: configured, server-wide and coop

	authorize *catalog.TemplateMatcher
	token     *catalog.TemplateMatcher
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
	pages *web.Pages
	now   func() time.Time

	mu      sync.Mutex
	clients map[string]*Client
	codes   map[string]*mockCode
}

// consentTemplate is the consent page.
//
//go:embed templates/consent.html
var consentTemplate embed.FS

// New is a provider that knows no client yet.
func New() (*Provider, error) {
	pg, err := web.ParsePages(consentTemplate, "templates/consent.html")
	if err != nil {
		return nil, err
	}
	return &Provider{pages: pg, now: time.Now, clients: map[string]*Client{}, codes: map[string]*mockCode{}}, nil
}

// Register makes a client known (a client registered again is replaced).
func (m *Provider) Register(c Client) {
	c.authorize = catalog.NewTemplateMatcher(c.AuthorizationURL)
	c.token = catalog.NewTemplateMatcher(c.TokenURL)
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
	mux.HandleFunc("POST /api/verify/{provider}", m.verify)
	mux.HandleFunc("GET /health", web.Health)
	mux.HandleFunc("/", web.NotFound)
	return mux
}

// consentRequest is a checked request to the authorize endpoint.
type consentRequest struct {
	client   *Client
	realURL  string // the provider's authorize URL, without query
	values   *catalog.OrderedMap
	query    url.Values
	rawQuery string
}

// parseAuthorize reads the real authorize URL back from the mock path and checks the request
// as a provider would: a known client, its registered redirect_uri, response_type=code, and an
// authorize URL that the client's provider template could have produced.
func (m *Provider) parseAuthorize(escapedPath, rawQuery string) (*consentRequest, string) {
	real, err := catalog.RealURLFromMockPath(escapedPath, "/oauth/authorize/")
	if err != nil {
		return nil, "The authorization URL is not valid."
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, "The authorization query is not valid."
	}
	m.mu.Lock()
	client, ok := m.clients[q.Get("client_id")]
	m.mu.Unlock()
	switch {
	case !ok:
		return nil, fmt.Sprintf("Unknown client_id %q.", q.Get("client_id"))
	case q.Get("redirect_uri") != client.RedirectURI:
		return nil, fmt.Sprintf("The redirect_uri %q is not registered for this client.", q.Get("redirect_uri"))
	case q.Get("response_type") != "code":
		return nil, fmt.Sprintf("Unsupported response_type %q.", q.Get("response_type"))
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		return nil, "Only the S256 code_challenge_method is supported."
	}
	values, ok := client.authorize.Match(real.String())
	if !ok {
		return nil, fmt.Sprintf("%s is not an authorization URL of %s.", real.String(), client.DisplayName)
	}
	return &consentRequest{client: client, realURL: real.String(), values: values, query: q, rawQuery: rawQuery}, ""
}

type consentView struct {
	Error            string
	Integration      string
	DisplayName      string
	Scope            string
	Scopes           []string
	AuthorizationURL string
	RawQuery         string
	Action           string
}

// consent is GET /oauth/authorize/{scheme}/{host}/{path...}: the page the popup shows instead
// of the provider's login and consent screens.
func (m *Provider) consent(w http.ResponseWriter, r *http.Request) {
	faults := m.flowFaults(r.URL.RawQuery)
	applyCOOP(w, faults)
	req, problem := m.parseAuthorize(r.URL.EscapedPath(), r.URL.RawQuery)
	if problem != "" {
		m.pages.Render(w, http.StatusBadRequest, "consent.html", consentView{Error: problem}, true)
		return
	}
	if !web.Wait(r.Context(), w, faults[catalog.FaultSlowConsent]) {
		return
	}
	if faults.Has(catalog.FaultAccessDenied) {
		m.redirectBack(w, r, req, url.Values{"error": {"access_denied"}, "error_description": {"The user denied access"}})
		return
	}
	if faults.Has(catalog.FaultAutoApprove) {
		m.redirectBack(w, r, req, url.Values{"code": {m.issueCode(req, faults)}})
		return
	}
	scope := req.query.Get("scope")
	m.pages.Render(w, http.StatusOK, "consent.html", consentView{
		Integration:      req.client.Integration,
		DisplayName:      req.client.DisplayName,
		Scope:            scope,
		Scopes:           strings.FieldsFunc(scope, func(r rune) bool { return r == ' ' || r == ',' }),
		AuthorizationURL: req.realURL + "?" + req.rawQuery,
		RawQuery:         req.rawQuery,
		Action:           r.URL.EscapedPath(),
	}, true)
}

// decide is the consent form's POST: the request is checked again (the form only carries the
// query back), then the popup goes to redirect_uri with a code or with access_denied.
func (m *Provider) decide(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		m.pages.Render(w, http.StatusBadRequest, "consent.html", consentView{Error: "The consent form could not be read."}, true)
		return
	}
	faults := m.flowFaults(r.PostForm.Get("query"))
	applyCOOP(w, faults)
	req, problem := m.parseAuthorize(r.URL.EscapedPath(), r.PostForm.Get("query"))
	if problem != "" {
		m.pages.Render(w, http.StatusBadRequest, "consent.html", consentView{Error: problem}, true)
		return
	}
	back := url.Values{}
	if r.PostForm.Get("decision") == "approve" {
		back.Set("code", m.issueCode(req, faults))
	} else {
		back.Set("error", "access_denied")
		back.Set("error_description", "The user denied access")
	}
	m.redirectBack(w, r, req, back)
}

// issueCode mints a single-use code bound to the client, the redirect_uri, the real
// authorization URL and the PKCE challenge of an approved request.
func (m *Provider) issueCode(req *consentRequest, faults catalog.FaultSet) string {
	code := "mock_code_" + web.RandomHex(24)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep()
	m.codes[code] = &mockCode{
		ClientID:    req.client.ID,
		RedirectURI: req.query.Get("redirect_uri"),
		Values:      req.values,
		Challenge:   req.query.Get("code_challenge"),
		Scope:       req.query.Get("scope"),
		Faults:      faults,
		ExpiresAt:   m.now().Add(codeTTL),
	}
	return code
}

// redirectBack sends the popup to the client's redirect_uri with the outcome and the state.
func (m *Provider) redirectBack(w http.ResponseWriter, r *http.Request, req *consentRequest, back url.Values) {
	if state := req.query.Get("state"); state != "" {
		back.Set("state", state)
	}
	target, _ := url.Parse(req.query.Get("redirect_uri"))
	target.RawQuery = mergeQuery(target.RawQuery, back.Encode())
	http.Redirect(w, r, target.String(), http.StatusSeeOther)
}

func mergeQuery(existing, extra string) string {
	if existing == "" {
		return extra
	}
	return existing + "&" + extra
}
