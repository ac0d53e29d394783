//go:build js && wasm

package nango

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The query lists params in the order of their keys, whatever order a Go map gives them in.
func TestSortedKeys(t *testing.T) {
	m := map[string]int{"subdomain": 1, "region": 2, "a": 3, "zone": 4, "b": 5, "oauth_scopes_override": 6, "Z": 7, "": 8}
	for range 20 {
		assert.Equal(t, []string{"", "Z", "a", "b", "oauth_scopes_override", "region", "subdomain", "zone"}, sortedKeys(m))
	}
	assert.Empty(t, sortedKeys(map[string]string{}))
}
