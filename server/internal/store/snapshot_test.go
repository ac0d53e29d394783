package store

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnapshotAndReplace(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	for _, kind := range storeKinds {
		t.Run(kind.name, func(t *testing.T) {
			s := kind.open(t)
			require.NoError(t, s.PutSession("tok-a", &Session{ID: "a", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}, t0))
			require.NoError(t, s.PutState(&OAuthState{State: "pending", ExpiresAt: t0.Add(time.Hour)}, t0))
			for _, id := range []string{"one", "two"} {
				_, _, err := s.UpsertConnection(&Connection{ProviderConfigKey: "github", ConnectionID: id, Credentials: json.RawMessage(`{"type":"OAUTH2"}`)}, t0)
				require.NoError(t, err)
			}

			snap, err := s.Snapshot()
			require.NoError(t, err)
			require.Len(t, snap.Sessions, 1)
			assert.Equal(t, TokenHash("tok-a"), snap.Sessions[0].TokenHash)
			require.Len(t, snap.Connections, 2)
			assert.Equal(t, []int64{1, 2}, []int64{snap.Connections[0].ID, snap.Connections[1].ID})

			// A reset empties everything, pending states included, and ids start over.
			require.NoError(t, s.Replace(&Snapshot{}))
			empty, err := s.Snapshot()
			require.NoError(t, err)
			assert.Empty(t, empty.Sessions)
			assert.Empty(t, empty.Connections)
			_, ok, _ := s.TakeState("pending", t0)
			assert.False(t, ok, "a reset drops pending OAuth states")
			c, _, err := s.UpsertConnection(&Connection{ProviderConfigKey: "github", ConnectionID: "fresh"}, t0)
			require.NoError(t, err)
			assert.Equal(t, int64(1), c.ID)

			// Restoring brings back the sessions (by their token) and the connections, and new
			// ids continue after the restored ones.
			require.NoError(t, s.Replace(snap))
			sess, ok, err := s.Session("tok-a", t0)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, "a", sess.ID)
			_, ok, _ = s.Connection("github", "fresh")
			assert.False(t, ok, "Replace replaces")
			got, ok, err := s.Connection("github", "two")
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, int64(2), got.ID)
			creds, err := json.Marshal(got.Credentials)
			require.NoError(t, err)
			assert.JSONEq(t, `{"type":"OAUTH2"}`, string(creds))
			c, _, err = s.UpsertConnection(&Connection{ProviderConfigKey: "github", ConnectionID: "three"}, t0)
			require.NoError(t, err)
			assert.Equal(t, int64(3), c.ID)
		})
	}
}
