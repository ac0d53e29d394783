// Package npm_test installs the packed npm packages of nango-dev (make npm-host) into fresh
// folders, offline, as a JavaScript team would install them, and runs npx nango-dev there.
// make test-npm builds the tarballs and passes their folder; without it the tests skip.
package npm_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	tarballs = flag.String("tarballs", "", "folder holding nango-dev.tgz and nango-dev-<platform>.tgz (make npm-host)")
	platform = flag.String("platform", "", "this machine's platform in Node's names, e.g. linux-x64")
)

// secretKey is passed the way a CI job would: in the environment.
const secretKey = "5f0e7a2c-3b6d-4e8f-9a1b-2c3d4e5f6a7b"

// install makes a fresh project folder and npm-installs the given tarballs there, offline and
// with an empty cache, so nothing can come from a registry: the platform packages that are not
// given cannot be fetched, and npm skips them as optional dependencies that failed. Tests that
// install the same tarballs share the folder.
func install(t *testing.T, names ...string) string {
	t.Helper()
	if *tarballs == "" {
		t.Skip("run make test-npm, which packs nango-dev and passes -tarballs")
	}
	key := strings.Join(names, " ")
	if dir, ok := installed[key]; ok {
		return dir
	}
	dir, err := os.MkdirTemp("", "nango-dev-npm-")
	require.NoError(t, err)
	installed[key] = dir
	require.NoError(t, os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"app","private":true}`), 0o644))
	args := []string{"install", "--offline", "--no-audit", "--no-fund", "--cache", filepath.Join(dir, ".npm-cache")}
	for _, name := range names {
		args = append(args, filepath.Join(*tarballs, name))
	}
	out, err := command(dir, "npm", args...).CombinedOutput()
	require.NoError(t, err, "npm install: %s", out)
	return dir
}

// installed maps the tarballs installed to their folder; TestMain removes them.
var installed = map[string]string{}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	for _, dir := range installed {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

func command(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false", "NANGO_SECRET_KEY="+secretKey)
	return cmd
}

// Installed without its platform package, the launcher says which package is missing and how
// to get it, and exits 1.
func TestLauncherWithoutItsPlatformPackage(t *testing.T) {
	dir := install(t, "nango-dev.tgz")
	require.NoDirExists(t, filepath.Join(dir, "node_modules", "nango-dev-"+*platform))
	var stderr bytes.Buffer
	cmd := command(dir, "npx", "--offline", "nango-dev", "-h")
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "stderr: %s", stderr.String())
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, stderr.String(), "nango-dev: the package nango-dev-"+*platform)
	assert.Contains(t, stderr.String(), "npm install --include=optional nango-dev")
}

// npx nango-dev, in a folder that has nothing but the two packages, runs the dev server: the API
// answers with the secret key from the environment, /sdk/nango.wasm is the built SDK (embedded
// in the binary), and a SIGTERM to the process group (a CI runner stopping the job, Ctrl+C in a
// terminal) shuts the server down cleanly.
func TestNpxNangoDevServesTheAPIAndTheSDK(t *testing.T) {
	dir := install(t, "nango-dev.tgz", "nango-dev-"+*platform+".tgz")
	dev := startServer(t, dir, "npx", "--offline", "nango-dev")
	assert.Equal(t, "embedded in this binary", dev.banner["SDK (/sdk/)"])
	api, app := dev.banner["Nango API"], dev.banner["demo app"]

	req, err := http.NewRequest(http.MethodPost, api+"/connect/sessions", strings.NewReader(`{"end_user":{"id":"u1"}}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+secretKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"token":"nango_connect_session_`)

	built, err := os.ReadFile("../dist/nango.wasm")
	require.NoError(t, err, "make build writes dist/nango.wasm")
	for _, origin := range []string{app, api} {
		res, err := http.Get(origin + "/sdk/nango.wasm") // Go's client asks for gzip and unpacks it
		require.NoError(t, err)
		wasm, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode, origin)
		assert.Equal(t, "application/wasm", res.Header.Get("Content-Type"), origin)
		assert.True(t, res.Uncompressed, "%s: served from the precompressed copy", origin)
		assert.Equal(t, sha256.Sum256(built), sha256.Sum256(wasm), "%s: the built nango.wasm", origin)
	}

	dev.stop(t, -dev.cmd.Process.Pid) // the whole group
}

