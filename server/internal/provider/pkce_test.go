package provider

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/oauth2"
)

// RFC 9700 §2.1.1: a code issued without a code_challenge is not redeemed with a code_verifier
// (the client that sent one did use PKCE, so this code came from another flow, or PKCE was
// stripped from its authorize request), and a code issued with one is not redeemed without.
func TestPKCEDowngradeRefused(t *testing.T) {
	t.Parallel()
	_, base := startProvider(t, testClient)
	form := func(code, verifier string) url.Values {
		f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {testClient.RedirectURI},
			"client_id": {testClient.ID}, "client_secret": {testClient.Secret}}
		if verifier != "" {
			f.Set("code_verifier", verifier)
		}
		return f
	}
	resp := redeem(t, base, tokenPath, form(approvedCode(t, base, authorizeQuery("")), oauth2.GenerateVerifier()), false)
	assert.Equal(t, http.StatusBadRequest, resp.Status, resp.Body)
	assert.Equal(t, "invalid_grant", resp.JSON(t)["error"])
	assert.Contains(t, resp.JSON(t)["error_description"], "without a code_challenge")

	resp = redeem(t, base, tokenPath, form(approvedCode(t, base, authorizeQuery(oauth2.GenerateVerifier())), ""), false)
	assert.Equal(t, http.StatusBadRequest, resp.Status, resp.Body)
	assert.Equal(t, "invalid_grant", resp.JSON(t)["error"])
}
