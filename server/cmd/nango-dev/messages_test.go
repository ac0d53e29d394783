package main

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cliResult is what a run of the nango-dev binary printed, and how it exited.
type cliResult struct {
	stdout, stderr string
	code           int
}

// runCLI runs nango-dev (this test binary in its subprocess mode) in dir with args and env, as a
// user runs the command, and returns its output and exit code. Every origin it does not get from
// args listens on a free port, and a run that starts serving is stopped.
func runCLI(t *testing.T, dir string, env []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), subprocessEnv+"=1", "NANGO_SECRET_KEY="), env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "nango-dev did not exit: %s", stderr.String())
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// free is the other origins on free ports, so that a run binds nothing the test did not choose.
func free(except string, dist string) []string {
	var args []string
	for _, f := range []string{"app", "api", "provider", "connect"} {
		if f != except {
			args = append(args, "-"+f, "127.0.0.1:0")
		}
	}
	return append(args, "-dist", dist)
}

// -h prints the usage on stdout and exits 0; a flag that does not exist says so and exits 2.
func TestHelpAndBadFlag(t *testing.T) {
	dir := t.TempDir()
	help := runCLI(t, dir, nil, "-h")
	assert.Equal(t, 0, help.code)
	assert.True(t, strings.HasPrefix(help.stdout, "Usage: nango-dev [flags]\n"), help.stdout)
	assert.Contains(t, help.stdout, "  -api string\n")
	assert.Empty(t, help.stderr, "nothing but the usage")

	bad := runCLI(t, dir, nil, "-nope")
	assert.Equal(t, 2, bad.code)
	assert.Equal(t, "nango-dev: flag provided but not defined: -nope (nango-dev -h lists the flags)\n", bad.stderr)
	assert.Empty(t, bad.stdout)
}

// Each start-up error names what the user typed and where: the flag, the environment variable,
// or the config file's line; once, without the library's prefix.
func TestStartupErrorsNameTheirSource(t *testing.T) {
	dir := t.TempDir()
	dist := t.TempDir()
	write := func(name, body string) string {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600))
		return name
	}
	good := write("good.yaml", "environment: dev\n")
	badKey := write("bad-key.yaml", "environment: dev\nsecret_key: abc\n")
	notURL := write("not-url.yaml", "webhook:\n  url: \"not a url\"\n")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	busyAddr := busy.Addr().String()
	busyFile := write("busy.yaml", "listen:\n  api: "+busyAddr+"\n")
	inUse := "cannot listen on " + busyAddr + ": the address is already in use (another nango-dev, or make serve?); port 0 picks a free one"
	const uuid = "must be a UUID v4, as Nango's secret keys are"

	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"a flag, not the file", nil, append(free("", dist), "-config", good, "-secret-key", "abc"), "-secret-key: " + uuid},
		{"the environment", []string{"NANGO_SECRET_KEY=abc"}, append(free("", dist), "-config", good), "$NANGO_SECRET_KEY: " + uuid},
		{"the file", nil, append(free("", dist), "-config", badKey), "bad-key.yaml:2: secret_key: " + uuid},
		{"a busy port given with -api", nil, append(free("api", dist), "-api", busyAddr), "-api: " + inUse},
		{"a busy port in the file", nil, append(free("api", dist), "-config", busyFile), "busy.yaml:2: listen.api: " + inUse},
		{"a missing config file", nil, append(free("", dist), "-config", "nonexistent.yaml"), "-config: nonexistent.yaml: no such file or directory (looked in " + dir + ")"},
		{"a URL as typed, in the file", nil, append(free("", dist), "-config", notURL), `not-url.yaml:2: webhook.url: "not a url" is not an http(s) URL`},
		{"a URL as typed, as a flag", nil, append(free("", dist), "-webhook-url", "not a url"), `-webhook-url: "not a url" is not an http(s) URL`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, dir, tc.env, tc.args...)
			assert.Equal(t, 1, res.code)
			assert.Equal(t, "nango-dev: "+tc.want+"\n", res.stderr)
			assert.NotContains(t, res.stderr, "nango: config")
		})
	}
}
