package store

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Store is the one place connect sessions, pending OAuth states and connections are kept. Two
// implementations stand behind it, and the handlers cannot tell them apart: Memory (the
// default: the dev server starts empty, as a test wants it) and Bolt (-data FILE: a team's
// connections survive a restart). A method returns only once the change is durable, so a
// handler that answers after it never promises what a crash could take back.
type Store interface {
	PutSession(token string, sess *Session, now time.Time) error
	// Session finds a session by its token; an expired one is as unknown as a made-up one.
	Session(token string, now time.Time) (*Session, bool, error)
	DeleteSession(token string) error

	PutState(st *OAuthState, now time.Time) error
	// TakeState hands out a pending state once: it is gone after the first callback that
	// names it, whatever that callback then does.
	TakeState(state string, now time.Time) (*OAuthState, bool, error)

	// UpsertConnection stores c under (provider_config_key, connection_id), keeping the id and
	// creation time of the connection it replaces, as Nango's upsert does. created tells a new
	// connection from an override (the auth webhook's operation).
	UpsertConnection(c *Connection, now time.Time) (stored *Connection, created bool, err error)
	// Connection returns a copy of a stored connection without recording a read.
	Connection(providerConfigKey, connectionID string) (*Connection, bool, error)
	// FetchConnection returns a copy and records the read, as Nango's last_fetched_at does.
	FetchConnection(providerConfigKey, connectionID string, now time.Time) (*Connection, bool, error)
	ListConnections(f Filter) ([]*Connection, error)
	DeleteConnection(providerConfigKey, connectionID string) (bool, error)

	// Snapshot copies every session (expired ones too, until swept) and connection.
	Snapshot() (*Snapshot, error)
	// Replace swaps every session, pending OAuth state and connection for snap's, at once.
	// Connection ids are kept and new ones continue after the highest; an empty snapshot is a
	// reset. Settings (the secret key, the clients' seed) stay.
	Replace(snap *Snapshot) error

	// Setting returns a value the server must keep across restarts (a generated secret key,
	// the seed of the dev clients' secrets), generating and storing it the first time.
	Setting(name string, generate func() string) (string, error)
	Close() error
}

// tokenHash is the only form a session token is kept in, so a dump of the store cannot be
// replayed.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
