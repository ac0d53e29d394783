package api

import (
	"crypto/rand"
	"crypto/rsa"
	"hash/fnv"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// GitHubApp is the GitHub App behind an APP or CUSTOM integration: what Nango keeps as the
// integration's app_link, app id and private key (oauth_client_id and oauth_client_secret for
// APP, custom.app_id and custom.private_key for CUSTOM). The mock provider holds the public half
// of the key and checks the JWTs signed with it.
type GitHubApp struct {
	ID   string // GitHub's numeric app id: the JWT's iss
	Link string // the app's public page: https://github.com/apps/<slug>
	// Key is made on first use, since generating an RSA key takes a while and most runs never
	// install an app.
	Key func() (*rsa.PrivateKey, error)
}

// newGitHubApp is the mock GitHub App of the integration key: its id is derived from the key,
// its key pair is made when first used.
func newGitHubApp(key string) *GitHubApp {
	h := fnv.New32a()
	h.Write([]byte(key))
	return &GitHubApp{
		ID:   strconv.FormatUint(uint64(h.Sum32()%900000+100000), 10),
		Link: "https://github.com/apps/nango-dev-" + url.PathEscape(key),
		Key:  sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }),
	}
}

// AppSetupURL is the setup URL of every GitHub App: /app-auth/connect on the API host.
func (a *API) AppSetupURL() string { return a.apiURL + "/app-auth/connect" }

// installationIDPattern is GitHub's installation id: a number. Anything else would change the
// shape of the token URL it is interpolated into.
var installationIDPattern = regexp.MustCompile(`^[0-9]{1,20}$`)

// appInstallURL is Nango's appRequest: the popup goes to the app's installation page with the
// state, and the flow's connection config becomes the request's authorization_params plus the
// app's public link (the page's params are dropped, as Nango drops them). An APP connection's
// config is made afresh when the installation comes back, with the session's connection_config
// on top: that is what its state keeps.
func (a *API) appInstallURL(flow *popupFlow) (string, *web.Error) {
	in := flow.in
	config := catalog.NewOrderedMap()
	for _, k := range flow.authParams.Keys() {
		if v, ok := flow.authParams.String(k); ok && k != catalog.FaultParam {
			config.Set(k, v)
		}
	}
	config.Set("appPublicLink", in.App.Link)
	if in.Provider.AuthMode == "APP" {
		flow.state.ConnectionConfig = flow.sessionConfig.Clone()
	} else {
		flow.state.ConnectionConfig = config
	}
	raw, ok := catalog.Interpolate(in.AuthorizationURL, config, false)
	if !ok {
		return "", errMissingConnectionConfig(in.AuthorizationURL, catalog.CompactJSON(config))
	}
	page, err := catalog.ParseProviderURL(raw)
	if err != nil {
		return "", invalidConnectionConfig("The app's public link does not make a valid url from " + in.AuthorizationURL + ".")
	}
	query := url.Values{"state": {flow.state.State}}
	if len(flow.faults) > 0 {
		query.Set(catalog.FaultParam, flow.faults.String())
	}
	return a.endpoint(in, "install", page) + "?" + query.Encode(), nil
}

// appAuthConnect is GET /app-auth/connect, the GitHub App's setup URL: GitHub sends the popup
// here after an installation, with installation_id, setup_action and the state. The dev server
// then signs the app's JWT, creates an installation token at the (mock) provider's token URL
// and stores an APP connection, as Nango's appAuth controller does.
func (a *API) appAuthConnect(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st, ref, in, ok := a.resumeFlow(w, r, q.Get("state"))
	if !ok {
		return
	}
	p := in.Provider
	if p.AuthMode != "APP" || in.App == nil {
		a.failFlow(w, r, wsErr("invalid_auth_mode", "Invalid auth mode. The provider does not support this auth mode."), ref)
		return
	}
	if q.Get("setup_action") == "request" {
		a.failFlow(w, r, wsErr("wrong_auth_mode", "The provider does not support making requests. Please use the github-app-oauth provider for the request flow."), ref)
		return
	}
	installationID := q.Get("installation_id")
	if apiErr := checkInstallation(p, in.App, q); apiErr != nil {
		a.failFlow(w, r, apiErr, ref)
		return
	}
	creds, jwt, err := a.installationToken(r.Context(), in, installationID)
	if err != nil {
		a.failFlow(w, r, err, ref)
		return
	}
	config := catalog.NewOrderedMap()
	config.Set("installation_id", installationID)
	config.Set("app_id", in.App.ID)
	config.Set("jwtToken", jwt)
	config.Assign(st.ConnectionConfig)
	a.finishFlow(w, r, st, ref, finishedFlow{AuthMode: "APP", Config: config, Credentials: creds})
}

// checkInstallation refuses a return from the installation page without a usable
// installation_id: the provider's own error when it sent one (the mock's Cancel), else Nango's
// url_param_err for the token URL it cannot build.
func checkInstallation(p *catalog.Provider, app *GitHubApp, q url.Values) *web.Error {
	id := q.Get("installation_id")
	if id == "" {
		if e := providerCallbackError("Did not get an installation_id in the callback.", q); e.ProviderError != nil {
			return e
		}
		return errMissingConnectionConfig(p.AppTokenURL, `{"app_id":`+strconv.Quote(app.ID)+`}`)
	}
	if !installationIDPattern.MatchString(id) {
		return invalidConnectionConfig("The installation_id " + strconv.Quote(id) + " is not a GitHub installation id (a number).")
	}
	return nil
}

// finishAppOAuth completes a CUSTOM (GitHub App OAuth) connection once its OAuth code is
// redeemed, as Nango's handleTokenExchangeAndConnectionCreation does: with an installation_id,
// the connection's credentials become the app's installation token; without one (an admin has
// yet to approve the installation) the connection is pending.
func (a *API) finishAppOAuth(r *http.Request, in *Integration, done *finishedFlow) *web.Error {
	q := r.URL.Query()
	if q.Get("installation_id") == "" {
		done.Pending = true
		done.Config.Set("app_id", in.App.ID)
		done.Config.Set("pending", true)
		done.Config.Set("pendingLog", web.NewUUID())
		return nil
	}
	if apiErr := checkInstallation(in.Provider, in.App, q); apiErr != nil {
		return apiErr
	}
	done.Config.Set("installation_id", q.Get("installation_id"))
	creds, jwt, apiErr := a.installationToken(r.Context(), in, q.Get("installation_id"))
	if apiErr != nil {
		return apiErr
	}
	done.Config.Set("jwtToken", jwt)
	done.Credentials = creds
	return nil
}
