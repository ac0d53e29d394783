package provider

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// appJWTMaxTTL is the longest lifetime GitHub accepts for an app's JWT.
const appJWTMaxTTL = 10 * time.Minute

// clockSkew is the leeway the installation token endpoint gives a JWT's iat and exp.
const clockSkew = 30 * time.Second

// App is a GitHub App the mock provider stands in for: its installation page, its installation
// token endpoint, and the public key its JWTs are checked with.
type App struct {
	ID          string // the app id: the JWT's iss
	InstallURL  string // the real installation page, <app link>/installations/new
	TokenURL    string // the installation token URL template (with ${connectionConfig.installation_id})
	PublicKey   func() (*rsa.PublicKey, error)
	Integration string
	DisplayName string
	// SetupURL is where an installation returns (APP: the API host's /app-auth/connect), with
	// installation_id, setup_action and the state. With OAuthClientID set (CUSTOM: the app asks
	// for user authorization during installation), the installation returns to that client's
	// redirect URI instead, with an authorization code too.
	SetupURL      string
	OAuthClientID string
	Faults        catalog.FaultSet
	// Plugin makes it a marketplace plugin (Nango's INSTALL_PLUGIN, Crisp's plugins): the
	// state travels as payload, and an installation returns the website it was installed on
	// (website_id) instead of an installation id.
	Plugin bool

	token *catalog.TemplateMatcher
}

// RegisterApp makes a GitHub App known (one registered again is replaced).
func (m *Provider) RegisterApp(a App) {
	a.token = catalog.NewTemplateMatcher(a.TokenURL)
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, have := range m.apps {
		if have.ID == a.ID {
			m.apps[i] = &a
			return
		}
	}
	m.apps = append(m.apps, &a)
}

func (m *Provider) appWhere(match func(*App) bool) (*App, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range m.apps {
		if match(a) {
			return a, true
		}
	}
	return nil, false
}

// installRequest is a checked request to an installation page.
type installRequest struct {
	app      *App
	realURL  string
	query    url.Values
	rawQuery string
	faults   catalog.FaultSet
}

// parseInstall finds the app whose installation page the mock path stands for.
func (m *Provider) parseInstall(escapedPath, rawQuery string) (*installRequest, string) {
	real, err := catalog.RealURLFromMockPath(escapedPath, "/oauth/install/")
	if err != nil {
		return nil, "The installation URL is not valid."
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, "The installation query is not valid."
	}
	app, ok := m.appWhere(func(a *App) bool { return a.InstallURL == real.String() })
	if !ok {
		return nil, real.String() + " is not the installation page of any GitHub App."
	}
	return &installRequest{app: app, realURL: real.String(), query: q, rawQuery: rawQuery, faults: app.Faults.Union(m.flowFaults(rawQuery))}, ""
}

// installPage is GET /oauth/install/{scheme}/{host}/{path...}: the page the popup shows instead
// of GitHub's "Install <app>" screen. It has the consent page's #approve (Install) and #deny
// (Cancel), and honours the same faults.
func (m *Provider) installPage(w http.ResponseWriter, r *http.Request) {
	req, problem := m.parseInstall(r.URL.EscapedPath(), r.URL.RawQuery)
	if problem != "" {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: problem})
		return
	}
	applyCOOP(w, req.faults)
	if !web.Wait(r.Context(), w, req.faults[catalog.FaultSlowConsent]) {
		return
	}
	switch {
	case req.faults.Has(catalog.FaultAccessDenied):
		m.installed(w, r, req, false)
		return
	case req.faults.Has(catalog.FaultAutoApprove):
		m.installed(w, r, req, true)
		return
	}
	renderConsentPage(w, http.StatusOK, consentView{
		Install:          true,
		WithOAuth:        req.app.OAuthClientID != "",
		Plugin:           req.app.Plugin,
		Integration:      req.app.Integration,
		DisplayName:      req.app.DisplayName,
		AuthorizationURL: req.realURL + "?" + req.rawQuery,
		RawQuery:         req.rawQuery,
		Action:           r.URL.EscapedPath(),
	})
}

// install is the installation form's POST.
func (m *Provider) install(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: "The installation form could not be read."})
		return
	}
	req, problem := m.parseInstall(r.URL.EscapedPath(), r.PostForm.Get("query"))
	if problem != "" {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: problem})
		return
	}
	applyCOOP(w, req.faults)
	m.installed(w, r, req, r.PostForm.Get("decision") == "approve")
}

