package store

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// storeKinds runs a test against both stores: they must behave alike.
var storeKinds = []struct {
	name string
	open func(t *testing.T) Store
}{
	{"memory", func(*testing.T) Store { return NewMemory() }},
	{"bbolt", func(t *testing.T) Store {
		s, err := OpenBolt(filepath.Join(t.TempDir(), "nango-dev.db"))
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}},
}

func TestStoreContract(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			s := kind.open(t)

			require.NoError(t, s.PutSession("tok", &Session{ID: "s1", Faults: []string{"coop"}, ExpiresAt: t0.Add(time.Minute)}, t0))
			sess, ok, err := s.Session("tok", t0)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, []string{"coop"}, sess.Faults)
			_, ok, _ = s.Session("tok", t0.Add(time.Minute))
			assert.False(t, ok, "an expired session is unknown")
			require.NoError(t, s.DeleteSession("tok"))
			_, ok, _ = s.Session("tok", t0)
			assert.False(t, ok)

			config := catalog.NewOrderedMap()
			config.Set("subdomain", "acme")
			require.NoError(t, s.PutState(&OAuthState{State: "st", ConnectionConfig: config, ExpiresAt: t0.Add(time.Hour)}, t0))
			st, ok, err := s.TakeState("st", t0)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, `{"subdomain":"acme"}`, catalog.CompactJSON(st.ConnectionConfig))
			_, ok, _ = s.TakeState("st", t0)
			assert.False(t, ok, "a state is single use")

			email := "ada@example.com"
			user := &EndUser{ID: "u1", Email: &email, Organization: &Organization{ID: "org"}}
			first, created, err := s.UpsertConnection(&Connection{ConnectionID: "c1", ProviderConfigKey: "zendesk", Provider: "zendesk", EndUser: user,
				Tags: map[string]string{"team": "a"}, Credentials: OAuth2Credentials{Type: "OAUTH2", AccessToken: "one"}}, t0)
			require.NoError(t, err)
			assert.True(t, created)
			second, created, err := s.UpsertConnection(&Connection{ConnectionID: "c1", ProviderConfigKey: "zendesk", Provider: "zendesk", EndUser: user,
				Tags: map[string]string{"team": "a"}, Credentials: OAuth2Credentials{Type: "OAUTH2", AccessToken: "two"}}, t0.Add(time.Hour))
			require.NoError(t, err)
			assert.False(t, created, "the same pair again is an override")
			assert.Equal(t, first.ID, second.ID)
			assert.True(t, second.CreatedAt.Equal(t0))
			_, _, err = s.UpsertConnection(&Connection{ConnectionID: "c2", ProviderConfigKey: "github", Provider: "github", Tags: map[string]string{"team": "b"}}, t0.Add(2*time.Hour))
			require.NoError(t, err)

			got, ok, err := s.FetchConnection("zendesk", "c1", t0.Add(3*time.Hour))
			require.NoError(t, err)
			require.True(t, ok)
			creds, err := json.Marshal(got.Credentials)
			require.NoError(t, err)
			assert.JSONEq(t, `{"type":"OAUTH2","access_token":"two","raw":null}`, string(creds))
			again, _, _ := s.Connection("zendesk", "c1")
			require.NotNil(t, again.LastFetchedAt, "the read is recorded")

			list, err := s.ListConnections(Filter{})
			require.NoError(t, err)
			require.Len(t, list, 2)
			assert.Equal(t, "c2", list[0].ConnectionID, "newest first")
			for _, f := range []Filter{{Tags: map[string]string{"team": "a"}}, {IntegrationIDs: []string{"zendesk"}}, {EndUserID: "u1"}, {OrganizationID: "org"}, {Search: "ADA@"}, {Search: "c1"}} {
				list, err := s.ListConnections(f)
				require.NoError(t, err)
				require.Len(t, list, 1, "%+v", f)
				assert.Equal(t, "c1", list[0].ConnectionID)
			}
			page, _ := s.ListConnections(Filter{Limit: 1, Page: 1})
			require.Len(t, page, 1)
			assert.Equal(t, "c1", page[0].ConnectionID)

			deleted, err := s.DeleteConnection("zendesk", "c1")
			require.NoError(t, err)
			assert.True(t, deleted)
			deleted, _ = s.DeleteConnection("zendesk", "c1")
			assert.False(t, deleted)

			v1, err := s.Setting("seed", func() string { return "first" })
			require.NoError(t, err)
			v2, _ := s.Setting("seed", func() string { return "second" })
			assert.Equal(t, "first", v1)
			assert.Equal(t, "first", v2, "a setting is generated once")
		})
	}
}

