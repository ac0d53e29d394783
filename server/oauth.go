package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// oauthStateTTL bounds how long a user may take at the provider.
const oauthStateTTL = time.Hour

// flowRef names the flow a failure belongs to, for the page and the WebSocket frame.
type flowRef struct {
	ProviderConfigKey string
	ConnectionID      string
	WSClientID        string
	OpenerOrigin      string // "" posts to '*'
}

// oauthConnect is GET /oauth/connect/{providerConfigKey}: the popup's first navigation. It
// checks the session and the connection config, records a single-use state bound to a cookie
// and a PKCE verifier, and redirects to the (mock) provider's authorize URL.
func (a *api) oauthConnect(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("providerConfigKey")
	ref := flowRef{ProviderConfigKey: key, OpenerOrigin: refererOrigin(r)}
	q, apiErr := parseConnectQuery(r.URL.RawQuery)
	if apiErr != nil {
		a.failFlow(w, r, apiErr, ref)
		return
	}
	ref.WSClientID = q.WSClientID
	if !wsClientIDPattern.MatchString(ref.WSClientID) {
		ref.WSClientID = ""
	}

	sess, apiErr := a.authenticateConnect(q)
	if apiErr != nil {
		a.failFlow(w, r, apiErr, ref)
		return
	}
	if q.ConnectionID != "" {
		a.failFlow(w, r, errConnectionIDForbidden(), ref)
		return
	}
	in, ok := a.integrations.get(key)
	if !ok {
		a.failFlow(w, r, errUnknownProviderConfigKey(key), ref)
		return
	}
	if !sess.allows(key) {
		a.failFlow(w, r, newError(http.StatusBadRequest, "integration_not_allowed", fmt.Sprintf("The connect session does not allow the integration %q (see allowed_integrations).", key)), ref)
		return
	}
	p := in.Provider
	ref.ConnectionID = newUUID()
	reconnectID, apiErr := a.reconnectTarget(sess, key)
	if apiErr != nil {
		a.failFlow(w, r, apiErr, ref)
		return
	}
	if reconnectID != "" {
		ref.ConnectionID = reconnectID // the session decides the id (Nango's reconnect)
	}
	if p.AuthMode != "OAUTH2" {
		a.failFlow(w, r, errAuthModeNotSupported(p.AuthMode), ref)
		return
	}
	if p.AuthorizationURL == "" {
		a.failFlow(w, r, wsErr("provider_config_err", fmt.Sprintf("Provider %q has no authorization URL: it is installed from the provider's side (installation: outbound), through POST /auth/oauth-outbound/%s.", p.Name, key)), ref)
		return
	}
	if g, ok := p.TokenParams.String("grant_type"); ok && g != "authorization_code" {
		a.failFlow(w, r, wsErr("grant_type_err", fmt.Sprintf("The grant type %q is not supported by this OAuth flow.", g)), ref)
		return
	}

	// The session's defaults win over what the page sent (Nango's oauthRequest, step 6).
	defaults := sess.Defaults[key]
	config := q.Params.Clone()
	for _, k := range defaults.ConnectionConfig.Keys() {
		v, _ := defaults.ConnectionConfig.Get(k)
		config.Set(k, v)
	}
	authParams := q.AuthorizationParams
	if defaults.AuthorizationParams != nil {
		authParams = defaults.AuthorizationParams
	}
	clientID, clientSecret := in.ClientID, in.ClientSecret
	idOverride, hasID := q.Credentials.String("oauth_client_id_override")
	secretOverride, hasSecret := q.Credentials.String("oauth_client_secret_override")
	if hasID && hasSecret {
		clientID, clientSecret = idOverride, secretOverride
		config.Set("oauth_client_id_override", idOverride)
		config.Set("oauth_client_secret_override", secretOverride)
	}
	if apiErr := validateConnectionConfig(p, config); apiErr != nil {
		a.failFlow(w, r, apiErr, ref)
		return
	}

	st := &oauthState{
		State:              newUUID(),
		ProviderConfigKey:  key,
		Provider:           p.Name,
		ConnectionID:       ref.ConnectionID,
		ConnectionConfig:   config,
		SessionID:          sess.ID,
		EndUser:            sess.EndUser,
		Tags:               sess.Tags,
		ClientID:           clientID,
		ClientSecret:       clientSecret,
		RedirectURI:        a.callbackURL(),
		OpenerOrigin:       ref.OpenerOrigin,
		WSClientID:         ref.WSClientID,
		WebhookURLOverride: sess.WebhookURLOverride,
		ExpiresAt:          a.now().Add(oauthStateTTL),
	}
	if !p.DisablePKCE {
		st.CodeVerifier = randomHex(24)
	}
	userScope := ""
	if defaults.UserScopes != nil {
		userScope = *defaults.UserScopes // the query's user_scope is ignored with a session, as in Nango
	}
	target, apiErr := authorizeRequest(p, in, st, authParams, userScope)
	if apiErr != nil {
		a.failFlow(w, r, apiErr, ref)
		return
	}
	a.store.putState(st, a.now())
	http.SetCookie(w, &http.Cookie{
		Name: "oauth2-" + st.State, Value: "1", Path: "/", MaxAge: int(oauthStateTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.providerURL+target, http.StatusFound)
}

// authenticateConnect applies Nango's connectSessionOrPublicKeyAuth. Public keys are
// deprecated, so a well-formed one still gets deprecated_authentication.
func (a *api) authenticateConnect(q *connectQuery) (*connectSession, *apiError) {
	switch {
	case q.SessionToken != "":
		return a.checkSessionToken(q.SessionToken)
	case q.PublicKey == "":
		return nil, errMissingPublicKey
	case !uuidV4Pattern.MatchString(q.PublicKey):
		return nil, errInvalidPublicKey
	default:
		return nil, errDeprecatedAuthorization
	}
}

// authorizeRequest builds the mock-provider path and query for the real authorize URL, in the
// order simple-oauth2 writes it: response_type, client_id, redirect_uri, scope, state, then the
// template authorization_params, the PKCE pair and the request's authorization_params on top.
func authorizeRequest(p *provider, in *integration, st *oauthState, reqParams *orderedMap, userScope string) (string, *apiError) {
	config := st.ConnectionConfig
	provided := compactJSON(config)
	rawURL, ok := interpolate(p.AuthorizationURL, config, true)
	if !ok {
		return "", errMissingConnectionConfig(p.AuthorizationURL, provided)
	}
	templateParams := newOrderedMap()
	for _, k := range p.AuthorizationParams.Keys() {
		tmpl, _ := p.AuthorizationParams.String(k)
		v, ok := interpolate(tmpl, config, false)
		if !ok {
			return "", errMissingConnectionConfig("authorization_params", provided)
		}
		templateParams.Set(k, v)
	}
	for _, k := range p.TokenParams.Keys() {
		tmpl, _ := p.TokenParams.String(k)
		if _, ok := interpolate(tmpl, config, false); !ok {
			return "", errMissingConnectionConfig("token_params", provided)
		}
	}
	if _, ok := interpolate(p.TokenURL, config, true); !ok {
		return "", errMissingConnectionConfig(p.TokenURL, provided)
	}
	real, err := parseProviderURL(rawURL)
	if err != nil {
		return "", invalidConnectionConfig(fmt.Sprintf("The Connection Config does not make a valid url from %s. Provided Connection Config: %s", p.AuthorizationURL, provided))
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
		merged.Set("code_challenge", pkceChallenge(st.CodeVerifier))
		merged.Set("code_challenge_method", "S256")
	}
	if p.Name == "slack" && userScope != "" {
		merged.Set("user_scope", userScope)
	}
	for _, k := range reqParams.Keys() {
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
	return mockPath("authorize", real) + "?" + query.encode(), nil
}

func (a *api) callbackURL() string { return a.apiURL + "/oauth/callback" }

// oauthConnectMissingKey answers /oauth/connect/ without a key.
func (a *api) oauthConnectMissingKey(w http.ResponseWriter, r *http.Request) {
	a.failFlow(w, r, errNoProviderConfigKey(), flowRef{OpenerOrigin: refererOrigin(r)})
}

// failFlow reports a failure of the popup flow: to the popup itself, as the error page for
// WSErr failures and browser navigations, as Nango's JSON envelope otherwise (docs/wire.md §2);
// and on the WebSocket for WSErr failures only, as Nango does. Nango sends nothing on the socket
// for an authentication or session failure (a bad token, a disallowed integration), which leaves
// @nangohq/frontend waiting forever; the dev server keeps that behaviour, so an app developed
// against it meets the same failure it would meet in production. nango-wasm learns of those
// failures from the error page.
func (a *api) failFlow(w http.ResponseWriter, r *http.Request, e *apiError, ref flowRef) {
	a.log.Info("oauth flow failed", "code", e.Code, "integration", ref.ProviderConfigKey)
	if ref.WSClientID != "" && e.WSErr {
		a.hub.publish(ref.WSClientID, wsMessage{
			MessageType: "error", ProviderConfigKey: ref.ProviderConfigKey, ConnectionID: ref.ConnectionID,
			ErrorType: e.Code, ErrorDesc: e.Message,
		})
	}
	if !e.WSErr && !wantsHTML(r) {
		writeError(w, e)
		return
	}
	a.pages.callback(w, e.Status, callbackView{
		Error:        e,
		Message:      errorMessage(e, ref),
		TargetOrigin: targetOrigin(ref.OpenerOrigin),
	})
}

// wantsHTML tells a browser navigation (the popup) from an API client: Sec-Fetch-Dest when the
// browser sends it, else an Accept that asks for HTML ahead of JSON.
func wantsHTML(r *http.Request) bool {
	if dest := r.Header.Get("Sec-Fetch-Dest"); dest != "" {
		return dest == "document"
	}
	accept := r.Header.Get("Accept")
	html, jsonAt := strings.Index(accept, "text/html"), strings.Index(accept, "application/json")
	return html >= 0 && (jsonAt < 0 || html < jsonAt)
}

// refererOrigin is the origin of the page that opened the popup: browsers send the origin as
// the Referer of a cross-origin navigation.
func refererOrigin(r *http.Request) string {
	u, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func targetOrigin(origin string) string {
	if origin == "" {
		return "*"
	}
	return origin
}
