package server

import (
	"fmt"
	"net/http"
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
	// Nonce is the SDK's per-call value, echoed in every message about the flow so the SDK can
	// tell its own result from another flow's (docs/wire.md §1).
	Nonce string
	// OpenerOrigin is the only origin the callback page may post to; "" (no Referer arrived)
	// posts nothing, and the result goes over the WebSocket only.
	OpenerOrigin string
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
	ref.Nonce = q.Nonce

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
		a.failFlow(w, r, errIntegrationNotAllowed(key), ref)
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
	config.Assign(defaults.ConnectionConfig)
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
	faults, apiErr := a.flowFaults(in, sess, authParams)
	if apiErr != nil {
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
		Nonce:              ref.Nonce,
		WebhookURLOverride: sess.WebhookURLOverride,
		Faults:             faults.String(),
		ExpiresAt:          a.now().Add(oauthStateTTL),
	}
	if !p.DisablePKCE {
		st.CodeVerifier = randomHex(24)
	}
	userScope := ""
	if defaults.UserScopes != nil {
		userScope = *defaults.UserScopes // the query's user_scope is ignored with a session, as in Nango
	}
	if !in.Real && len(faults) > 0 {
		// The mock provider learns the flow's faults from the authorize query.
		authParams = authParams.Clone()
		authParams.Set(faultParam, faults.String())
	}
	target, apiErr := a.authorizeRequest(in, st, authParams, userScope)
	if apiErr != nil {
		a.failFlow(w, r, apiErr, ref)
		return
	}
	if err := a.store.putState(st, a.now()); err != nil {
		a.log.Error("store failed", "err", err)
		a.failFlow(w, r, wsErr("unknown_err", "The dev server could not record the OAuth state."), ref)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: "oauth2-" + st.State, Value: "1", Path: "/", MaxAge: int(oauthStateTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
	if faults.has(faultWSDrop) && ref.WSClientID != "" {
		// The popup is on its way to the provider: the SDK's socket goes down mid-flow, as a
		// proxy's idle timeout or a network change would cut it. Its id stays resumable.
		a.hub.drop(ref.WSClientID)
	}
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

// authorizeRequest builds the URL the popup is sent to: the real authorize URL (or its mock
// twin) with the query in the order simple-oauth2 writes it: response_type, client_id,
// redirect_uri, scope, state, then the template authorization_params, the PKCE pair and the
// request's authorization_params on top.
func (a *api) authorizeRequest(in *integration, st *oauthState, reqParams *orderedMap, userScope string) (string, *apiError) {
	p := in.Provider
	config := st.ConnectionConfig
	provided := compactJSON(config)
	rawURL, ok := interpolate(in.AuthorizationURL, config, true)
	if !ok {
		return "", errMissingConnectionConfig(in.AuthorizationURL, provided)
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
	if _, ok := interpolate(in.TokenURL, config, true); !ok {
		return "", errMissingConnectionConfig(in.TokenURL, provided)
	}
	real, err := parseProviderURL(rawURL)
	if err != nil {
		return "", invalidConnectionConfig(fmt.Sprintf("The Connection Config does not make a valid url from %s. Provided Connection Config: %s", in.AuthorizationURL, provided))
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
	return a.endpoint(in, "authorize", real) + "?" + query.encode(), nil
}

func (a *api) callbackURL() string { return a.apiURL + "/oauth/callback" }

// oauthConnectMissingKey answers /oauth/connect/ without a key.
func (a *api) oauthConnectMissingKey(w http.ResponseWriter, r *http.Request) {
	a.failFlow(w, r, errNoProviderConfigKey(), flowRef{OpenerOrigin: refererOrigin(r)})
}
