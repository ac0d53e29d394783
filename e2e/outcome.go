package e2e

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Outcome is what a fixture page recorded of one SDK call (e2e/testdata/outcomes.js), read back
// from window.outcomes by the tests here and by the engine scenarios (e2e/engines).
type Outcome struct {
	Settled bool `json:"settled"`
	OK      bool `json:"ok"`
	Sync    bool `json:"sync"` // thrown synchronously (conform.html records it)
	Value   struct {
		ProviderConfigKey string `json:"providerConfigKey"`
		ConnectionID      string `json:"connectionId"`
		IsPending         *bool  `json:"isPending"`
	} `json:"value"`
	Type        string `json:"type"`
	Message     string `json:"message"`
	Name        string `json:"name"`
	IsAuthError bool   `json:"isAuthError"`
	IsError     bool   `json:"isError"`
	Stack       string `json:"stack"`
}

// RequireRejected checks a settled outcome is a rejection with an AuthError of the given type.
func RequireRejected(t *testing.T, o Outcome, wantType string) {
	t.Helper()
	require.True(t, o.Settled, "auth() did not settle")
	require.False(t, o.OK, "auth() resolved instead of rejecting with %s", wantType)
	require.Equal(t, wantType, o.Type, "message: %s", o.Message)
	require.True(t, o.IsAuthError, "not an AuthError")
}
