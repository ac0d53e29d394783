package server

import (
	"sync"
	"time"
)

// store is the one place connect sessions, pending OAuth states and connections are kept. It is
// in memory: the dev server starts empty, as a test wants it.
type store struct {
	mu          sync.Mutex
	sessions    map[string]*connectSession // by SHA-256 of the token, never the token itself
	states      map[string]*oauthState     // by state
	connections map[connectionKey]*connection
	nextID      int64
	lastSweep   time.Time
}

type connectionKey struct{ providerConfigKey, connectionID string }

// connectSession is what POST /connect/sessions grants: who the end user is and what the
// session allows.
type connectSession struct {
	ID                  string
	EndUser             *endUser
	AllowedIntegrations []string // nil allows every integration
	Defaults            map[string]integrationDefaults
	Overrides           map[string]integrationOverride
	WebhookURLOverride  *string
	Tags                map[string]string
	// ReconnectID is the connection_id a reconnect session overwrites ("" for a new
	// connection); the session's one allowed integration holds it.
	ReconnectID string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

type endUser struct {
	ID           string            `json:"id"`
	DisplayName  *string           `json:"display_name"`
	Email        *string           `json:"email"`
	Tags         map[string]string `json:"tags"`
	Organization *organization     `json:"organization"`
}

type organization struct {
	ID          string  `json:"id"`
	DisplayName *string `json:"display_name"`
}

type integrationDefaults struct {
	UserScopes          *string     `json:"user_scopes,omitempty"`
	AuthorizationParams *orderedMap `json:"authorization_params,omitempty"` // nil: not set
	ConnectionConfig    *orderedMap `json:"connection_config,omitempty"`    // nil: not set
}

type integrationOverride struct {
	DocsConnect *string `json:"docs_connect,omitempty"`
}

// oauthState is one pending authorization, from /oauth/connect to its callback.
type oauthState struct {
	State              string
	ProviderConfigKey  string
	Provider           string
	ConnectionID       string
	ConnectionConfig   *orderedMap
	SessionID          string
	EndUser            *endUser
	Tags               map[string]string
	ClientID           string
	ClientSecret       string // the integration's, or the flow's override; never logged
	CodeVerifier       string // empty when the provider disables PKCE
	RedirectURI        string
	OpenerOrigin       string // where the callback page may post its result; "" means '*'
	WSClientID         string
	WebhookURLOverride *string
	ExpiresAt          time.Time
}

// connection is a stored connection, as GET /connection/{id} returns it.
type connection struct {
	ID                 int64
	ConnectionID       string
	ProviderConfigKey  string
	Provider           string
	EndUser            *endUser
	Tags               map[string]string
	ConnectionConfig   *orderedMap
	Credentials        any // in Nango's shape for the auth mode: oauth2Credentials, or a JSON object
	WebhookURLOverride *string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	LastFetchedAt      *time.Time
}

// oauth2Credentials are Nango's OAuth2Credentials.
type oauth2Credentials struct {
	Type         string         `json:"type"`
	AccessToken  string         `json:"access_token"`
	RefreshToken string         `json:"refresh_token,omitempty"`
	ExpiresAt    string         `json:"expires_at,omitempty"` // ISO 8601, as JS's toISOString
	Raw          map[string]any `json:"raw"`
}

func newStore() *store {
	return &store{
		sessions:    map[string]*connectSession{},
		states:      map[string]*oauthState{},
		connections: map[connectionKey]*connection{},
	}
}

func (s *store) putSession(token string, sess *connectSession, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.sessions[tokenHash(token)] = sess
}

// session finds a session by its token; an expired one is as unknown as a made-up one.
func (s *store) session(token string, now time.Time) (*connectSession, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[tokenHash(token)]
	if !ok || !now.Before(sess.ExpiresAt) {
		return nil, false
	}
	return sess, true
}

func (s *store) deleteSession(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, tokenHash(token))
}

func (s *store) putState(st *oauthState, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(now)
	s.states[st.State] = st
}

// takeState hands out a pending state once: it is gone after the first callback that names it,
// whatever that callback then does.
func (s *store) takeState(state string, now time.Time) (*oauthState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.states[state]
	if !ok {
		return nil, false
	}
	delete(s.states, state)
	if !now.Before(st.ExpiresAt) {
		return nil, false
	}
	return st, true
}

// upsertConnection stores c under (provider_config_key, connection_id), keeping the id and
// creation time of the connection it replaces, as Nango's upsert does.
func (s *store) upsertConnection(c *connection, now time.Time) *connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := connectionKey{c.ProviderConfigKey, c.ConnectionID}
	if old, ok := s.connections[key]; ok {
		c.ID, c.CreatedAt = old.ID, old.CreatedAt
	} else {
		s.nextID++
		c.ID, c.CreatedAt = s.nextID, now
	}
	c.UpdatedAt = now
	s.connections[key] = c
	copied := *c
	return &copied
}

// connection returns a copy of a stored connection without recording a read.
func (s *store) connection(providerConfigKey, connectionID string) (*connection, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connections[connectionKey{providerConfigKey, connectionID}]
	if !ok {
		return nil, false
	}
	copied := *c
	return &copied, true
}

// fetchConnection returns a copy of a connection and records the read, as Nango's
// last_fetched_at does.
func (s *store) fetchConnection(providerConfigKey, connectionID string, now time.Time) (*connection, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.connections[connectionKey{providerConfigKey, connectionID}]
	if !ok {
		return nil, false
	}
	fetched := now
	c.LastFetchedAt = &fetched
	copied := *c
	return &copied, true
}

// sweep drops expired sessions and states, at most once a minute, so a long run (or a
// benchmark) does not grow without bound.
func (s *store) sweep(now time.Time) {
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
