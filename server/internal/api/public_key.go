package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// Public keys and HMAC: Nango's authentication before connect sessions, deprecated in both
// directions. A public key still authenticates /oauth/connect and the custom-auth POSTs for an
// account created before PUBLIC_AUTHENTICATION_DEPRECATION_DATE; an environment with
// hmac_enabled then also requires the `hmac` parameter, a signature of the integration and
// connection id that the app's backend computes with the environment's HMAC key. Neither
// applies to a connect session.

// publicKeyDeprecation is Nango's PUBLIC_AUTHENTICATION_DEPRECATION_DATE default: accounts
// created after it cannot use a public key.
var publicKeyDeprecation = time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC)

// PublicKeyAuth is the environment's legacy authentication (Config.PublicKey).
type PublicKeyAuth struct {
	// Key is the environment's public key; "" reads any well-formed key as the environment's.
	Key string
	// AccountCreatedAt decides whether Key still authenticates (before 2025-08-25); zero is the
	// server's start, a new account.
	AccountCreatedAt time.Time
	// HMACKey, when set, is hmac_enabled: a public-key request must carry `hmac`.
	HMACKey string
}

// authenticatePublicKey is the public-key half of Nango's connectSessionOrPublicKeyAuth. A
// caller it accepts gets an empty session: no end user, no defaults, every integration.
func (a *API) authenticatePublicKey(key string) (*store.Session, *web.Error) {
	switch {
	case key == "":
		return nil, errMissingPublicKey
	case !web.UUIDv4Pattern.MatchString(key):
		return nil, errInvalidPublicKey
	case a.publicKey.Key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(a.publicKey.Key)) != 1:
		return nil, errUnknownAccount
	case a.publicKey.AccountCreatedAt.After(publicKeyDeprecation):
		return nil, errDeprecatedAuthorization
	}
	return &store.Session{}, nil
}

// hmacDigest is Nango's hmacService.computeDigest: hex HMAC-SHA256 of the values joined by ":".
func hmacDigest(key string, values ...string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(strings.Join(values, ":")))
	return hex.EncodeToString(mac.Sum(nil))
}

// checkHMAC applies hmac_enabled to a public-key request: connectionID is "" when none was
// given. It returns "" or the failure, missing_hmac or invalid_hmac.
func (a *API) checkHMAC(q *connectQuery, providerConfigKey, connectionID string) string {
	if a.publicKey.HMACKey == "" || q.SessionToken != "" {
		return ""
	}
	if q.HMAC == "" {
		return "missing_hmac"
	}
	values := []string{providerConfigKey}
	if connectionID != "" {
		values = append(values, connectionID)
	}
	if !hmac.Equal([]byte(q.HMAC), []byte(hmacDigest(a.publicKey.HMACKey, values...))) {
		return "invalid_hmac"
	}
	return ""
}

// flowHMACError is how /oauth/connect reports an HMAC failure: a WSErr, as Nango's oauthRequest.
func flowHMACError(code string) *web.Error {
	if code == "missing_hmac" {
		return wsErr(code, "Missing HMAC digest.")
	}
	return wsErr(code, "Invalid HMAC digest.")
}

// postHMACError is how the custom-auth POSTs report it: Nango's hmacCheck, a JSON 400.
func postHMACError(code string) *web.Error {
	if code == "missing_hmac" {
		return web.NewError(http.StatusBadRequest, code, "Missing param 'hmac'.")
	}
	return web.NewError(http.StatusBadRequest, code, "Invalid HMAC signature.")
}
