package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The popup modes beyond OAUTH2, in both SDKs: a GitHub App install (APP), a GitHub App install
// with its OAuth step (CUSTOM), and MCP providers (MCP_OAUTH2) whose client registers itself
// (RFC 7591) or is a client ID metadata document on the API host.
func TestConformanceAppAndMCPModes(t *testing.T) {
	storedAs := func(credentialsType string, configKeys ...string) func(t *testing.T, sdk, token string, o observation) {
		return func(t *testing.T, sdk, _ string, o observation) {
			if !o.outcome.OK {
				return // check reports the rejection
			}
			creds, _ := o.stored["credentials"].(map[string]any)
			assert.Equal(t, credentialsType, creds["type"], "%s: stored credentials", sdk)
			assert.NotEmpty(t, creds["access_token"], "%s: stored access_token", sdk)
			config, _ := o.stored["connection_config"].(map[string]any)
			for _, k := range configKeys {
				assert.NotEmpty(t, config[k], "%s: stored connection_config.%s", sdk, k)
			}
		}
	}
	runScenarios(t, []scenario{
		{
			name:     "github app install",
			token:    freshSession(nil),
			call:     `{ method: 'auth', args: ['github-app'] }`,
			user:     approve,
			want:     expect{ok: true},
			volatile: []string{"installation_id", "jwtToken"},
			extra:    storedAs("APP", "installation_id", "app_id", "jwtToken"),
		},
		{
			name:  "github app install cancelled",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['github-app'] }`,
			user:  deny,
			want:  expect{typ: "callback_err", message: "Did not get an installation_id in the callback. Provider error: error: access_denied; error_description: The user cancelled the installation"},
			ours:  &expect{typ: "access_denied", message: "Did not get an installation_id in the callback. Provider error: error: access_denied; error_description: The user cancelled the installation"},
			why:   "as for an OAuth refusal: the user's refusal gets its own type",
		},
		{
			name:     "github app oauth: install and authorize",
			token:    freshSession(nil),
			call:     `{ method: 'auth', args: ['github-app-oauth'] }`,
			user:     approve,
			want:     expect{ok: true},
			volatile: []string{"installation_id", "jwtToken"},
			extra:    storedAs("APP", "installation_id", "appPublicLink", "jwtToken"),
		},
		{
			name:  "mcp provider with dynamic client registration",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['linear-mcp'] }`,
			user:  approve,
			want:  expect{ok: true, config: map[string]any{}},
			extra: storedAs("OAUTH2"),
		},
		{
			name:  "mcp provider reading a client ID metadata document",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['lovable-mcp'] }`,
			user:  approve,
			want:  expect{ok: true, config: map[string]any{}},
			extra: storedAs("OAUTH2"),
		},
		{
			name:  "mcp provider denied",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['linear-mcp'] }`,
			user:  deny,
			want:  expect{typ: "callback_err", message: "Did not get authorization code in the callback. Provider error: error: access_denied; error_description: The user denied access"},
			ours:  &expect{typ: "access_denied", message: "Did not get authorization code in the callback. Provider error: error: access_denied; error_description: The user denied access"},
			why:   "as for an OAuth refusal: the user's refusal gets its own type",
		},
	})
}

// A marketplace plugin install (INSTALL_PLUGIN) in both SDKs.
func TestConformancePluginInstall(t *testing.T) {
	runScenarios(t, []scenario{
		{
			name:     "crisp plugin install",
			token:    freshSession(nil),
			call:     `{ method: 'auth', args: ['crisp-plugin-install'] }`,
			user:     approve,
			want:     expect{ok: true},
			volatile: []string{"website_id"},
			extra: func(t *testing.T, sdk, _ string, o observation) {
				creds, _ := o.stored["credentials"].(map[string]any)
				assert.Equal(t, "BASIC", creds["type"], "%s: stored credentials", sdk)
			},
		},
	})
}
