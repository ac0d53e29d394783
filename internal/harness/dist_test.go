package harness

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A copy keeps its precompressed siblings and every modification time, since the dev server
// serves a .br or .gz copy only when it is not older than its source.
func TestCopyDistKeepsPrecompressedCopiesAndTimes(t *testing.T) {
	t.Parallel()
	dist, dir := t.TempDir(), t.TempDir()
	built := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for name, body := range map[string]string{"nango.wasm": "wasm", "nango.wasm.br": "br", "nango.wasm.gz": "gz", "wasm_exec.js": "glue"} {
		path := filepath.Join(dist, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
		require.NoError(t, os.Chtimes(path, built, built))
	}
	require.NoError(t, CopyDist(dist, dir, "nango.wasm", "wasm_exec.js"))

	for name, body := range map[string]string{"nango.wasm": "wasm", "nango.wasm.br": "br", "nango.wasm.gz": "gz", "wasm_exec.js": "glue"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, name)
		assert.Equal(t, body, string(got), name)
		info, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.True(t, info.ModTime().Equal(built), "%s keeps its modification time", name)
	}
	_, err := os.Stat(filepath.Join(dir, "wasm_exec.js.br"))
	assert.ErrorIs(t, err, os.ErrNotExist, "no compressed copy is made up")

	err = CopyDist(dist, dir, "nango.js")
	assert.ErrorContains(t, err, "not built?")
}
