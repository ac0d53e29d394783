package server

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// store is the one place connect sessions, pending OAuth states and connections are kept. Two
// implementations stand behind it, and the handlers cannot tell them apart: memStore (the
// default: the dev server starts empty, as a test wants it) and boltStore (-data FILE: a team's
// connections survive a restart). A method returns only once the change is durable, so a
// handler that answers after it never promises what a crash could take back.
type store interface {
	putSession(token string, sess *connectSession, now time.Time) error
	// session finds a session by its token; an expired one is as unknown as a made-up one.
	session(token string, now time.Time) (*connectSession, bool, error)
	deleteSession(token string) error

	putState(st *oauthState, now time.Time) error
	// takeState hands out a pending state once: it is gone after the first callback that
	// names it, whatever that callback then does.
	takeState(state string, now time.Time) (*oauthState, bool, error)

	// upsertConnection stores c under (provider_config_key, connection_id), keeping the id and
	// creation time of the connection it replaces, as Nango's upsert does. created tells a new
	// connection from an override (the auth webhook's operation).
	upsertConnection(c *connection, now time.Time) (stored *connection, created bool, err error)
	// connection returns a copy of a stored connection without recording a read.
	connection(providerConfigKey, connectionID string) (*connection, bool, error)
	// fetchConnection returns a copy and records the read, as Nango's last_fetched_at does.
	fetchConnection(providerConfigKey, connectionID string, now time.Time) (*connection, bool, error)
	listConnections(f connectionFilter) ([]*connection, error)
	deleteConnection(providerConfigKey, connectionID string) (bool, error)

	// setting returns a value the server must keep across restarts (a generated secret key,
	// the seed of the dev clients' secrets), generating and storing it the first time.
	setting(name string, generate func() string) (string, error)
	close() error
}

type connectionKey struct{ providerConfigKey, connectionID string }

// memStore keeps everything in maps under one mutex.
type memStore struct {
	mu          sync.Mutex
	sessions    map[string]*connectSession // by SHA-256 of the token, never the token itself
	states      map[string]*oauthState     // by state
	connections map[connectionKey]*connection
	settings    map[string]string
	nextID      int64
	lastSweep   time.Time
}

func newStore() *memStore {
	return &memStore{
		sessions:    map[string]*connectSession{},
		states:      map[string]*oauthState{},
		connections: map[connectionKey]*connection{},
		settings:    map[string]string{},
	}
}

func (s *memStore) putSession(token string, sess *connectSession, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.sessions[tokenHash(token)] = sess
	return nil
}

func (s *memStore) session(token string, now time.Time) (*connectSession, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[tokenHash(token)]
	if !ok || !now.Before(sess.ExpiresAt) {
		return nil, false, nil
	}
	return sess, true, nil
}

func (s *memStore) deleteSession(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, tokenHash(token))
	return nil
}

func (s *memStore) putState(st *oauthState, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.states[st.State] = st
	return nil
}

func (s *memStore) takeState(state string, now time.Time) (*oauthState, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.states[state]
	if !ok {
		return nil, false, nil
	}
	delete(s.states, state)
	if !now.Before(st.ExpiresAt) {
		return nil, false, nil
	}
	return st, true, nil
}

func (s *memStore) upsertConnection(c *connection, now time.Time) (*connection, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := connectionKey{c.ProviderConfigKey, c.ConnectionID}
	old, existed := s.connections[key]
	if existed {
		c.ID, c.CreatedAt = old.ID, old.CreatedAt
	} else {
		s.nextID++
		c.ID, c.CreatedAt = s.nextID, now
	}
	c.UpdatedAt = now
	s.connections[key] = c
	copied := *c
	return &copied, !existed, nil
}

func (s *memStore) connection(providerConfigKey, connectionID string) (*connection, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connections[connectionKey{providerConfigKey, connectionID}]
	if !ok {
		return nil, false, nil
	}
	copied := *c
	return &copied, true, nil
}

func (s *memStore) fetchConnection(providerConfigKey, connectionID string, now time.Time) (*connection, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connections[connectionKey{providerConfigKey, connectionID}]
	if !ok {
		return nil, false, nil
	}
	fetched := now
	c.LastFetchedAt = &fetched
	copied := *c
	return &copied, true, nil
}

func (s *memStore) listConnections(f connectionFilter) ([]*connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*connection
	for _, c := range s.connections {
		if f.matches(c) {
			copied := *c
			matched = append(matched, &copied)
		}
	}
	return f.page(matched), nil
}

func (s *memStore) deleteConnection(providerConfigKey, connectionID string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := connectionKey{providerConfigKey, connectionID}
	_, ok := s.connections[key]
	delete(s.connections, key)
	return ok, nil
}

func (s *memStore) setting(name string, generate func() string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.settings[name]; ok {
		return v, nil
	}
	v := generate()
	s.settings[name] = v
	return v, nil
}

func (s *memStore) close() error { return nil }

// sweep drops expired sessions and states, at most once a minute, so a long run (or a
// benchmark) does not grow without bound. The caller holds s.mu.
func (s *memStore) sweep(now time.Time) {
	if now.Sub(s.lastSweep) < time.Minute {
		return
	}
	s.lastSweep = now
	for k, sess := range s.sessions {
		if !now.Before(sess.ExpiresAt) {
			delete(s.sessions, k)
		}
	}
	for k, st := range s.states {
		if !now.Before(st.ExpiresAt) {
			delete(s.states, k)
		}
	}
}

// tokenHash is the only form a session token is kept in, so a dump of the store cannot be
// replayed.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
