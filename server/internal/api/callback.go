package api

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"golang.org/x/oauth2"
)

// providerErrorKeys are the callback query keys Nango quotes in its callback_err message, in
// its order.
var providerErrorKeys = []string{"error", "error_description", "error_reason", "error_uri", "status_code", "error_message"}

// oauthCallback is GET /oauth/callback: the provider sends the popup back here. The state is
// consumed whatever happens next, the browser must hold the state cookie, and the code is
// exchanged over HTTP at the (mock) provider's token URL with the PKCE verifier.
func (a *API) oauthCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := firstNonEmpty(q.Get("state"), q.Get("payload"), q.Get("customField"))
	if state == "" {
		a.failFlow(w, r, wsErr("state_err", "No state found in callback"), flowRef{})
		return
	}
	st, ok, err := a.store.TakeState(state, a.now())
	if err != nil {
		a.log.Error("store failed", "err", err)
		a.failFlow(w, r, wsErr("unknown_err", "The dev server could not read the OAuth state."), flowRef{})
		return
	}
	if !ok {
		a.failFlow(w, r, wsErr("state_err", "No session found for state: "+state), flowRef{})
		return
	}
	ref := flowRef{ProviderConfigKey: st.ProviderConfigKey, ConnectionID: st.ConnectionID, WSClientID: st.WSClientID, Nonce: st.Nonce, OpenerOrigin: st.OpenerOrigin}
	cookieName := "oauth2-" + state
	if _, err := r.Cookie(cookieName); err != nil {
		a.failFlow(w, r, errMissingStateCookie(), ref)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})

	in, ok := a.integrations.get(st.ProviderConfigKey)
	if !ok {
		a.failFlow(w, r, errUnknownProviderConfigKey(st.ProviderConfigKey), ref)
		return
	}
	faults, _ := catalog.ParseFaults(st.Faults)
	if !web.Wait(r.Context(), w, faults[catalog.FaultCallbackDelay]) {
		return
	}
	p := in.Provider
	failed := failedConnection{ProviderConfigKey: st.ProviderConfigKey, ConnectionID: st.ConnectionID, Provider: st.Provider,
		AuthMode: p.AuthMode, WebhookURLOverride: st.WebhookURLOverride}
	if p.AuthMode == "OAUTH1" {
		a.oauth1Callback(w, r, in, st, ref, failed)
		return
	}
	codeParam := p.CodeParamInCallback
	if codeParam == "" {
		codeParam = "code"
	}
	code := q.Get(codeParam)
	if code == "" {
		e := callbackError(q)
		a.failureWebhook(failed, webhookError{Type: "invalid_callback", Description: e.Message})
		a.failFlow(w, r, e, ref)
		return
	}

	creds, raw, err := a.exchangeCode(r.Context(), in, st, code)
	if err != nil {
		a.log.Warn("token exchange failed", "integration", st.ProviderConfigKey, "err", err)
		e := wsErr("unknown_err", "Unknown error during the Oauth flow. "+publicExchangeError(err))
		errType := "unknown"
		if errors.Is(err, errUnparsableToken) {
			errType = "unable_to_parse_token_response"
		}
		a.failureWebhook(failed, webhookError{Type: errType, Description: e.Message})
		a.failFlow(w, r, e, ref)
		return
	}
	a.completeFlow(w, r, st, ref, p.AuthMode, creds, storedConnectionConfig(p, st.ConnectionConfig, raw))
}

// completeFlow stores the connection a callback won, fires its webhook, and reports it on the
// WebSocket and to the popup. The page is served only once the connection is committed: a flow
// whose callback page arrived has its connection, whatever happens to the server next.
func (a *API) completeFlow(w http.ResponseWriter, r *http.Request, st *store.OAuthState, ref flowRef, authMode string, creds any, config *catalog.OrderedMap) {
	conn, created, err := a.store.UpsertConnection(&store.Connection{
		ConnectionID:       st.ConnectionID,
		ProviderConfigKey:  st.ProviderConfigKey,
		Provider:           st.Provider,
		EndUser:            st.EndUser,
		Tags:               st.Tags,
		ConnectionConfig:   config,
		Credentials:        creds,
		WebhookURLOverride: st.WebhookURLOverride,
	}, a.now())
	if err != nil {
		a.log.Error("store failed", "err", err)
		a.failFlow(w, r, wsErr("unknown_err", "Unknown error during the Oauth flow. The dev server could not store the connection."), ref)
		return
	}
	a.log.Info("connection stored", "integration", conn.ProviderConfigKey, "connection_id", conn.ConnectionID)
	a.connectionWebhook(conn, created, authMode)
	if st.WSClientID != "" {
		a.hub.publish(st.WSClientID, wsMessage{MessageType: "success", ProviderConfigKey: conn.ProviderConfigKey, ConnectionID: conn.ConnectionID, IsPending: new(false), Nonce: st.Nonce})
	}
	a.renderCallback(w, http.StatusOK, callbackView{
		Message:      callbackMessage{Type: "nango_oauth_callback_success", Payload: successPayload{ProviderConfigKey: conn.ProviderConfigKey, ConnectionID: conn.ConnectionID, Nonce: st.Nonce}},
		TargetOrigin: st.OpenerOrigin,
	})
}

