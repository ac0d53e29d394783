package provider

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// OAuth 1.0a (RFC 5849), as Trello runs it: the client fetches a request token with a signed
// POST that names its callback, the user approves that token on the authorize page, the
// provider sends the popup to the callback with a verifier, and the client trades token and
// verifier for the access token with a second signed POST. Paths mirror the real URLs as the
// OAuth2 endpoints' do (docs/wire.md §3).
const (
	oauth1RequestKind   = catalog.MockOAuth1RequestToken
	oauth1AuthorizeKind = catalog.MockOAuth1AuthorizeToken
	oauth1AccessKind    = catalog.MockOAuth1AccessToken
)

// requestTokenTTL bounds the time between the request token and its exchange.
const requestTokenTTL = 10 * time.Minute

// requestToken is an issued OAuth1 temporary credential and what it is bound to.
type requestToken struct {
	ClientID  string
	Secret    string
	Callback  string // the oauth_callback the client registered with the token
	Verifier  string // set once the user approved
	Scope     string
	Faults    catalog.FaultSet // the flow's, from the authorize query
	ExpiresAt time.Time
}

// oauth1State is the mock provider's OAuth1 memory: request tokens and the nonces seen within
// the timestamp window (RFC 5849 §3.3: a nonce is used once per timestamp).
type oauth1State struct {
	mu     sync.Mutex
	tokens map[string]*requestToken
	nonces map[string]time.Time // client id + timestamp + nonce → when it may be forgotten
}

func newOAuth1State() *oauth1State {
	return &oauth1State{tokens: map[string]*requestToken{}, nonces: map[string]time.Time{}}
}

// useNonce records a nonce and reports whether it was fresh.
func (s *oauth1State) useNonce(clientID, timestamp, nonce string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, until := range s.nonces {
		if !now.Before(until) {
			delete(s.nonces, k)
		}
	}
	key := clientID + "\x00" + timestamp + "\x00" + nonce
	if _, seen := s.nonces[key]; seen {
		return false
	}
	s.nonces[key] = now.Add(2 * timestampSkew)
	return true
}

// issue mints a request token for a client and the callback it registered.
func (s *oauth1State) issue(clientID, callback string, now time.Time) (string, *requestToken) {
	id := "mock_request_token_" + web.RandomHex(16)
	tok := &requestToken{ClientID: clientID, Secret: "mock_request_secret_" + web.RandomHex(16), Callback: callback, ExpiresAt: now.Add(requestTokenTTL)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[id] = tok
	return id, tok
}

// token finds a live request token; take removes it too (a token is exchanged once).
func (s *oauth1State) token(id string, now time.Time, take bool) (*requestToken, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, t := range s.tokens {
		if !now.Before(t.ExpiresAt) {
			delete(s.tokens, k)
		}
	}
	t, ok := s.tokens[id]
	if take {
		delete(s.tokens, id)
	}
	return t, ok
}

func (s *oauth1State) update(id string, change func(*requestToken)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[id]; ok {
		change(t)
	}
}

// oauth1Error answers as OAuth providers do under the Problem Reporting extension: a form body
// naming the problem. 401 for a failed signature or unknown client or token, 400 otherwise.
func oauth1Error(w http.ResponseWriter, status int, problem, advice string) {
	writeForm(w, status, url.Values{"oauth_problem": {problem}, "oauth_problem_advice": {advice}})
}

func writeForm(w http.ResponseWriter, status int, v url.Values) {
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(v.Encode()))
}

