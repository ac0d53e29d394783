package api

import (
	"regexp"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// The formats of the identifiers the API host accepts, as Nango's schemas write them.
var (
	sessionTokenPattern      = regexp.MustCompile(`^` + sessionTokenPrefix + `[a-f0-9]{64}$`)
	ProviderConfigKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9~:.@ _-]+$`) // an integration's unique key
	wsClientIDPattern        = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	noncePattern             = regexp.MustCompile(`^[A-Za-z0-9_-]{16,128}$`)
	// connectionIDPattern is Nango's connectionIdSchema (legacy ids hold JSON and emails).
	connectionIDPattern = regexp.MustCompile(`^[a-zA-Z0-9,.;:=+~\[\]|@${}"'\\/_ -]+$`)
)

const sessionTokenPrefix = "nango_connect_session_"

// newSessionToken is a fresh connect session token: 256 random bits behind Nango's prefix.
func newSessionToken() string { return sessionTokenPrefix + web.RandomHex(32) }
