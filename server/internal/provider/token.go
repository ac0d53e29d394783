package provider

import (
	"net/http"
	"net/url"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"golang.org/x/oauth2"
)

// token is POST /oauth/token/{scheme}/{host}/{path...}, RFC 6749 §4.1.3: the code is redeemed
// once, by the client it was issued to, with the same redirect_uri, at the token URL of the
// authorize host it was issued for, and with the verifier of its PKCE challenge.
func (m *Provider) token(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The token request body could not be read.")
		return
	}
	form := r.PostForm
	switch form.Get("grant_type") {
	case "authorization_code":
	case "client_credentials":
		m.clientCredentials(w, r)
		return
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Only the authorization_code and client_credentials grants are supported.")
		return
	}
	clientID, secret, basic := clientAuth(r)
	client, ok := m.client(clientID)
	if !ok || !secretsEqual(secret, client.Secret) {
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="nango-dev mock provider"`)
		}
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	}
	code, ok := m.takeCode(form.Get("code"))
	switch {
	case !ok:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "The authorization code is invalid, expired or already used.")
		return
	case code.ClientID != client.ID:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "The authorization code was issued to another client.")
		return
	case form.Get("redirect_uri") != code.RedirectURI:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "The redirect_uri does not match the authorization request.")
		return
	}
	called, err := catalog.RealURLFromMockPath(r.URL.EscapedPath(), "/oauth/token/")
	expectedRaw, interpolated := catalog.Interpolate(client.TokenURL, code.Values, false)
	expected, err2 := catalog.ParseProviderURL(expectedRaw)
	if err != nil || !interpolated || err2 != nil || called.String() != expected.String() {
		oauthError(w, http.StatusBadRequest, "invalid_grant", "The authorization code was not issued for this token endpoint.")
		return
	}
	verifier := form.Get("code_verifier")
	if code.Challenge == "" && verifier != "" {
		// RFC 9700 §2.1.1: a verifier for a code issued without a challenge means the code was
		// obtained in another flow (a downgrade: PKCE stripped from the authorize request).
		oauthError(w, http.StatusBadRequest, "invalid_grant", "A code_verifier was sent for a code issued without a code_challenge (PKCE downgrade).")
		return
	}
	if code.Challenge != "" {
		if verifier == "" {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The code_verifier is missing (PKCE).")
			return
		}
		if !secretsEqual(oauth2.S256ChallengeFromVerifier(verifier), code.Challenge) {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed: the code_verifier does not match the code_challenge.")
			return
		}
	}
	if tokenFault(w, code.Faults) {
		return
	}
	writeProviderJSON(w, http.StatusOK, map[string]any{
		"access_token":  "mock_access_" + web.RandomHex(20),
		"refresh_token": "mock_refresh_" + web.RandomHex(20),
		"token_type":    "bearer",
		"expires_in":    3600,
		"scope":         code.Scope,
	})
}

// clientAuth reads the client's id and secret from Basic auth or the form (RFC 6749 §2.3.1).
func clientAuth(r *http.Request) (id, secret string, basic bool) {
	id, secret, basic = r.BasicAuth()
	if basic {
		// Both halves are form-encoded before the Basic encoding.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		return id, secret, true
	}
	return r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), false
}

// oauthError writes an RFC 6749 §5.2 error: the provider's format, not Nango's envelope.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeProviderJSON(w, status, map[string]string{"error": code, "error_description": description})
}
