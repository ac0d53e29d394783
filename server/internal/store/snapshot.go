package store

import (
	"cmp"
	"encoding/json"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Snapshot is what a test saves and restores through the emulator (GET and PUT /emulator/state):
// the connect sessions and the connections. Pending OAuth states are left out: they belong to a
// popup that a fixture cannot bring back.
type Snapshot struct {
	Sessions    []SessionRecord // oldest first
	Connections []*Connection   // by id
}

// SessionRecord is a session with the only form of its token the store keeps.
type SessionRecord struct {
	TokenHash string // hex SHA-256 of the token
	Session   *Session
}

// TokenHash is the form a session token is kept in, for a fixture that names its own token.
func TokenHash(token string) string { return tokenHash(token) }

// sortSnapshot puts a snapshot in its documented order, so an export is reproducible.
func sortSnapshot(snap *Snapshot) {
	slices.SortStableFunc(snap.Sessions, func(a, b SessionRecord) int {
		return cmp.Or(a.Session.CreatedAt.Compare(b.Session.CreatedAt), cmp.Compare(a.TokenHash, b.TokenHash))
	})
	slices.SortFunc(snap.Connections, func(a, b *Connection) int { return cmp.Compare(a.ID, b.ID) })
}

// HighestConnectionID is the connection id new connections continue after.
func HighestConnectionID(conns []*Connection) int64 {
	var highest int64
	for _, c := range conns {
		highest = max(highest, c.ID)
	}
	return highest
}

func (s *Memory) Snapshot() (*Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := &Snapshot{}
	for hash, sess := range s.sessions {
		copied := *sess
		snap.Sessions = append(snap.Sessions, SessionRecord{TokenHash: hash, Session: &copied})
	}
	for _, c := range s.connections {
		copied := *c
		snap.Connections = append(snap.Connections, &copied)
	}
	sortSnapshot(snap)
	return snap, nil
}

func (s *Memory) Replace(snap *Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = make(map[string]*Session, len(snap.Sessions))
	for _, rec := range snap.Sessions {
		copied := *rec.Session
		s.sessions[rec.TokenHash] = &copied
	}
	s.states = map[string]*OAuthState{}
	s.connections = make(map[connectionKey]*Connection, len(snap.Connections))
	for _, c := range snap.Connections {
		copied := *c
		s.connections[connectionKey{c.ProviderConfigKey, c.ConnectionID}] = &copied
	}
	s.nextID = HighestConnectionID(snap.Connections)
	return nil
}

func (s *Bolt) Snapshot() (*Snapshot, error) {
	snap := &Snapshot{}
	err := s.db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketSessions).ForEach(func(k, data []byte) error {
			sess := &Session{}
			if err := json.Unmarshal(data, sess); err != nil {
				return err
			}
			snap.Sessions = append(snap.Sessions, SessionRecord{TokenHash: string(k), Session: sess})
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketConnections).ForEach(func(_, data []byte) error {
			c, err := decodeConnection(data)
			if err != nil {
				return err
			}
			snap.Connections = append(snap.Connections, c)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sortSnapshot(snap)
	return snap, nil
}

// Replace empties the three buckets and fills them from snap in one transaction: a crash
// leaves either the old state or the new one.
func (s *Bolt) Replace(snap *Snapshot) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketSessions, bucketStates, bucketConnections} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		sessions, connections := tx.Bucket(bucketSessions), tx.Bucket(bucketConnections)
		for _, rec := range snap.Sessions {
			data, err := json.Marshal(rec.Session)
			if err != nil {
				return err
			}
			if err := sessions.Put([]byte(rec.TokenHash), data); err != nil {
				return err
			}
		}
		for _, c := range snap.Connections {
			data, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if err := connections.Put(connectionBoltKey(c.ProviderConfigKey, c.ConnectionID), data); err != nil {
				return err
			}
		}
		return connections.SetSequence(uint64(HighestConnectionID(snap.Connections)))
	})
}