// callbackError is Nango's InvalidCallbackOAuth2, quoting the provider's own error keys.
func callbackError(q url.Values) *web.Error {
	e := wsErr("callback_err", "Did not get authorization code in the callback.")
	var parts []string
	e.ProviderError, parts = providerError(q)
	if len(parts) > 0 {
		e.Message += " Provider error: " + strings.Join(parts, "; ")
	}
	return e
}

// providerError reads the provider's own error keys from a callback query: as a map (the
// page's providerError, nil when there are none) and as Nango quotes them ("key: value").
func providerError(q url.Values) (map[string]string, []string) {
	var found map[string]string
	var parts []string
	for _, key := range providerErrorKeys {
		if v := strings.TrimSpace(q.Get(key)); v != "" {
			parts = append(parts, key+": "+v)
			if found == nil {
				found = map[string]string{}
			}
			found[key] = v
		}
	}
	return found, parts
}

// exchangeCode redeems the code at the provider's token URL (on the mock provider) with
// golang.org/x/oauth2, sending the provider's token_params and the PKCE verifier.
func (a *API) exchangeCode(ctx context.Context, in *Integration, st *store.OAuthState, code string) (store.OAuth2Credentials, map[string]any, error) {
	p := in.Provider
	tokenURL, ok, err := catalog.InterpolateURL(in.TokenURL, st.ConnectionConfig)
	if !ok {
		return store.OAuth2Credentials{}, nil, errors.New("the token URL cannot be interpolated")
	}
	if err != nil {
		return store.OAuth2Credentials{}, nil, err
	}
	style := oauth2.AuthStyleInParams
	if p.TokenRequestAuthMethod == "basic" || p.AuthorizationMethod == "header" {
		style = oauth2.AuthStyleInHeader
	}
	conf := &oauth2.Config{
		ClientID:     st.ClientID,
		ClientSecret: st.ClientSecret,
		Endpoint:     oauth2.Endpoint{TokenURL: a.endpoint(in, "token", tokenURL), AuthStyle: style},
		RedirectURL:  st.RedirectURI,
	}
	var opts []oauth2.AuthCodeOption
	if st.CodeVerifier != "" {
		opts = append(opts, oauth2.VerifierOption(st.CodeVerifier))
	}
	for _, k := range p.TokenParams.Keys() {
		if k == "grant_type" {
			continue // x/oauth2 sends grant_type=authorization_code itself
		}
		tmpl, _ := p.TokenParams.String(k)
		v, _ := catalog.Interpolate(tmpl, st.ConnectionConfig, false)
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	client := a.client
	if in.Real && tokenURL.HostFromConfig {
		client = a.configHosts
	}
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, oauth2.HTTPClient, client), 10*time.Second)
	defer cancel()
	tok, err := conf.Exchange(ctx, code, opts...)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			if re.Response != nil && re.Response.StatusCode/100 == 2 {
				return store.OAuth2Credentials{}, nil, fmt.Errorf("%w: %s", errUnparsableToken, re.Error())
			}
			return store.OAuth2Credentials{}, nil, fmt.Errorf("the provider refused the code: %s %s", re.ErrorCode, re.ErrorDescription)
		}
		if ctx.Err() == nil && !isNetworkError(err) {
			return store.OAuth2Credentials{}, nil, fmt.Errorf("%w: %v", errUnparsableToken, err)
		}
		return store.OAuth2Credentials{}, nil, fmt.Errorf("%w: %w", errTokenRequestFailed, err)
	}
	raw := map[string]any{}
	keys := []string{"access_token", "token_type", "refresh_token", "expires_in", "scope"}
	for _, k := range p.TokenResponseMetadata {
		keys = append(keys, strings.Split(k, ".")[0])
	}
	for _, k := range keys {
		if v := tok.Extra(k); v != nil {
			raw[k] = v
		}
	}
	creds := store.OAuth2Credentials{Type: "OAUTH2", AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Raw: raw}
	if !tok.Expiry.IsZero() {
		creds.ExpiresAt = jsTime(tok.Expiry)
	}
	return creds, raw, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// errUnparsableToken marks a token response that came back but could not be read (Nango's
// unable_to_parse_token_response).
var errUnparsableToken = errors.New("the token response could not be parsed")

// errTokenRequestFailed marks a token request that got no answer: the network error names
// hosts and addresses, which go to the log only.
var errTokenRequestFailed = errors.New("the token request failed")

// publicExchangeError is what the popup and the webhook say of a failed exchange: the
// provider's own refusal as it is; for a request that got no answer, or a host refused, only
// that it failed.
func publicExchangeError(err error) string {
	switch {
	case errors.Is(err, catalog.ErrHostNotAllowed):
		return "The token URL's host, taken from connection config, is not a public DNS name."
	case errors.Is(err, errTokenRequestFailed):
		return "The provider's token endpoint could not be reached."
	}
	return err.Error()
}

// isNetworkError tells a request that got no answer from one whose answer was unreadable.
func isNetworkError(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr)
}

// endpoint is where the API host sends the popup (kind "authorize") or the code (kind
// "token"): the real URL for a real integration, its mock twin otherwise.
func (a *API) endpoint(in *Integration, kind string, u catalog.ProviderURL) string {
	if in.Real {
		return u.String()
	}
	return a.providerURL + catalog.MockPath(kind, u)
}
