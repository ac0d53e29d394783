package provider

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// consentRequest is a checked request to the authorize endpoint.
type consentRequest struct {
	client   *Client
	realURL  string // the provider's authorize URL, without query
	values   *catalog.OrderedMap
	query    url.Values
	rawQuery string
}

// parseAuthorize reads the real authorize URL back from the mock path and checks the request
// as a provider would: a known client (or one described by its metadata document), its registered redirect_uri, response_type=code, and an
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
	client, problem := m.authorizingClient(q.Get("client_id"))
	switch {
	case problem != "":
		return nil, problem
	case !client.allowsRedirect(q.Get("redirect_uri")):
		return nil, fmt.Sprintf("The redirect_uri %q is not registered for this client.", q.Get("redirect_uri"))
	case client.Public && q.Get("code_challenge") == "":
		return nil, "This client has no secret: it must use PKCE (code_challenge with S256)."
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
	// Install makes it a GitHub App's installation page; WithOAuth, one that also asks for
	// the user's authorization; Plugin, a marketplace plugin's.
	Install, WithOAuth, Plugin bool
}

// consent is GET /oauth/authorize/{scheme}/{host}/{path...}: the page the popup shows instead
// of the provider's login and consent screens.
func (m *Provider) consent(w http.ResponseWriter, r *http.Request) {
	faults := m.flowFaults(r.URL.RawQuery)
	applyCOOP(w, faults)
	req, problem := m.parseAuthorize(r.URL.EscapedPath(), r.URL.RawQuery)
	if problem != "" {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: problem})
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
	m.renderConsent(w, r, req)
}

// renderConsentPage answers with the consent page (or the installation or error page) for v.
func renderConsentPage(w http.ResponseWriter, status int, v consentView) {
	web.RenderHTML(w, status, true, func(h *web.HTML) error { return writeConsentPage(h, v) })
}

// renderConsent shows the consent page for a checked request (OAuth2's or OAuth1's).
func (m *Provider) renderConsent(w http.ResponseWriter, r *http.Request, req *consentRequest) {
	scope := req.query.Get("scope")
	renderConsentPage(w, http.StatusOK, consentView{
		Integration:      req.client.Integration,
		DisplayName:      req.client.DisplayName,
		Scope:            scope,
		Scopes:           strings.FieldsFunc(scope, func(r rune) bool { return r == ' ' || r == ',' }),
		AuthorizationURL: req.realURL + "?" + req.rawQuery,
		RawQuery:         req.rawQuery,
		Action:           r.URL.EscapedPath(),
	})
}

// decide is the consent form's POST: the request is checked again (the form only carries the
// query back), then the popup goes to redirect_uri with a code or with access_denied.
func (m *Provider) decide(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: "The consent form could not be read."})
		return
	}
	faults := m.flowFaults(r.PostForm.Get("query"))
	applyCOOP(w, faults)
	req, problem := m.parseAuthorize(r.URL.EscapedPath(), r.PostForm.Get("query"))
	if problem != "" {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: problem})
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
	return m.storeCode(&mockCode{
		ClientID:    req.client.ID,
		RedirectURI: req.query.Get("redirect_uri"),
		Values:      req.values,
		Challenge:   req.query.Get("code_challenge"),
		Scope:       req.query.Get("scope"),
		Faults:      faults,
	})
}

// storeCode keeps c under a new single-use code that expires after codeTTL.
func (m *Provider) storeCode(c *mockCode) string {
	code := "mock_code_" + web.RandomHex(24)
	c.ExpiresAt = m.now().Add(codeTTL)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep()
	m.codes[code] = c
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
