package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"golang.org/x/oauth2"
)

// oauthStateTTL bounds how long a user may take at the provider.
const oauthStateTTL = time.Hour

// flowRef names the flow a failure belongs to, for the page and the WebSocket frame.
type flowRef struct {
	ProviderConfigKey string
	ConnectionID      string
	WSClientID        string
	// Nonce is the SDK's per-call value, echoed in every message about the flow so the SDK can
	// tell its own result from another flow's (docs/wire.md §1).
	Nonce string
	// OpenerOrigin is the only origin the callback page may post to; "" (no Referer arrived)
	// posts nothing, and the result goes over the WebSocket only.
	OpenerOrigin string
}

// oauthConnect is GET /oauth/connect/{providerConfigKey}: the popup's first navigation. It
// checks the request, records a single-use state bound to a cookie and a PKCE verifier, and
// redirects to the (mock) provider's authorize URL. A failure at any step goes to failFlow,
// with what is known of the flow by then.
func (a *API) oauthConnect(w http.ResponseWriter, r *http.Request) {
	ref := flowRef{ProviderConfigKey: r.PathValue("providerConfigKey"), OpenerOrigin: refererOrigin(r)}
	flow, apiErr := a.prepareFlow(r.URL.RawQuery, &ref)
	if apiErr == nil {
		apiErr = a.recordFlow(flow)
	}
	if apiErr != nil {
		a.failFlow(w, r, apiErr, ref)
		return
	}
	a.sendToProvider(w, r, flow)
}

// popupFlow is a checked /oauth/connect request: its integration, the state the callback will
// take, and what the authorize URL is built from.
type popupFlow struct {
	in         *Integration
	state      *store.OAuthState
	authParams *catalog.OrderedMap // the page's authorization_params, or the session's
	userScope  string
	faults     catalog.FaultSet
	target     string // the authorize URL, once built
}

// prepareFlow runs the checks of Nango's oauthRequest in its order, filling in ref with what it
// learns of the flow, so that a failure reports it.
func (a *API) prepareFlow(rawQuery string, ref *flowRef) (*popupFlow, *web.Error) {
	q, apiErr := parseConnectQuery(rawQuery)
	if apiErr != nil {
		return nil, apiErr
	}
	if wsClientIDPattern.MatchString(q.WSClientID) {
		ref.WSClientID = q.WSClientID
	}
	ref.Nonce = q.Nonce
	sess, in, apiErr := a.authorizeFlow(q, ref.ProviderConfigKey)
	if apiErr != nil {
		return nil, apiErr
	}
	ref.ConnectionID = q.ConnectionID // a public-key caller may name it
	if ref.ConnectionID == "" {
		ref.ConnectionID = web.NewUUID()
	}
	reconnectID, apiErr := a.reconnectTarget(sess, ref.ProviderConfigKey)
	if apiErr != nil {
		return nil, apiErr
	}
	if reconnectID != "" {
		ref.ConnectionID = reconnectID // the session decides the id (Nango's reconnect)
	}
	if apiErr := checkPopupProvider(in.Provider, ref.ProviderConfigKey); apiErr != nil {
		return nil, apiErr
	}
	return a.newPopupFlow(q, sess, in, *ref)
}

// authorizeFlow authenticates the request and finds the integration, which the session must
// allow; with a session, the session decides the connection id.
func (a *API) authorizeFlow(q *connectQuery, key string) (*store.Session, *Integration, *web.Error) {
	sess, apiErr := a.authenticateConnect(q)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	if q.ConnectionID != "" && q.SessionToken != "" {
		return nil, nil, errConnectionIDForbidden()
	}
	if failed := a.checkHMAC(q, key, q.ConnectionID); failed != "" {
		return nil, nil, flowHMACError(failed)
	}
	in, ok := a.integrations.get(key)
	if !ok {
		return nil, nil, errUnknownProviderConfigKey(key)
	}
	if !sess.Allows(key) {
		return nil, nil, errIntegrationNotAllowed(key)
	}
	return sess, in, nil
}

// checkPopupProvider refuses the providers a popup cannot authorize: other auth modes, outbound
// installations and grants other than the authorization code.
func checkPopupProvider(p *catalog.Provider, key string) *web.Error {
	switch p.AuthMode {
	case "OAUTH2":
	case "OAUTH1":
		return checkOAuth1Provider(p)
	default:
		return errAuthModeNotSupported(p.AuthMode)
	}
	if p.AuthorizationURL == "" {
		return wsErr("provider_config_err", fmt.Sprintf("Provider %q has no authorization URL: it is installed from the provider's side (installation: outbound), through POST /auth/oauth-outbound/%s.", p.Name, key))
	}
	if g, ok := p.TokenParams.String("grant_type"); ok && g != "authorization_code" {
		return wsErr("grant_type_err", fmt.Sprintf("The grant type %q is not supported by this OAuth flow.", g))
	}
	return nil
}

