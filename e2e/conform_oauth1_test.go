package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// OAuth 1.0a (trello) against the real @nangohq/frontend and nango-wasm: the popup goes to
// /oauth/connect, which fetches a signed request token, then to the mock provider's authorize
// page; the user clicks there, and the callback trades the verifier for the access token.
func TestConformanceOAuth1(t *testing.T) {
	// approveScopes checks that the authorize page asks for the overriding scopes, joined
	// with Trello's separator, then approves.
	approveScopes := func(t *testing.T, popup context.Context) {
		t.Helper()
		atProvider(t, popup)
		assert.Equal(t, "read,write", text(t, popup, "#scopes"))
		step(t, popup, chromedp.Click(chromedp.CSS("#approve")))
	}
	oauth1Credentials := func(t *testing.T, sdk, _ string, o observation) {
		creds, _ := o.stored["credentials"].(map[string]any)
		assert.Equal(t, "OAUTH1", creds["type"], sdk)
		assert.Regexp(t, `^mock_oauth1_token_`, creds["oauth_token"], sdk)
		assert.Regexp(t, `^mock_oauth1_secret_`, creds["oauth_token_secret"], sdk)
		assert.Equal(t, "trello", o.outcome.Value.ProviderConfigKey, sdk)
	}
	denied := "Did not get oauth_token and/or oauth_verifier in the callback."
	runScenarios(t, []scenario{
		{
			name:  "oauth1 approve",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['trello'] }`,
			user:  approve,
			want:  expect{ok: true, config: map[string]any{}},
			extra: oauth1Credentials,
		},
		{
			name:  "oauth1 with a scopes override",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['trello', { params: { oauth_scopes_override: 'read,write' } }] }`,
			user:  approveScopes,
			want:  expect{ok: true, config: map[string]any{"oauth_scopes_override": []any{"read", "write"}}},
			extra: oauth1Credentials,
		},
		{
			name:  "oauth1 deny",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['trello'] }`,
			user:  deny,
			// Unlike OAuth2's, Nango's OAuth1 message quotes no provider error, so nothing
			// tells a refusal from a broken provider: both SDKs report callback_err.
			want: expect{typ: "callback_err", message: denied},
		},
	})
}
