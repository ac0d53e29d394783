package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmbeddedCatalog(t *testing.T) {
	t.Parallel()
	cat, err := Load(ProvidersYAML)
	require.NoError(t, err)
	for _, name := range []string{"zendesk", "shopify", "github", "slack", "google", "hubspot", "salesforce", "notion", "linear", "jira"} {
		p, ok := cat.Get(name)
		require.True(t, ok, name)
		assert.Equal(t, "OAUTH2", p.AuthMode, name)
		assert.NotEmpty(t, p.AuthorizationURL, name)
		assert.NotEmpty(t, p.TokenURL, name)
		assert.NotEmpty(t, p.DisplayName, name)
		assert.NotEmpty(t, p.Docs, name)
	}
	zendesk, _ := cat.Get("zendesk")
	require.Len(t, zendesk.Fields, 1)
	f := zendesk.Fields[0]
	assert.Equal(t, ConfigField{Name: "subdomain", Type: "string", Title: "Zendesk Domain", Description: "The subdomain of your Zendesk account",
		Example: "domain", Pattern: "^[a-z0-9_-]+$", Prefix: "https://", Suffix: ".zendesk.com", DocSection: "#step-1-finding-your-subdomain", Check: f.Check}, f)
	assert.Equal(t, []string{"grant_type", "expires_in"}, zendesk.TokenParams.Keys())

	shopify, _ := cat.Get("shopify")
	expiring, _ := shopify.TokenParams.String("expiring")
	assert.Equal(t, "1", expiring, "a numeric token param is kept as its text")

	slack, _ := cat.Get("slack")
	assert.Equal(t, ",", slack.ScopeSeparator)
	assert.True(t, slack.DisablePKCE)

	jira, _ := cat.Get("jira")
	assert.Equal(t, []string{"offline_access"}, jira.DefaultScopes)
	assert.Equal(t, []string{"audience", "prompt"}, jira.AuthorizationParams.Keys())

	trello, _ := cat.Get("trello")
	assert.Equal(t, "OAUTH1", trello.AuthMode)
	assert.Equal(t, "https://trello.com/1/OAuthGetRequestToken", trello.RequestURL)
	assert.Equal(t, "HMAC-SHA1", trello.SignatureMethod)

	salesforce, _ := cat.Get("salesforce")
	require.Len(t, salesforce.Fields, 2)
	assert.Equal(t, []string{"instance_url", "hostname"}, []string{salesforce.Fields[0].Name, salesforce.Fields[1].Name}, "fields keep file order")
	hostname := salesforce.Fields[1]
	require.NotNil(t, hostname.Check)
	assert.True(t, hostname.Check.MatchString("acme.my.salesforce.com"))
	assert.False(t, hostname.Check.MatchString("evil.com#"))
}

func TestCatalogAlias(t *testing.T) {
	t.Parallel()
	cat, err := Load([]byte(`
base:
    display_name: Base
    auth_mode: OAUTH2
    authorization_url: https://auth.example.com/authorize
    token_url:
        OAUTH2: https://auth.example.com/token
        APP: https://api.example.com/app
    authorization_params:
        response_type: code
    docs: https://example.com/base
child:
    display_name: Child
    alias: base
    docs: https://example.com/child
`))
	require.NoError(t, err)
	child, ok := cat.Get("child")
	require.True(t, ok)
	assert.Equal(t, "Child", child.DisplayName)
	assert.Equal(t, "OAUTH2", child.AuthMode)
	assert.Equal(t, "https://auth.example.com/authorize", child.AuthorizationURL)
	assert.Equal(t, "https://auth.example.com/token", child.TokenURL, "token_url keyed by auth mode")
	assert.Equal(t, "https://example.com/child", child.Docs)
	assert.NotContains(t, child.Raw, "alias")
	assert.Equal(t, "Child", child.Raw["display_name"])
	assert.Equal(t, []string{"base", "child"}, cat.Names)

	_, err = Load([]byte("a:\n    alias: b\n"))
	assert.Error(t, err, "an unknown alias is an error")
	_, err = Load([]byte("a:\n    alias: b\nb:\n    alias: a\n"))
	assert.Error(t, err, "a circular alias is an error")
}

func TestCompileJSPattern(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		pattern string
		match   []string
		noMatch []string
		wantErr bool
	}{
		{name: "plain", pattern: `^[a-z0-9_-]+$`, match: []string{"acme"}, noMatch: []string{"a.b", "evil.com#"}},
		{name: "leading negative lookahead is dropped", pattern: `^(?!(?:.*\.)?lightning\.force\.com$)[a-z.]+$`, match: []string{"acme.my.salesforce.com"}, noMatch: []string{"a/b"}},
		{name: "lookahead elsewhere is refused", pattern: `^a(?=b)`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			re, err := compileJSPattern(tc.pattern)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			for _, s := range tc.match {
				assert.True(t, re.MatchString(s), s)
			}
			for _, s := range tc.noMatch {
				assert.False(t, re.MatchString(s), s)
			}
		})
	}
}