// newPopupFlow settles what the flow is made of: the session's defaults win over what the page
// sent (Nango's oauthRequest, step 6), the connection config is checked, and the state binds
// the callback to the client, the config, the faults and the SDK that asked.
func (a *API) newPopupFlow(q *connectQuery, sess *store.Session, in *Integration, ref flowRef) (*popupFlow, *web.Error) {
	defaults := sess.Defaults[in.UniqueKey]
	config := q.Params.Clone()
	config.Assign(defaults.ConnectionConfig)
	flow := &popupFlow{in: in, authParams: q.AuthorizationParams}
	if defaults.AuthorizationParams != nil {
		flow.authParams = defaults.AuthorizationParams
	}
	if q.SessionToken == "" {
		flow.userScope = q.UserScope
	} else if defaults.UserScopes != nil {
		flow.userScope = *defaults.UserScopes // the query's user_scope is ignored with a session, as in Nango
	}
	clientID, clientSecret := flowClient(in, q.Credentials, config)
	if apiErr := validateConnectionConfig(in.Provider, config); apiErr != nil {
		return nil, apiErr
	}
	faults, apiErr := a.flowFaults(in, sess, flow.authParams)
	if apiErr != nil {
		return nil, apiErr
	}
	flow.faults = faults
	flow.state = &store.OAuthState{
		State: web.NewUUID(), ProviderConfigKey: in.UniqueKey, Provider: in.Provider.Name, ConnectionID: ref.ConnectionID,
		ConnectionConfig: config, SessionID: sess.ID, EndUser: sess.EndUser, Tags: sess.Tags,
		ClientID: clientID, ClientSecret: clientSecret, RedirectURI: a.CallbackURL(),
		OpenerOrigin: ref.OpenerOrigin, WSClientID: ref.WSClientID, Nonce: ref.Nonce,
		WebhookURLOverride: sess.WebhookURLOverride, Faults: faults.String(), ExpiresAt: a.now().Add(oauthStateTTL),
	}
	if !in.Provider.DisablePKCE {
		flow.state.CodeVerifier = oauth2.GenerateVerifier()
	}
	if !in.Real && len(faults) > 0 {
		// The mock provider learns the flow's faults from the authorize query.
		flow.authParams = flow.authParams.Clone()
		flow.authParams.Set(catalog.FaultParam, faults.String())
	}
	return flow, nil
}

// flowClient is the flow's OAuth client: the integration's, unless the page sent both
// oauth_client_id_override and oauth_client_secret_override, which the connection config then
// records.
func flowClient(in *Integration, credentials, config *catalog.OrderedMap) (id, secret string) {
	idOverride, hasID := credentials.String("oauth_client_id_override")
	secretOverride, hasSecret := credentials.String("oauth_client_secret_override")
	if !hasID || !hasSecret {
		return in.ClientID, in.ClientSecret
	}
	config.Set("oauth_client_id_override", idOverride)
	config.Set("oauth_client_secret_override", secretOverride)
	return idOverride, secretOverride
}

// recordFlow builds the authorize URL, then keeps the state for the callback, which takes it
// once: a flow whose URL cannot be built leaves no state behind.
func (a *API) recordFlow(flow *popupFlow) *web.Error {
	var target string
	var apiErr *web.Error
	switch flow.in.Provider.AuthMode {
	case "OAUTH1":
		target, apiErr = a.oauth1Authorize(flow)
	default:
		target, apiErr = a.authorizeRequest(flow.in, flow.state, flow.authParams, flow.userScope)
	}
	if apiErr != nil {
		return apiErr
	}
	if err := a.store.PutState(flow.state, a.now()); err != nil {
		a.log.Error("store failed", "err", err)
		return wsErr("unknown_err", "The dev server could not record the OAuth state.")
	}
	flow.target = target
	return nil
}