// authenticate reads a signed request at one of the client's OAuth1 URLs, finds its client,
// and checks the URL, the signature (with tokenSecret, from the token it names), the
// timestamp and the nonce. It has answered when ok is false.
func (m *Provider) authenticate(w http.ResponseWriter, r *http.Request, kind string, tokenSecret func(sr *signedRequest) (string, bool)) (*signedRequest, *Client, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	sr, err := readSignedRequest(r, "http://"+strings.ToLower(r.Host)+r.URL.EscapedPath())
	if err != nil {
		oauth1Error(w, http.StatusBadRequest, "parameter_rejected", err.Error())
		return nil, nil, false
	}
	client, ok := m.client(sr.oauth["oauth_consumer_key"])
	if !ok {
		oauth1Error(w, http.StatusUnauthorized, "consumer_key_unknown", "Unknown oauth_consumer_key.")
		return nil, nil, false
	}
	endpoint := map[string]*catalog.TemplateMatcher{oauth1RequestKind: client.request, oauth1AccessKind: client.token}[kind]
	called, err := catalog.RealURLFromMockPath(r.URL.EscapedPath(), "/oauth/"+kind+"/")
	if _, matches := endpoint.Match(called.String()); err != nil || !matches {
		oauth1Error(w, http.StatusBadRequest, "parameter_rejected", called.String()+" is not an OAuth1 endpoint of "+client.DisplayName+".")
		return nil, nil, false
	}
	secret, ok := tokenSecret(sr)
	if !ok {
		oauth1Error(w, http.StatusUnauthorized, "token_rejected", "The oauth_token is unknown, expired, or not issued to this client.")
		return nil, nil, false
	}
	now := m.now()
	if problem, advice := sr.verify(client.Secret, secret, now); problem != "" {
		oauth1Error(w, http.StatusUnauthorized, problem, advice)
		return nil, nil, false
	}
	if !m.oauth1.useNonce(client.ID, sr.oauth["oauth_timestamp"], sr.oauth["oauth_nonce"], now) {
		oauth1Error(w, http.StatusUnauthorized, "nonce_used", "This oauth_nonce was already used with this timestamp.")
		return nil, nil, false
	}
	return sr, client, true
}

// requestTokenEndpoint is POST /oauth/request-token/{scheme}/{host}/{path...} (RFC 5849 §2.1):
// a request signed with the client secret alone, whose oauth_callback must lead to the
// client's registered redirect URI.
func (m *Provider) requestTokenEndpoint(w http.ResponseWriter, r *http.Request) {
	sr, client, ok := m.authenticate(w, r, oauth1RequestKind, func(*signedRequest) (string, bool) { return "", true })
	if !ok {
		return
	}
	callback := sr.oauth["oauth_callback"]
	cb, err := url.Parse(callback)
	if callback == "" || err != nil || cb.Scheme+"://"+cb.Host+cb.Path != client.RedirectURI {
		oauth1Error(w, http.StatusBadRequest, "parameter_rejected", "oauth_callback must be the client's registered callback URL.")
		return
	}
	id, tok := m.oauth1.issue(client.ID, callback, m.now())
	writeForm(w, http.StatusOK, url.Values{"oauth_token": {id}, "oauth_token_secret": {tok.Secret}, "oauth_callback_confirmed": {"true"}})
}

// authorizeTokenRequest is a checked request to the OAuth1 authorize page.
func (m *Provider) authorizeTokenRequest(escapedPath, rawQuery string) (*consentRequest, *requestToken, string) {
	real, err := catalog.RealURLFromMockPath(escapedPath, "/oauth/"+oauth1AuthorizeKind+"/")
	if err != nil {
		return nil, nil, "The authorization URL is not valid."
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, nil, "The authorization query is not valid."
	}
	tok, ok := m.oauth1.token(q.Get("oauth_token"), m.now(), false)
	if !ok {
		return nil, nil, "The oauth_token is unknown or expired."
	}
	client, ok := m.client(tok.ClientID)
	if !ok {
		return nil, nil, "The oauth_token's client is unknown."
	}
	if _, matches := client.authorize.Match(real.String()); !matches {
		return nil, nil, real.String() + " is not an authorization URL of " + client.DisplayName + "."
	}
	return &consentRequest{client: client, realURL: real.String(), query: q, rawQuery: rawQuery}, tok, ""
}

