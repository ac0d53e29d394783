package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// checkClientCredentials is oauth2RequestCC's own check: client_id and client_secret must be
// present, with Nango's NangoError codes and messages.
func checkClientCredentials(body map[string]any) *web.Error {
	if bodyString(body, "client_id") == "" {
		return web.NewError(http.StatusBadRequest, "missing_client_id", "Missing param 'oauth_client_id'.")
	}
	if bodyString(body, "client_secret") == "" {
		return web.NewError(http.StatusBadRequest, "missing_client_secret", "Missing param 'oauth_client_secret'.")
	}
	return nil
}

// connectClientCredentials gets a token with grant_type=client_credentials from the provider's
// (mock) token endpoint over HTTP, with the end user's client, and stores Nango's
// OAuth2ClientCredentials.
func connectClientCredentials(ctx context.Context, a *API, req *authRequest) (any, *web.Error) {
	p := req.in.Provider
	tokenURL, ok, err := catalog.InterpolateURL(p.TokenURL, req.config)
	if !ok {
		return nil, jsonErr(errMissingConnectionConfig(p.TokenURL, catalog.CompactJSON(req.config)))
	}
	if err != nil {
		return nil, jsonErr(a.invalidProviderURL(req.in, p.TokenURL, catalog.CompactJSON(req.config), err))
	}
	clientID, clientSecret := bodyString(req.body, "client_id"), bodyString(req.body, "client_secret")
	conf := &clientcredentials.Config{
		ClientID:       clientID,
		ClientSecret:   clientSecret,
		TokenURL:       a.providerURL + catalog.MockPath("token", tokenURL),
		AuthStyle:      oauth2.AuthStyleInParams,
		EndpointParams: url.Values{},
	}
	if p.TokenRequestAuthMethod == "basic" {
		conf.AuthStyle = oauth2.AuthStyleInHeader
	}
	if req.in.Scopes != "" {
		conf.Scopes = strings.Split(req.in.Scopes, ",")
	}
	for _, k := range p.TokenParams.Keys() {
		if k == "grant_type" {
			continue // clientcredentials sends it
		}
		tmpl, _ := p.TokenParams.String(k)
		if v, ok := catalog.Interpolate(tmpl, req.config, false); ok {
			conf.EndpointParams.Set(k, v)
		}
	}
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, oauth2.HTTPClient, a.client), 10*time.Second)
	defer cancel()
	tok, err := conf.Token(ctx)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			// Nango answers 500 unhandled_oauth2_cc_error here; the dev server names the cause.
			return nil, web.NewError(http.StatusBadRequest, "oauth2_cc_error", fmt.Sprintf("The provider refused the client credentials with %d: %s %s", re.Response.StatusCode, re.ErrorCode, re.ErrorDescription))
		}
		a.log.Warn("client credentials request failed", "integration", req.in.UniqueKey, "err", err)
		return nil, web.NewError(http.StatusBadGateway, "server_error", "The provider's token endpoint could not be reached.")
	}
	raw := map[string]any{"access_token": tok.AccessToken, "token_type": tok.TokenType}
	for _, k := range []string{"expires_in", "scope"} {
		if v := tok.Extra(k); v != nil {
			raw[k] = v
		}
	}
	creds := credentialsOf("type", "OAUTH2_CC", "token", tok.AccessToken, "client_id", clientID, "client_secret", clientSecret)
	for _, k := range []string{"client_certificate", "client_private_key"} {
		if v := bodyString(req.body, k); v != "" {
			creds.Set(k, v)
		}
	}
	if !tok.Expiry.IsZero() {
		creds.Set("expires_at", jsTime(tok.Expiry))
	}
	creds.Set("raw", raw)
	return creds, nil
}
