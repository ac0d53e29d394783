package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A damaged or empty data file stops nango-dev at start with one line naming the file and
// what to do: no crash, no stack, no new secret key.
func TestDamagedDataFileStopsStart(t *testing.T) {
	t.Parallel()
	good := filepath.Join(t.TempDir(), "good.db")
	srv, err := server.Start(t.Context(), server.Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0", DataFile: good, DistDir: t.TempDir()})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
	data, err := os.ReadFile(good)
	require.NoError(t, err)

	for name, content := range map[string][]byte{
		"truncated": data[:3*4096],
		"empty":     {},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "nango-dev.db")
			require.NoError(t, os.WriteFile(path, content, 0o600))
			cmd := exec.Command(os.Args[0], "-app", "127.0.0.1:0", "-api", "127.0.0.1:0", "-provider", "127.0.0.1:0", "-connect", "", "-dist", t.TempDir(), "-data", path)
			cmd.Env = append(os.Environ(), subprocessEnv+"=1")
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "nango-dev must refuse the file: %s", out)
			assert.Equal(t, 1, exit.ExitCode(), "a clean exit, not a crash: %s", out)
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			require.Len(t, lines, 1, "one line: %s", out)
			assert.Contains(t, lines[0], "nango-dev: nango: the data file "+path+" is ")
			assert.Regexp(t, `restore it from a backup|delete it`, lines[0])
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, content, after, "the file is left as it was")
		})
	}
}