// The bbolt file keeps everything across a reopen, and its schema marker guards the format.
func TestBoltStoreReopenAndSchemaMarker(t *testing.T) {
	boltOpenTimeout = 100 * time.Millisecond // not parallel: no other test opens a file meanwhile
	t.Cleanup(func() { boltOpenTimeout = 2 * time.Second })
	path := filepath.Join(t.TempDir(), "nango-dev.db")
	s, err := OpenBolt(path)
	require.NoError(t, err)
	now := time.Now()
	creds := catalog.NewOrderedMap()
	creds.Set("type", "API_KEY")
	creds.Set("apiKey", "k")
	_, _, err = s.UpsertConnection(&Connection{ConnectionID: "c", ProviderConfigKey: "zendesk", Credentials: creds}, now)
	require.NoError(t, err)
	key, err := s.Setting("secret_key", web.NewUUID)
	require.NoError(t, err)
	_, err = OpenBolt(path)
	require.ErrorContains(t, err, "in use by another process")
	require.NoError(t, s.Close())

	s, err = OpenBolt(path)
	require.NoError(t, err)
	c, ok, err := s.Connection("zendesk", "c")
	require.NoError(t, err)
	require.True(t, ok)
	stored, _ := json.Marshal(c.Credentials)
	assert.Equal(t, `{"type":"API_KEY","apiKey":"k"}`, string(stored), "credentials come back byte for byte, key order included")
	again, _ := s.Setting("secret_key", web.NewUUID)
	assert.Equal(t, key, again)

	// An older file is migrated forward at open, in the opening transaction.
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, []byte("0")) }))
	require.NoError(t, s.Close())
	boltMigrations[0] = func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte("migrated"), []byte("yes")) }
	t.Cleanup(func() { delete(boltMigrations, 0) })
	s, err = OpenBolt(path)
	require.NoError(t, err)
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		assert.Equal(t, "yes", string(tx.Bucket(bucketMeta).Get([]byte("migrated"))))
		assert.Equal(t, "1", string(tx.Bucket(bucketMeta).Get(keySchema)))
		return nil
	}))

	// A file written by a newer nango-dev is refused rather than misread.
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, []byte("2")) }))
	require.NoError(t, s.Close())
	_, err = OpenBolt(path)
	require.ErrorContains(t, err, "written by a newer nango-dev (schema 2; this one reads up to 1)")
}

func TestStoreUpsertKeepsIdentity(t *testing.T) {
	t.Parallel()
	s := NewMemory()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	first, created, err := s.UpsertConnection(&Connection{ConnectionID: "c", ProviderConfigKey: "zendesk", Credentials: OAuth2Credentials{AccessToken: "one"}}, t0)
	require.NoError(t, err)
	assert.True(t, created)
	other, _, _ := s.UpsertConnection(&Connection{ConnectionID: "c", ProviderConfigKey: "github"}, t0)
	second, created, _ := s.UpsertConnection(&Connection{ConnectionID: "c", ProviderConfigKey: "zendesk", Credentials: OAuth2Credentials{AccessToken: "two"}}, t0.Add(time.Hour))
	assert.False(t, created, "the same pair is an override")
	assert.Equal(t, first.ID, second.ID)
	assert.NotEqual(t, first.ID, other.ID)
	assert.Equal(t, t0, second.CreatedAt)
	assert.Equal(t, t0.Add(time.Hour), second.UpdatedAt)
	got, ok, _ := s.FetchConnection("zendesk", "c", t0.Add(2*time.Hour))
	require.True(t, ok)
	assert.Equal(t, "two", got.Credentials.(OAuth2Credentials).AccessToken)
	require.NotNil(t, got.LastFetchedAt)
	assert.Equal(t, t0.Add(2*time.Hour), *got.LastFetchedAt)
}

func TestStoreStatesAreSingleUseAndExpire(t *testing.T) {
	t.Parallel()
	s := NewMemory()
	now := time.Now()
	s.PutState(&OAuthState{State: "a", ExpiresAt: now.Add(time.Hour)}, now)
	s.PutState(&OAuthState{State: "b", ExpiresAt: now.Add(time.Minute)}, now)
	_, ok, _ := s.TakeState("a", now)
	assert.True(t, ok)
	_, ok, _ = s.TakeState("a", now)
	assert.False(t, ok, "a state is consumed by its first use")
	_, ok, _ = s.TakeState("b", now.Add(2*time.Minute))
	assert.False(t, ok, "an expired state is refused")
}

// A store keeps a session under the SHA-256 of its token, never the token itself: a copy of the
// store, or of its data file, cannot be replayed.
func TestStoresKeepOnlyATokenHash(t *testing.T) {
	t.Parallel()
	token := "nango_connect_session_" + strings.Repeat("ab", 32)
	sess := &Session{ID: "s1", ExpiresAt: time.Now().Add(time.Hour)}

	memory := NewMemory()
	require.NoError(t, memory.PutSession(token, sess, time.Now()))
	assert.Equal(t, []string{tokenHash(token)}, slices.Collect(maps.Keys(memory.sessions)))

	path := filepath.Join(t.TempDir(), "nango-dev.db")
	file, err := OpenBolt(path)
	require.NoError(t, err)
	require.NoError(t, file.PutSession(token, sess, time.Now()))
	var keys []string
	require.NoError(t, file.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).ForEach(func(k, _ []byte) error {
			keys = append(keys, string(k))
			return nil
		})
	}))
	assert.Equal(t, []string{tokenHash(token)}, keys)
	require.NoError(t, file.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(data), strings.TrimPrefix(token, "nango_connect_session_"))
}