// A SIGTERM sent to the launcher alone reaches the server, which shuts down cleanly instead of
// living on as an orphan that keeps the ports.
func TestLauncherPassesSignalsOn(t *testing.T) {
	dir := install(t, "nango-dev.tgz", "nango-dev-"+*platform+".tgz")
	dev := startServer(t, dir, filepath.Join(dir, "node_modules", ".bin", "nango-dev"))
	dev.stop(t, dev.cmd.Process.Pid)
}

// server is nango-dev started through npm, with what it printed at start.
type server struct {
	cmd    *exec.Cmd
	banner map[string]string // "Nango API" → its URL, …
	stderr *os.File          // a file, which the test reads while the server writes it
	exited chan error
}

// startServer runs name with args in dir, in a process group of its own, on free loopback ports,
// and reads its banner.
func startServer(t *testing.T, dir, name string, args ...string) *server {
	t.Helper()
	cmd := command(dir, name, append(args, "-app", "127.0.0.1:0", "-api", "127.0.0.1:0", "-provider", "127.0.0.1:0", "-connect", "127.0.0.1:0")...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	t.Cleanup(func() { stderr.Close() })
	s := &server{cmd: cmd, banner: map[string]string{}, stderr: stderr, exited: make(chan error, 1)}
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	go func() { s.exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })

	banner := make(chan map[string]string, 1)
	go func() {
		lines, found := bufio.NewScanner(stdout), map[string]string{}
		for found["secret key"] == "" && lines.Scan() {
			if key, value, ok := strings.Cut(lines.Text(), ":"); ok {
				found[strings.TrimSpace(key)] = strings.TrimSpace(value)
			}
		}
		banner <- found
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case s.banner = <-banner:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s printed no banner; stderr: %s", name, s.output())
	}
	require.Equal(t, secretKey, s.banner["secret key"], "banner %v; stderr: %s", s.banner, s.output())
	return s
}

// stop sends SIGTERM to pid (negative: a process group) and checks that the server shut down
// cleanly and its port is closed.
func (s *server) stop(t *testing.T, pid int) {
	t.Helper()
	api := s.banner["Nango API"]
	require.NoError(t, syscall.Kill(pid, syscall.SIGTERM))
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		t.Fatalf("still running 20 s after SIGTERM; stderr: %s", s.output())
	}
	assert.Contains(t, s.output(), "shutting down", "nango-dev got the signal")
	_, err := http.Get(api + "/health")
	assert.ErrorIs(t, err, syscall.ECONNREFUSED, "the server is gone with its launcher")
}

// output is what the server wrote to stderr so far.
func (s *server) output() string {
	b, _ := os.ReadFile(s.stderr.Name())
	return string(b)
}

// On a platform nango-dev has no package for, the launcher names the platform and the ones it
// ships for, and exits 1.
func TestLauncherOnAnUnsupportedPlatform(t *testing.T) {
	dir := install(t, "nango-dev.tgz")
	pretend := filepath.Join(t.TempDir(), "freebsd.js")
	require.NoError(t, os.WriteFile(pretend, []byte(`Object.defineProperty(process, 'platform', { value: 'freebsd' });`), 0o644))
	var stderr bytes.Buffer
	cmd := command(dir, "node", "--require", pretend, filepath.Join(dir, "node_modules", "nango-dev", "bin", "nango-dev"), "-h")
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "stderr: %s", stderr.String())
	assert.Equal(t, 1, exit.ExitCode())
	arch := strings.SplitN(*platform, "-", 2)[1]
	assert.Contains(t, stderr.String(), "nango-dev: there is no nango-dev binary for freebsd-"+arch+"; nango-dev ships for ")
	assert.Contains(t, stderr.String(), "linux-x64")
	assert.Contains(t, stderr.String(), "win32-arm64")
	assert.Contains(t, stderr.String(), "NANGO_DEV_BINARY")
}

// Every package carries the repository's LICENSE, as nango-wasm's own does.
func TestPackagesCarryTheLicense(t *testing.T) {
	dir := install(t, "nango-dev.tgz", "nango-dev-"+*platform+".tgz")
	want, err := os.ReadFile(filepath.Join("..", "LICENSE"))
	require.NoError(t, err)
	for _, pkg := range []string{"nango-dev", "nango-dev-" + *platform} {
		got, err := os.ReadFile(filepath.Join(dir, "node_modules", pkg, "LICENSE"))
		require.NoError(t, err, pkg)
		assert.Equal(t, string(want), string(got), pkg)
	}
}
