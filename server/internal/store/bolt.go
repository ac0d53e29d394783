package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// boltOpenTimeout is how long OpenBolt waits for a file another process holds.
var boltOpenTimeout = 2 * time.Second

// Bolt keeps the store in one bbolt file (-data FILE). Each change is made in a
// transaction (bbolt's Batch lets concurrent changes share one), and bbolt fsyncs every commit
// before the method returns: once it has, a kill -9 cannot take the change back.
type Bolt struct {
	db *bolt.DB

	mu        sync.Mutex
	lastSweep time.Time
}

// errFileInUse is a data file another process holds.
var errFileInUse = errors.New("in use by another process")

// OpenBolt opens (or creates) the data file. It fails when another process holds it, when
// it is not a nango-dev file, when a newer nango-dev wrote it, when it is empty (a new secret
// key is never minted over a path that exists) and when it is damaged (checked before bbolt
// maps it, then with bbolt's own consistency check): each time with one line naming the file
// and what to do. The file is made private (0600): it holds secrets.
func OpenBolt(path string) (*Bolt, error) {
	if err := checkBoltFile(path); err != nil {
		return nil, boltOpenError(path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: boltOpenTimeout})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			err = errFileInUse
		}
		return nil, boltOpenError(path, err)
	}
	if err := checkBoltTree(db); err != nil {
		db.Close()
		return nil, boltOpenError(path, err)
	}
	if err := db.Update(prepareSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("nango: the data file %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("nango: the data file %s holds secrets and could not be made private (chmod 0600): %w", path, err)
	}
	// Concurrent flows share a commit (and its fsync): each write still returns only once its
	// own change is committed, but a burst of flows pays for far fewer fsyncs.
	db.MaxBatchDelay = 2 * time.Millisecond
	return &Bolt{db: db}, nil
}

// errEmptyFile is a data file of 0 bytes: whatever was in it is gone.
var errEmptyFile = errors.New("empty")

// boltOpenError is the one line a refused data file gets.
func boltOpenError(path string, err error) error {
	switch {
	case errors.Is(err, errFileInUse):
		return fmt.Errorf("nango: the data file %s is in use by another process", path)
	case errors.Is(err, errEmptyFile):
		return fmt.Errorf("nango: the data file %s is empty (0 bytes), so it holds no secret key and no connections; nango-dev will not start afresh over it: delete it to start with a new store, or restore it from a backup", path)
	case errors.Is(err, errDamaged):
		return fmt.Errorf("nango: the data file %s is %v; nango-dev will not start on it: restore it from a backup, or move it aside to start with an empty store", path, err)
	}
	return fmt.Errorf("nango: open the data file %s: %w", path, err)
}

// checkBoltFile checks an existing data file before bbolt maps it (bolt_check.go).
func checkBoltFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // bbolt creates it
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("it is not a regular file (%s)", info.Mode().Type())
	}
	unlock, err := lockShared(f, boltOpenTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	if info, err = f.Stat(); err != nil { // the size once no writer holds the file
		return err
	}
	if info.Size() == 0 {
		return errEmptyFile
	}
	return checkBoltPages(f, info.Size())
}

// checkBoltTree runs bbolt's consistency check (pages reachable once, keys in order, no page
// both used and free) on the file checkBoltPages found safe to map, then reads every record:
// bbolt keeps no checksum of the data, so bytes damaged inside a value show only there.
func checkBoltTree(db *bolt.DB) error {
	return db.View(func(tx *bolt.Tx) error {
		var first error
		problems := 0
		for err := range tx.Check() { // drained to the end: Check's goroutine writes them all
			if first == nil {
				first = err
			}
			problems++
		}
		switch {
		case problems > 1:
			return damaged("%s (and %d more problems)", oneLine(first), problems-1)
		case problems == 1:
			return damaged("%s", oneLine(first))
		}
		return checkBoltRecords(tx)
	})
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

func connectionBoltKey(providerConfigKey, connectionID string) []byte {
	return []byte(providerConfigKey + "\x00" + connectionID)
}

// storedConnection reads a connection back with its credentials as raw JSON, so they are
// written out exactly as they were stored (key order included).
type storedConnection struct {
	Connection
	Credentials json.RawMessage
}

func decodeConnection(data []byte) (*Connection, error) {
	var sc storedConnection
	if err := json.Unmarshal(data, &sc); err != nil {
		return nil, fmt.Errorf("nango: a stored connection is unreadable: %w", err)
	}
	c := sc.Connection
	c.Credentials = sc.Credentials
	return &c, nil
}

func (s *Bolt) put(bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.db.Batch(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(key, data) })
}

func (s *Bolt) PutSession(token string, sess *Session, now time.Time) error {
	s.sweep(now)
	return s.put(bucketSessions, []byte(tokenHash(token)), sess)
}

func (s *Bolt) Session(token string, now time.Time) (*Session, bool, error) {
	var sess *Session
	err := s.db.View(func(tx *bolt.Tx) error {
		data := tx.Bucket(bucketSessions).Get([]byte(tokenHash(token)))
		if data == nil {
			return nil
		}
		sess = &Session{}
		return json.Unmarshal(data, sess)
	})
	if err != nil || sess == nil || !now.Before(sess.ExpiresAt) {
		return nil, false, err
	}
	return sess, true, nil
}