// authorizeToken is GET /oauth/authorize-token/{scheme}/{host}/{path...} (RFC 5849 §2.2): the
// consent page of the OAuth2 flow, with the same buttons and faults, for a request token.
func (m *Provider) authorizeToken(w http.ResponseWriter, r *http.Request) {
	req, tok, problem := m.authorizeTokenRequest(r.URL.EscapedPath(), r.URL.RawQuery)
	faults := catalog.FaultSet{}
	if req != nil {
		faults = faultsFor(req.client, req.query)
	}
	applyCOOP(w, faults)
	if problem != "" {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: problem})
		return
	}
	if !web.Wait(r.Context(), w, faults[catalog.FaultSlowConsent]) {
		return
	}
	switch {
	case faults.Has(catalog.FaultAccessDenied):
		m.oauth1Decide(w, r, req, tok, false, faults)
	case faults.Has(catalog.FaultAutoApprove):
		m.oauth1Decide(w, r, req, tok, true, faults)
	default:
		m.renderConsent(w, r, req)
	}
}

// decideToken is the OAuth1 consent form's POST.
func (m *Provider) decideToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: "The consent form could not be read."})
		return
	}
	req, tok, problem := m.authorizeTokenRequest(r.URL.EscapedPath(), r.PostForm.Get("query"))
	if problem != "" {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: problem})
		return
	}
	faults := faultsFor(req.client, req.query)
	applyCOOP(w, faults)
	m.oauth1Decide(w, r, req, tok, r.PostForm.Get("decision") == "approve", faults)
}

// oauth1Decide sends the popup to the callback registered with the request token: with the
// token and a verifier when approved; denied, with access_denied as the OAuth2 page does
// (OAuth 1.0a has no standard refusal) and the token withdrawn.
func (m *Provider) oauth1Decide(w http.ResponseWriter, r *http.Request, req *consentRequest, tok *requestToken, approved bool, faults catalog.FaultSet) {
	id := req.query.Get("oauth_token")
	back := url.Values{}
	if approved {
		verifier := "mock_verifier_" + web.RandomHex(16)
		m.oauth1.update(id, func(t *requestToken) {
			t.Verifier, t.Faults, t.Scope = verifier, faults, req.query.Get("scope")
		})
		back.Set("oauth_token", id)
		back.Set("oauth_verifier", verifier)
	} else {
		m.oauth1.token(id, m.now(), true)
		back.Set("error", "access_denied")
		back.Set("error_description", "The user denied access")
	}
	target, _ := url.Parse(tok.Callback)
	target.RawQuery = mergeQuery(target.RawQuery, back.Encode())
	http.Redirect(w, r, target.String(), http.StatusSeeOther)
}

// accessTokenEndpoint is POST /oauth/access-token/{scheme}/{host}/{path...} (RFC 5849 §2.3): a
// request signed with the client secret and the request token's secret, naming the approved
// token and its verifier. A signed request spends the token, whatever its verifier.
func (m *Provider) accessTokenEndpoint(w http.ResponseWriter, r *http.Request) {
	sr, _, ok := m.authenticate(w, r, oauth1AccessKind, func(sr *signedRequest) (string, bool) {
		t, ok := m.oauth1.token(sr.oauth["oauth_token"], m.now(), false)
		if !ok || t.ClientID != sr.oauth["oauth_consumer_key"] {
			return "", false
		}
		return t.Secret, true
	})
	if !ok {
		return
	}
	// Only a request the token's owner signed spends it: a forged one cannot burn a user's flow.
	tok, ok := m.oauth1.token(sr.oauth["oauth_token"], m.now(), true)
	if !ok {
		oauth1Error(w, http.StatusUnauthorized, "token_rejected", "The oauth_token was already exchanged.")
		return
	}
	if tok.Verifier == "" || !secretsEqual(tok.Verifier, sr.oauth["oauth_verifier"]) {
		oauth1Error(w, http.StatusUnauthorized, "verifier_invalid", "The oauth_verifier does not match the approved request token.")
		return
	}
	if tokenFault(w, tok.Faults) {
		return
	}
	writeForm(w, http.StatusOK, url.Values{
		"oauth_token":        {"mock_oauth1_token_" + web.RandomHex(20)},
		"oauth_token_secret": {"mock_oauth1_secret_" + web.RandomHex(20)},
	})
}