// installed sends the popup back: to the setup URL with a new installation id, or, for an app
// that asks for user authorization, to its OAuth client's redirect URI with a code as well. A
// cancelled installation goes back with access_denied (GitHub itself would not send the popup
// back at all, which would leave the flow hanging).
func (m *Provider) installed(w http.ResponseWriter, r *http.Request, req *installRequest, approved bool) {
	target := req.app.SetupURL
	var client *Client
	if req.app.OAuthClientID != "" {
		c, ok := m.client(req.app.OAuthClientID)
		if !ok {
			renderConsentPage(w, http.StatusBadRequest, consentView{Error: "The app's OAuth client is unknown."})
			return
		}
		client, target = c, c.RedirectURI
	}
	back := url.Values{}
	stateKey := "state"
	switch {
	case req.app.Plugin:
		stateKey = "payload"
		if approved {
			back.Set("website_id", web.NewUUID())
		}
	case approved:
		back.Set("installation_id", m.newInstallation(req.app))
		back.Set("setup_action", "install")
		if client != nil {
			back.Set("code", m.storeCode(&mockCode{ClientID: client.ID, RedirectURI: client.RedirectURI, Values: catalog.NewOrderedMap(), Faults: req.faults}))
		}
	}
	if !approved {
		back.Set("error", "access_denied")
		back.Set("error_description", "The user cancelled the installation")
	}
	if state := req.query.Get(stateKey); state != "" {
		back.Set(stateKey, state)
	}
	u, err := url.Parse(target)
	if err != nil {
		renderConsentPage(w, http.StatusBadRequest, consentView{Error: "The app's setup URL is not valid."})
		return
	}
	u.RawQuery = mergeQuery(u.RawQuery, back.Encode())
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// newInstallation records an installation of app and returns its id.
func (m *Provider) newInstallation(app *App) string {
	n, _ := rand.Int(rand.Reader, big.NewInt(90_000_000))
	id := strconv.FormatInt(n.Int64()+10_000_000, 10)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.installations[id] = app.ID
	return id
}

var errUnknownApp = errors.New("no GitHub App has this id")

// installationToken is POST /oauth/installation-token/{scheme}/{host}/{path...}, GitHub's
// "Create an installation access token for an app": the Bearer JWT must be RS256, signed with
// the key of the app named by its iss, live, and at most 10 minutes long; the installation
// must be one of that app's. Refusals have GitHub's shape: {"message", "documentation_url"}.
func (m *Provider) installationToken(w http.ResponseWriter, r *http.Request) {
	called, err := catalog.RealURLFromMockPath(r.URL.EscapedPath(), "/oauth/installation-token/")
	raw, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if err != nil || !bearer {
		githubError(w, http.StatusUnauthorized, "A JSON web token could not be decoded")
		return
	}
	var app *App
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		iss, _ := t.Claims.GetIssuer()
		a, ok := m.appWhere(func(a *App) bool { return a.ID == iss && a.PublicKey != nil })
		if !ok {
			return nil, errUnknownApp
		}
		app = a
		return a.PublicKey()
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithLeeway(clockSkew), jwt.WithTimeFunc(m.now))
	switch {
	case errors.Is(err, errUnknownApp):
		githubError(w, http.StatusUnauthorized, "'Issuer' claim ('iss') must be an Integer")
		return
	case errors.Is(err, jwt.ErrTokenExpired):
		githubError(w, http.StatusUnauthorized, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
		return
	case err != nil:
		githubError(w, http.StatusUnauthorized, "A JSON web token could not be decoded")
		return
	}
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	if iat == nil || exp.Sub(iat.Time) > appJWTMaxTTL+clockSkew {
		githubError(w, http.StatusUnauthorized, "'Expiration time' claim ('exp') is too far in the future")
		return
	}
	values, ok := app.token.Match(called.String())
	id, _ := values.String("installation_id")
	m.mu.Lock()
	owner := m.installations[id]
	m.mu.Unlock()
	if !ok || owner != app.ID {
		githubError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeProviderJSON(w, http.StatusCreated, map[string]any{
		"token":                "ghs_" + web.RandomHex(18),
		"expires_at":           m.now().Add(time.Hour).UTC().Format(time.RFC3339),
		"permissions":          map[string]string{"contents": "read", "metadata": "read"},
		"repository_selection": "all",
	})
}

// githubError is a refusal in GitHub's REST API shape.
func githubError(w http.ResponseWriter, status int, message string) {
	writeProviderJSON(w, status, map[string]string{"message": message, "documentation_url": "https://docs.github.com/rest"})
}
