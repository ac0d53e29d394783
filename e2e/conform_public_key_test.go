package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Nango's deprecated public-key auth, which it still accepts for accounts created before
// 2025-08-25, with hmac_enabled: the page passes publicKey instead of a session token, names the
// connection, and signs "<integration>:<connection id>" with the environment's HMAC key (its
// backend would). Both SDKs send the key and the hmac in the query.
func TestConformancePublicKey(t *testing.T) {
	sign := func(values string) string {
		mac := hmac.New(sha256.New, []byte(HMACKey))
		mac.Write([]byte(values))
		return hex.EncodeToString(mac.Sum(nil))
	}
	call := func(id, hmacValue string) string {
		return fmt.Sprintf(`{ method: 'auth', args: ['github', %q, { hmac: %q }] }`, id, hmacValue)
	}
	runScenarios(t, []scenario{
		{
			name:      "legacy public key with its hmac",
			publicKey: LegacyPublicKey,
			call:      call("legacy-github", sign("github:legacy-github")),
			user:      approve,
			want:      expect{ok: true, config: map[string]any{}},
			extra: func(t *testing.T, sdk, _ string, o observation) {
				assert.Equal(t, "legacy-github", o.outcome.Value.ConnectionID, "%s: the connection id the page named", sdk)
				assert.Nil(t, o.stored["end_user"], sdk)
			},
		},
		{
			name:      "public key without hmac",
			publicKey: LegacyPublicKey,
			call:      `{ method: 'auth', args: ['github', 'legacy-github'] }`,
			popup:     true,
			want:      expect{typ: "missing_hmac", message: "Missing HMAC digest."},
		},
		{
			name:      "hmac of another connection",
			publicKey: LegacyPublicKey,
			call:      call("legacy-github", sign("github:someone-else")),
			popup:     true,
			want:      expect{typ: "invalid_hmac", message: "Invalid HMAC digest."},
		},
	})
}
