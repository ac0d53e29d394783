package store

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// damagedFileConnections is how many connections the sample file holds: enough for a tree of
// several pages under the connections bucket.
const damagedFileConnections = 60

// sampleDataFile writes a data file with a secret key and damagedFileConnections connections,
// and returns its bytes, its page size and how many bytes its pages use (the file is longer:
// bbolt grows it ahead of need).
func sampleDataFile(t *testing.T) (data []byte, pageSize, used int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sample.db")
	s, err := OpenBolt(path)
	require.NoError(t, err)
	_, err = s.Setting("secret_key", web.NewUUID)
	require.NoError(t, err)
	for i := range damagedFileConnections {
		creds := catalog.NewOrderedMap()
		creds.Set("type", "API_KEY")
		creds.Set("apiKey", strings.Repeat(fmt.Sprint(i), 1000))
		_, _, err := s.UpsertConnection(&Connection{ConnectionID: fmt.Sprintf("conn-%04d", i), ProviderConfigKey: "sendgrid", Credentials: creds}, time.Now())
		require.NoError(t, err)
	}
	pageSize = s.db.Info().PageSize
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error { used = int(tx.Size()); return nil }))
	require.NoError(t, s.Close())
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	require.Greater(t, used/pageSize, 8, "the sample spans many pages")
	return data, pageSize, used
}

// openDamaged writes data to a fresh path and opens it, failing the test if OpenBolt panics.
func openDamaged(t *testing.T, data []byte) (s *Bolt, path string, err error) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "nango-dev.db")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	require.NotPanics(t, func() { s, err = OpenBolt(path) })
	if s != nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, path, err
}

// assertRefusal checks the one line a refused file gets: it names the file and what to do.
func assertRefusal(t *testing.T, err error, path, what string) {
	t.Helper()
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, "\n", "one line")
	assert.Contains(t, msg, "the data file "+path+" is "+what)
	assert.Contains(t, msg, "restore it from a backup")
}

// A file cut short is refused at open, whatever the cut: bbolt would map pages past its end
// (a SIGBUS or SIGSEGV that kills the process) or serve requests that panic.
func TestBoltRefusesATruncatedFile(t *testing.T) {
	t.Parallel()
	data, pageSize, used := sampleDataFile(t)
	for _, size := range []int{100, pageSize + 100, 2 * pageSize, 3 * pageSize, used / 2, used - pageSize} {
		_, path, err := openDamaged(t, data[:size])
		assertRefusal(t, err, path, "damaged")
		if size >= 2*pageSize {
			assert.Contains(t, err.Error(), "it was cut short", "size %d", size)
		}
	}
}

// Random bytes over any one page (all of it, or all but its header) are refused at open, or,
// where the page was free, the file opens with every connection intact: a damaged file never
// acknowledges writes and then panics.
func TestBoltRefusesRandomBytesInPages(t *testing.T) {
	t.Parallel()
	data, pageSize, used := sampleDataFile(t)
	rng := rand.New(rand.NewPCG(1, 2))
	refused := 0
	for id := 2; id < used/pageSize; id++ {
		for _, keepHeader := range []bool{false, true} {
			damaged := append([]byte(nil), data...)
			from := id * pageSize
			if keepHeader {
				from += boltPageHeaderSize
			}
			for i := from; i < (id+1)*pageSize; i++ {
				damaged[i] = byte(rng.Uint32())
			}
			s, path, err := openDamaged(t, damaged)
			if err != nil {
				assertRefusal(t, err, path, "damaged")
				refused++
				continue
			}
			var all []*Connection
			require.NotPanics(t, func() { all, err = s.ListConnections(Filter{Limit: damagedFileConnections + 1}) }, "page %d", id)
			require.NoError(t, err, "page %d was accepted, so it was free", id)
			assert.Len(t, all, damagedFileConnections, "page %d was accepted, so nothing is lost", id)
			require.NotPanics(t, func() {
				_, _, err = s.UpsertConnection(&Connection{ConnectionID: "new", ProviderConfigKey: "sendgrid", Credentials: json.RawMessage(`{}`)}, time.Now())
			})
			assert.NoError(t, err)
		}
	}
	assert.Greater(t, refused, damagedFileConnections/100, "the pages in use are refused")
}

// A file that exists but is empty is not taken for a new one: a fresh secret key would
// silently replace the one the team's backend holds.
func TestBoltRefusesAnEmptyFile(t *testing.T) {
	t.Parallel()
	_, path, err := openDamaged(t, nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "\n")
	assert.Contains(t, err.Error(), "the data file "+path+" is empty (0 bytes)")
	assert.Contains(t, err.Error(), "delete it")
	info, statErr := os.Stat(path)
	require.NoError(t, statErr)
	assert.Zero(t, info.Size(), "nothing was written over it")
}

// A file that is not bbolt's at all is refused the same way.
func TestBoltRefusesAForeignFile(t *testing.T) {
	t.Parallel()
	_, path, err := openDamaged(t, []byte(strings.Repeat("not a database\n", 1000)))
	assertRefusal(t, err, path, "damaged")
	assert.Contains(t, err.Error(), "neither of its two header (meta) pages is valid")
}

// The file holds the secret key and credentials: opening it makes it private, whatever mode
// it had (a copy, a restore from a backup, a umask of 022).
func TestBoltMakesTheFilePrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nango-dev.db")
	s, err := OpenBolt(path)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, os.Chmod(path, 0o644))
	s, err = OpenBolt(path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}