// sendToProvider binds the state to this browser with a cookie and redirects the popup to the
// authorize URL.
func (a *API) sendToProvider(w http.ResponseWriter, r *http.Request, flow *popupFlow) {
	http.SetCookie(w, &http.Cookie{
		Name: "oauth2-" + flow.state.State, Value: "1", Path: "/", MaxAge: int(oauthStateTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, flow.target, http.StatusFound)
	if flow.faults.Has(catalog.FaultWSDrop) && flow.state.WSClientID != "" {
		// The popup is on its way to the provider: the SDK's socket goes down mid-flow, as a
		// proxy's idle timeout or a network change would cut it. Its id stays resumable.
		a.hub.drop(flow.state.WSClientID)
	}
}

// authenticateConnect applies Nango's connectSessionOrPublicKeyAuth: the session token, else
// the public key (public_key.go).
func (a *API) authenticateConnect(q *connectQuery) (*store.Session, *web.Error) {
	if q.SessionToken != "" {
		return a.checkSessionToken(q.SessionToken)
	}
	return a.authenticatePublicKey(q.PublicKey)
}

// authorizeRequest builds the URL the popup is sent to: the real authorize URL (or its mock
// twin) with the query in the order simple-oauth2 writes it: response_type, client_id,
// redirect_uri, scope, state, then the template authorization_params, the PKCE pair and the
// request's authorization_params on top.
func (a *API) authorizeRequest(in *Integration, st *store.OAuthState, reqParams *catalog.OrderedMap, userScope string) (string, *web.Error) {
	p := in.Provider
	config := st.ConnectionConfig
	provided := catalog.CompactJSON(config)
	real, ok, err := catalog.InterpolateURL(in.AuthorizationURL, config)
	if !ok {
		return "", errMissingConnectionConfig(in.AuthorizationURL, provided)
	}
	if err != nil {
		return "", a.invalidProviderURL(in, in.AuthorizationURL, provided, err)
	}
	templateParams := catalog.NewOrderedMap()
	for _, k := range p.AuthorizationParams.Keys() {
		tmpl, _ := p.AuthorizationParams.String(k)
		v, ok := catalog.Interpolate(tmpl, config, false)
		if !ok {
			return "", errMissingConnectionConfig("authorization_params", provided)
		}
		templateParams.Set(k, v)
	}
	for _, k := range p.TokenParams.Keys() {
		tmpl, _ := p.TokenParams.String(k)
		if _, ok := catalog.Interpolate(tmpl, config, false); !ok {
			return "", errMissingConnectionConfig("token_params", provided)
		}
	}
	if _, ok, err := catalog.InterpolateURL(in.TokenURL, config); !ok {
		return "", errMissingConnectionConfig(in.TokenURL, provided)
	} else if err != nil {
		return "", a.invalidProviderURL(in, in.TokenURL, provided, err)
	}

	scopes := in.Scopes
	if override, ok := config.String("oauth_scopes_override"); ok {
		scopes = override
	}
	separator := p.ScopeSeparator
	if separator == "" {
		separator = " "
	}
	query := orderedQuery{
		{"response_type", "code"},
		{"client_id", st.ClientID},
		{"redirect_uri", st.RedirectURI},
		{"scope", strings.Join(strings.Split(scopes, ","), separator)},
		{"state", st.State},
	}
	merged := templateParams
	if st.CodeVerifier != "" {
		merged.Set("code_challenge", oauth2.S256ChallengeFromVerifier(st.CodeVerifier))
		merged.Set("code_challenge_method", "S256")
	}
	if p.Name == "slack" && userScope != "" {
		merged.Set("user_scope", userScope)
	}
	for _, k := range reqParams.Keys() {
		if slices.Contains(flowBoundParams, k) {
			return "", errFlowBoundParam(k)
		}
		v, _ := reqParams.Get(k)
		if s, ok := v.(string); ok {
			merged.Set(k, s)
		} else {
			merged.Delete(k)
		}
	}
	for _, k := range merged.Keys() {
		v, _ := merged.Get(k)
		query.set(k, v.(string))
	}
	return a.endpoint(in, "authorize", real) + "?" + query.encode(), nil
}

// flowBoundParams are the authorize query's keys that bind the code to this flow, its client
// and its callback. Nango lets authorization_params override them; here they cannot be set or
// removed (`code_challenge: undefined` would strip PKCE, RFC 9700 §2.1.1).
var flowBoundParams = []string{"response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method"}

func errFlowBoundParam(key string) *web.Error {
	return wsErr("invalid_authorization_params", fmt.Sprintf("authorization_params may not set or remove %q: the server sets %s itself.", key, strings.Join(flowBoundParams, ", ")))
}

// CallbackURL is the redirect_uri of every integration: /oauth/callback on the API host.
func (a *API) CallbackURL() string { return a.apiURL + "/oauth/callback" }

// oauthConnectMissingKey answers /oauth/connect/ without a key.
func (a *API) oauthConnectMissingKey(w http.ResponseWriter, r *http.Request) {
	a.failFlow(w, r, errNoProviderConfigKey(), flowRef{OpenerOrigin: refererOrigin(r)})
}

// queryParam is one key of an authorize query, in order.
type queryParam struct{ Key, Value string }

// orderedQuery mimics URLSearchParams.set: an existing key keeps its place, a new one is appended.
type orderedQuery []queryParam

func (q *orderedQuery) set(key, value string) {
	for i := range *q {
		if (*q)[i].Key == key {
			(*q)[i].Value = value
			return
		}
	}
	*q = append(*q, queryParam{key, value})
}

// encode writes the query as application/x-www-form-urlencoded, as URLSearchParams does.
func (q orderedQuery) encode() string {
	parts := make([]string, len(q))
	for i, p := range q {
		parts[i] = url.QueryEscape(p.Key) + "=" + url.QueryEscape(p.Value)
	}
	return strings.Join(parts, "&")
}
