package auth

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The golden file is written by tools/anchor/golden.mjs, which runs the real
// @nangohq/frontend@0.71.10 from npm on each input (make golden; make test regenerates it and
// fails on a difference).
func loadGolden(t *testing.T) *Object {
	t.Helper()
	raw, err := os.ReadFile("testdata/anchor_golden.json")
	require.NoError(t, err)
	g, ok := decodeJS(t, raw).(*Object)
	require.True(t, ok)
	return g
}

func TestQueryStringMatchesAnchor(t *testing.T) {
	t.Parallel()
	cases, ok := loadGolden(t).Get("query")
	require.True(t, ok)
	require.NotEmpty(t, cases)
	for _, c := range cases.([]any) {
		c := c.(*Object)
		name, _ := c.String("name")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rawOpts, _ := c.Get("options")
			opts, err := ParseClientOptions(rawOpts, goResolver)
			require.Nil(t, err)
			connID, _ := c.String("connectionId")
			cfg, _ := c.Object("config")
			want, _ := c.String("want")
			assert.Equal(t, want, QueryString(connID, opts, cfg))
		})
	}
}

func TestWindowFeaturesMatchAnchor(t *testing.T) {
	t.Parallel()
	cases, ok := loadGolden(t).Get("layout")
	require.True(t, ok)
	require.NotEmpty(t, cases)
	for _, c := range cases.([]any) {
		c := c.(*Object)
		name, _ := c.String("name")
		t.Run(name, func(t *testing.T) {
			num := func(k string) float64 { v, _ := c.Get(k); return v.(float64) }
			want, _ := c.String("want")
			l := ComputeLayout(num("screenWidth"), num("screenHeight"), num("width"), num("height"))
			assert.Equal(t, want, WindowFeatures(l))
		})
	}
}
