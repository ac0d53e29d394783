package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/dghubble/oauth1"
	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// OAuth 1.0a (auth_mode OAUTH1, e.g. trello), as Nango's oauth1Request and oauth1Callback run
// it: /oauth/connect fetches a request token with a signed POST whose oauth_callback carries the
// state (OAuth1 has no state parameter of its own), keeps the token's secret with the state, and
// sends the popup to the authorize page; the callback trades oauth_token and oauth_verifier for
// the access token with a second signed POST. Requests are signed by github.com/dghubble/oauth1;
// the mock provider checks them with its own reading of RFC 5849.

// checkOAuth1Provider refuses an OAUTH1 provider the flow cannot run: one without a request
// URL, or signed another way than HMAC-SHA1 (the only method the catalog's providers use).
func checkOAuth1Provider(p *catalog.Provider) *web.Error {
	if p.RequestURL == "" || p.AuthorizationURL == "" || p.TokenURL == "" {
		return wsErr("provider_config_err", fmt.Sprintf("Provider %q lacks the request_url, authorization_url or token_url OAuth 1.0a needs.", p.Name))
	}
	if p.SignatureMethod != "" && p.SignatureMethod != "HMAC-SHA1" {
		return wsErr("provider_config_err", fmt.Sprintf("Provider %q signs with %s; the dev server signs OAuth 1.0a requests with HMAC-SHA1 only.", p.Name, p.SignatureMethod))
	}
	return nil
}

// oauth1Endpoints are the flow's three OAuth1 URLs (their mock twins for a mock integration).
func (a *API) oauth1Endpoints(in *Integration, config *catalog.OrderedMap) (oauth1.Endpoint, *web.Error) {
	var urls [3]string
	for i, ep := range []struct{ template, kind string }{
		{in.Provider.RequestURL, catalog.MockOAuth1RequestToken},
		{in.AuthorizationURL, catalog.MockOAuth1AuthorizeToken},
		{in.TokenURL, catalog.MockOAuth1AccessToken},
	} {
		raw, ok := catalog.Interpolate(ep.template, config, true)
		if !ok {
			return oauth1.Endpoint{}, errMissingConnectionConfig(ep.template, catalog.CompactJSON(config))
		}
		u, err := catalog.ParseProviderURL(raw)
		if err != nil {
			return oauth1.Endpoint{}, invalidConnectionConfig(fmt.Sprintf("The Connection Config does not make a valid url from %s. Provided Connection Config: %s", ep.template, catalog.CompactJSON(config)))
		}
		urls[i] = a.endpoint(in, ep.kind, u)
	}
	return oauth1.Endpoint{RequestTokenURL: urls[0], AuthorizeURL: urls[1], AccessTokenURL: urls[2]}, nil
}

// oauth1Client is the flow's OAuth1 consumer, signing with the integration's (or the flow's
// overriding) client id and secret.
func (a *API) oauth1Client(st *store.OAuthState, endpoint oauth1.Endpoint) *oauth1.Config {
	return &oauth1.Config{
		ConsumerKey:    st.ClientID,
		ConsumerSecret: st.ClientSecret,
		CallbackURL:    st.RedirectURI + "?" + url.Values{"state": {st.State}}.Encode(),
		Endpoint:       endpoint,
		HTTPClient:     a.client,
	}
}

// oauth1Authorize fetches the request token and builds the authorize URL in the order of
// Nango's getAuthorizationURL: oauth_token, scope, the template authorization_params, then
// oauth_callback. The request's authorization_params are not sent, as in Nango; the flow's
// faults are, for the mock provider.
func (a *API) oauth1Authorize(flow *popupFlow) (string, *web.Error) {
	in, st := flow.in, flow.state
	endpoint, apiErr := a.oauth1Endpoints(in, st.ConnectionConfig)
	if apiErr != nil {
		return "", apiErr
	}
	client := a.oauth1Client(st, endpoint)
	token, secret, err := client.RequestToken()
	if err != nil {
		a.log.Warn("oauth1 request token failed", "integration", in.UniqueKey, "err", err)
		return "", wsErr("token_err", "Error storing/retrieving the token.")
	}
	st.RequestTokenSecret = secret

	scopes := in.Scopes
	if override, ok := st.ConnectionConfig.String("oauth_scopes_override"); ok {
		scopes = override
	}
	separator := in.Provider.ScopeSeparator
	if separator == "" {
		separator = " "
	}
	scope := ""
	if scopes != "" {
		scope = strings.Join(strings.Split(scopes, ","), separator)
	}
	query := orderedQuery{{"oauth_token", token}, {"scope", scope}}
	params := in.Provider.AuthorizationParams
	for _, k := range params.Keys() {
		v, _ := params.String(k)
		query.set(k, v)
	}
	query.set("oauth_callback", client.CallbackURL)
	if !in.Real && len(flow.faults) > 0 {
		query.set(catalog.FaultParam, flow.faults.String())
	}
	return endpoint.AuthorizeURL + "?" + query.encode(), nil
}

// oauth1Callback finishes an OAUTH1 flow: the provider sent oauth_token and oauth_verifier, which
// the access token request signs with the request token's secret kept in the state.
func (a *API) oauth1Callback(w http.ResponseWriter, r *http.Request, in *Integration, st *store.OAuthState, ref flowRef, failed failedConnection) {
	q := r.URL.Query()
	token, verifier := q.Get("oauth_token"), q.Get("oauth_verifier")
	if token == "" || verifier == "" {
		// Nango quotes no provider error here (OAuth 1.0a has no standard refusal), and the
		// page does not either: the page and the WebSocket frame must agree, as the SDK
		// settles with whichever comes first.
		e := wsErr("callback_err", "Did not get oauth_token and/or oauth_verifier in the callback.")
		a.failureWebhook(failed, webhookError{Type: "invalid_callback", Description: e.Message})
		a.failFlow(w, r, e, ref)
		return
	}
	endpoint, apiErr := a.oauth1Endpoints(in, st.ConnectionConfig)
	if apiErr != nil {
		a.failFlow(w, r, apiErr, ref)
		return
	}
	accessToken, accessSecret, err := a.oauth1Client(st, endpoint).AccessToken(token, st.RequestTokenSecret, verifier)
	if err != nil {
		a.log.Warn("oauth1 access token failed", "integration", st.ProviderConfigKey, "err", err)
		e := wsErr("unknown_err", "Unknown error during the Oauth flow. The provider refused the access token request: "+err.Error())
		a.failureWebhook(failed, webhookError{Type: "unknown", Description: e.Message})
		a.failFlow(w, r, e, ref)
		return
	}
	creds := store.OAuth1Credentials{
		Type: "OAUTH1", OAuthToken: accessToken, OAuthTokenSecret: accessSecret,
		Raw: map[string]string{"oauth_token": accessToken, "oauth_token_secret": accessSecret},
	}
	a.completeFlow(w, r, st, ref, in.Provider.AuthMode, creds, storedConnectionConfig(in.Provider, st.ConnectionConfig, nil))
}
