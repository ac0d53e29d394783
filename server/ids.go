package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
)

const sessionTokenPrefix = "nango_connect_session_"

var (
	// uuidV4Pattern is the key check of Nango's access middleware.
	uuidV4Pattern       = regexp.MustCompile(`(?i)^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	sessionTokenPattern = regexp.MustCompile(`^` + sessionTokenPrefix + `[a-f0-9]{64}$`)
	providerConfigKeyRE = regexp.MustCompile(`^[a-zA-Z0-9~:.@ _-]+$`)
	wsClientIDPattern   = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	noncePattern        = regexp.MustCompile(`^[A-Za-z0-9_-]{16,128}$`)
	// connectionIDPattern is Nango's connectionIdSchema (legacy ids hold JSON and emails).
	connectionIDPattern = regexp.MustCompile(`^[a-zA-Z0-9,.;:=+~\[\]|@${}"'\\/_ -]+$`)
	// websocketsPathPattern keeps WebsocketsPath a plain path, usable as a ServeMux pattern.
	websocketsPathPattern = regexp.MustCompile(`^/[A-Za-z0-9._~/-]*$`)
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error (Go 1.24+)
	return hex.EncodeToString(b)
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func newSessionToken() string { return sessionTokenPrefix + randomHex(32) }

// tokenHash is the only form a session token is kept in, so a dump of the store cannot be
// replayed.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// pkceChallenge is RFC 7636 S256: base64url(SHA-256(verifier)) without padding.
func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