func (s *Bolt) DeleteSession(token string) error {
	return s.db.Batch(func(tx *bolt.Tx) error { return tx.Bucket(bucketSessions).Delete([]byte(tokenHash(token))) })
}

func (s *Bolt) PutState(st *OAuthState, now time.Time) error {
	s.sweep(now)
	return s.put(bucketStates, []byte(st.State), st)
}

func (s *Bolt) TakeState(state string, now time.Time) (*OAuthState, bool, error) {
	var st *OAuthState
	err := s.db.Batch(func(tx *bolt.Tx) error {
		st = nil // Batch may run this again after a rollback
		b := tx.Bucket(bucketStates)
		data := b.Get([]byte(state))
		if data == nil {
			return nil
		}
		st = &OAuthState{}
		if err := json.Unmarshal(data, st); err != nil {
			return err
		}
		return b.Delete([]byte(state))
	})
	if err != nil || st == nil || !now.Before(st.ExpiresAt) {
		return nil, false, err
	}
	return st, true, nil
}

func (s *Bolt) UpsertConnection(c *Connection, now time.Time) (*Connection, bool, error) {
	var stored Connection
	created := false
	err := s.db.Batch(func(tx *bolt.Tx) error {
		stored, created = *c, false // Batch may run this again after a rollback
		b := tx.Bucket(bucketConnections)
		key := connectionBoltKey(c.ProviderConfigKey, c.ConnectionID)
		if data := b.Get(key); data != nil {
			old, err := decodeConnection(data)
			if err != nil {
				return err
			}
			stored.ID, stored.CreatedAt = old.ID, old.CreatedAt
		} else {
			id, err := b.NextSequence()
			if err != nil {
				return err
			}
			stored.ID, stored.CreatedAt, created = int64(id), now, true
		}
		stored.UpdatedAt = now
		data, err := json.Marshal(&stored)
		if err != nil {
			return err
		}
		return b.Put(key, data)
	})
	if err != nil {
		return nil, false, err
	}
	c.ID, c.CreatedAt, c.UpdatedAt = stored.ID, stored.CreatedAt, stored.UpdatedAt
	return &stored, created, nil
}

func (s *Bolt) Connection(providerConfigKey, connectionID string) (*Connection, bool, error) {
	var c *Connection
	err := s.db.View(func(tx *bolt.Tx) error {
		data := tx.Bucket(bucketConnections).Get(connectionBoltKey(providerConfigKey, connectionID))
		if data == nil {
			return nil
		}
		var err error
		c, err = decodeConnection(data)
		return err
	})
	return c, c != nil && err == nil, err
}

func (s *Bolt) FetchConnection(providerConfigKey, connectionID string, now time.Time) (*Connection, bool, error) {
	var c *Connection
	err := s.db.Batch(func(tx *bolt.Tx) error {
		c = nil // Batch may run this again after a rollback
		b := tx.Bucket(bucketConnections)
		key := connectionBoltKey(providerConfigKey, connectionID)
		data := b.Get(key)
		if data == nil {
			return nil
		}
		var err error
		if c, err = decodeConnection(data); err != nil {
			return err
		}
		fetched := now
		c.LastFetchedAt = &fetched
		if data, err = json.Marshal(c); err != nil {
			return err
		}
		return b.Put(key, data)
	})
	return c, c != nil && err == nil, err
}

func (s *Bolt) ListConnections(f Filter) ([]*Connection, error) {
	var matched []*Connection
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketConnections).ForEach(func(_, data []byte) error {
			c, err := decodeConnection(data)
			if err != nil {
				return err
			}
			if f.matches(c) {
				matched = append(matched, c)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return f.page(matched), nil
}

func (s *Bolt) DeleteConnection(providerConfigKey, connectionID string) (bool, error) {
	deleted := false
	err := s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketConnections)
		key := connectionBoltKey(providerConfigKey, connectionID)
		deleted = false // Batch may run this again after a rollback
		if b.Get(key) == nil {
			return nil
		}
		deleted = true
		return b.Delete(key)
	})
	return deleted && err == nil, err
}

func (s *Bolt) Setting(name string, generate func() string) (string, error) {
	var value string
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		key := []byte("setting:" + name)
		if v := meta.Get(key); v != nil {
			value = string(v)
			return nil
		}
		value = generate()
		return meta.Put(key, []byte(value))
	})
	return value, err
}

func (s *Bolt) Close() error { return s.db.Close() }

// sweep drops expired sessions and states at most once a minute, in one transaction, so a
// long-lived file does not keep abandoned flows forever. A failed sweep is retried next time.
func (s *Bolt) sweep(now time.Time) {
	s.mu.Lock()
	if now.Sub(s.lastSweep) < time.Minute {
		s.mu.Unlock()
		return
	}
	s.lastSweep = now
	s.mu.Unlock()
	_ = s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketSessions, bucketStates} {
			b := tx.Bucket(name)
			var expired [][]byte
			_ = b.ForEach(func(k, data []byte) error {
				var rec struct{ ExpiresAt time.Time }
				if json.Unmarshal(data, &rec) != nil || !now.Before(rec.ExpiresAt) {
					expired = append(expired, append([]byte(nil), k...))
				}
				return nil
			})
			for _, k := range expired {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
