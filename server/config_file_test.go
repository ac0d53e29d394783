package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeConfig(t *testing.T, dir, content string) string {
	t.Helper()
	path := filepath.Join(dir, "nango-dev.yaml")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// The example in server/README.md is a config file that loads and starts.
func TestConfigFileReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "```yaml\n# nango-dev.yaml")
	require.True(t, ok, "the README has the example")
	example, _, _ := strings.Cut("# nango-dev.yaml"+rest, "```")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "providers.yaml"), catalog.ProvidersYAML, 0o600))
	t.Setenv("NANGO_SECRET_KEY", "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b")
	t.Setenv("NANGO_WEBHOOK_SIGNING_KEY", "whsec")
	t.Setenv("GITHUB_CLIENT_ID", "gh-id")
	t.Setenv("GITHUB_CLIENT_SECRET", "gh-secret")
	cf, err := LoadConfigFile(writeConfig(t, dir, example))
	require.NoError(t, err)
	cfg := cf.Config
	assert.Equal(t, "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", cfg.SecretKey)
	assert.Equal(t, filepath.Join(dir, "nango-dev.db"), cfg.DataFile, "relative to the file")
	assert.Equal(t, WebhookConfig{URL: "http://127.0.0.1:4000/webhooks/nango", SigningKey: "whsec", MaxAttempts: 5, Backoff: 500 * time.Millisecond, Timeout: 10 * time.Second}, cfg.Webhook)
	require.Len(t, cfg.Integrations, 3)
	assert.Equal(t, IntegrationConfig{UniqueKey: "github-real", Provider: "github", Endpoints: "real", ClientID: "gh-id", ClientSecret: "gh-secret",
		AuthorizationURL: "https://github.com/login/oauth/authorize", TokenURL: "https://github.com/login/oauth/access_token"}, cfg.Integrations[2])
	assert.True(t, cfg.MockAllProviders)
	assert.Equal(t, "0b7c1a42-6f0e-4d51-9a8b-3c2d1e0f9a87", cfg.PublicKey)
	assert.Equal(t, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), cfg.AccountCreatedAt)
	assert.Equal(t, "hmac-dev-key", cfg.HMACKey)

	cfg.AppAddr, cfg.APIAddr, cfg.ProviderAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	srv, err := Start(t.Context(), cfg)
	require.NoError(t, cf.Explain(err))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
}

// Every mistake names the file, the line and the field.
func TestConfigFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, yaml, want string }{
		{"syntax", "listen:\n  api: [\n", ":2:"},
		{"unknown top-level key", "secret_key: 6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b\nlisten_api: x\n", ":2: listen_api: unknown key"},
		{"unknown nested key", "webhook:\n  url: http://x\n  retries: 3\n", ":3: webhook.retries: unknown key"},
		{"unknown key in a list item", "integrations:\n  - unique_key: github\n    secret: x\n", ":3: integrations[0].secret: unknown key"},
		{"wrong type", "webhook:\n  max_attempts: many\n", ":2: webhook.max_attempts: expected a whole number"},
		{"list expected", "integrations:\n  - unique_key: zendesk\n    scopes: read\n", ":3: integrations[0].scopes:"},
		{"duplicate key", "environment: a\nenvironment: b\n", ":2:"},
		{"bad duration", "webhook:\n  url: http://x\n  backoff: soon\n", `:3: webhook.backoff: "soon" is not a positive duration`},
		{"unset env", "secret_key: ${NANGO_DEV_TEST_UNSET_VARIABLE}\n", ":1: secret_key: the environment variable NANGO_DEV_TEST_UNSET_VARIABLE is not set"},
		{"bad date", "account_created_at: last year\n", `:1: account_created_at: "last year" is not a date (YYYY-MM-DD)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeConfig(t, t.TempDir(), tc.yaml)
			_, err := LoadConfigFile(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path+tc.want)
		})
	}
}

// Errors Start finds (which need the catalog) still point at the line of the field.
func TestConfigFileExplainsStartErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ yaml, want string }{
		{"secret_key: nope\n", ":1: secret_key: must be a UUID v4, as Nango's secret keys are"},
		{"public_key: nope\n", ":1: public_key: must be a UUID v4, as Nango's public keys are"},
		{"faults: [coop]\nintegrations:\n  - unique_key: github\n  - unique_key: acme\n    provider: acme\n", `:5: integrations[1].provider: no provider "acme" in the catalog`},
		{"integrations:\n  - unique_key: github\n    endpoints: real\n    client_id: x\n", ":2: integrations[0].client_secret: required when endpoints are real"},
	}
	for _, tc := range tests {
		path := writeConfig(t, t.TempDir(), tc.yaml)
		cf, err := LoadConfigFile(path)
		require.NoError(t, err)
		cf.Config.AppAddr, cf.Config.APIAddr, cf.Config.ProviderAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
		_, err = Start(t.Context(), cf.Config)
		require.Error(t, err)
		assert.Equal(t, path+tc.want, cf.Explain(err).Error())
	}
}

// A field the file does not set is explained at the nearest enclosing one it sets: at the key's
// line for a map, at the item's for a list.
func TestConfigFileExplainPointsAtTheNearestField(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, t.TempDir(), "environment: dev\nlisten:\n  app: 127.0.0.1:0\nintegrations:\n  - unique_key: github\n")
	cf, err := LoadConfigFile(path)
	require.NoError(t, err)
	for field, want := range map[string]string{
		"listen.api":                    ":2: listen.api: m",
		"integrations[0].client_secret": ":5: integrations[0].client_secret: m",
		"webhook.url":                   ": webhook.url: m",
	} {
		assert.Equal(t, path+want, cf.Explain(configErr(field, "m")).Error(), field)
	}
}
