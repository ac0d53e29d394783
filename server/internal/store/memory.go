package store

import (
	"sync"
	"time"
)

// Memory keeps everything in maps under one mutex.
type Memory struct {
	mu          sync.Mutex
	sessions    map[string]*Session    // by SHA-256 of the token, never the token itself
	states      map[string]*OAuthState // by state
	connections map[connectionKey]*Connection
	settings    map[string]string
	nextID      int64
	lastSweep   time.Time
}

type connectionKey struct{ providerConfigKey, connectionID string }

// NewMemory is an empty store that lives as long as the process.
func NewMemory() *Memory {
	return &Memory{
		sessions:    map[string]*Session{},
		states:      map[string]*OAuthState{},
		connections: map[connectionKey]*Connection{},
		settings:    map[string]string{},
	}
}

func (s *Memory) PutSession(token string, sess *Session, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.sessions[tokenHash(token)] = sess
	return nil
}

func (s *Memory) Session(token string, now time.Time) (*Session, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[tokenHash(token)]
	if !ok || !now.Before(sess.ExpiresAt) {
		return nil, false, nil
	}
	return sess, true, nil
}

func (s *Memory) DeleteSession(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, tokenHash(token))
	return nil
}

func (s *Memory) PutState(st *OAuthState, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.states[st.State] = st
	return nil
}

func (s *Memory) TakeState(state string, now time.Time) (*OAuthState, bool, error) {
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

func (s *Memory) UpsertConnection(c *Connection, now time.Time) (*Connection, bool, error) {
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

func (s *Memory) Connection(providerConfigKey, connectionID string) (*Connection, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connections[connectionKey{providerConfigKey, connectionID}]
	if !ok {
		return nil, false, nil
	}
	copied := *c
	return &copied, true, nil
}

func (s *Memory) FetchConnection(providerConfigKey, connectionID string, now time.Time) (*Connection, bool, error) {
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

func (s *Memory) ListConnections(f Filter) ([]*Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*Connection
	for _, c := range s.connections {
		if f.matches(c) {
			copied := *c
			matched = append(matched, &copied)
		}
	}
	return f.page(matched), nil
}

func (s *Memory) DeleteConnection(providerConfigKey, connectionID string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := connectionKey{providerConfigKey, connectionID}
	_, ok := s.connections[key]
	delete(s.connections, key)
	return ok, nil
}

func (s *Memory) Setting(name string, generate func() string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.settings[name]; ok {
		return v, nil
	}
	v := generate()
	s.settings[name] = v
	return v, nil
}

func (s *Memory) Close() error { return nil }

// sweep drops expired sessions and states, at most once a minute, so a long run (or a
// benchmark) does not grow without bound. The caller holds s.mu.
func (s *Memory) sweep(now time.Time) {
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
