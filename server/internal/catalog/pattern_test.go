package catalog

import (
	"strings"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every catalog pattern accepts on the server exactly what JavaScript's RegExp (the Connect
// UI's check) accepts, lookahead included: Salesforce's Lightning hosts are refused on both
// sides.
func TestFieldPatternsAgreeWithJavaScript(t *testing.T) {
	t.Parallel()
	cat, err := Load(ProvidersYAML)
	require.NoError(t, err)
	var patterns []string
	var checks []*FieldPattern
	for _, name := range cat.Names {
		for _, f := range cat.Providers[name].Fields {
			if f.Check != nil {
				patterns, checks = append(patterns, f.Pattern), append(checks, f.Check)
			}
		}
	}
	values := []string{
		"acme", "acme.my.salesforce.com", "acme.lightning.force.com", "ACME.Lightning.Force.com", "lightning.force.com",
		"x.lightning.salesforce.com", "acme.lightning.force.com.evil.com", "acme.my.salesforce.com.lightning.force.com",
		"evil.com#", "a/b", "-acme", "acme-", "https://acme.example.com", "ftp://x", "v1.2", "v12.34", "", " ", "a b",
		"ghost.io", "blog.ghost.io", "my_site.example.org", "0123456789abcdef01234567:" + strings.Repeat("a", 64),
	}
	var js [][]bool
	webtest.RunNode(t, `const {patterns, values} = JSON.parse(require('fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(patterns.map((p) => values.map((v) => new RegExp(p).test(v)))));`,
		map[string]any{"patterns": patterns, "values": values}, &js)
	require.Len(t, js, len(patterns))
	for i, p := range patterns {
		for j, v := range values {
			assert.Equal(t, js[i][j], checks[i].MatchString(v), "pattern %s, value %q", p, v)
		}
	}
	salesforce, _ := cat.Get("salesforce")
	assert.False(t, salesforce.Fields[1].Check.MatchString("acme.lightning.force.com"), "the lookahead is kept")
}
