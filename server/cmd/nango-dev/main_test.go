package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/loadtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// subprocessEnv makes the test binary run nango-dev itself, so the tests can start it as a real
// process (and kill it) without building a separate binary.
const subprocessEnv = "NANGO_DEV_TEST_SUBPROCESS"

func TestMain(m *testing.M) {
	if os.Getenv(subprocessEnv) == "1" {
		os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
	}
	os.Exit(m.Run())
}

// devProcess is nango-dev running as a child process.
type devProcess struct {
	cmd    *exec.Cmd
	apiURL string
	stderr *lockedBuffer // written by the process's pipe copier while the test reads it
}

// startDev runs nango-dev with args and waits until it prints its API origin.
func startDev(t *testing.T, args ...string) *devProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-app", "127.0.0.1:0", "-api", "127.0.0.1:0", "-provider", "127.0.0.1:0", "-connect", "127.0.0.1:0", "-dist", t.TempDir()}, args...)...)
	cmd.Env = append(os.Environ(), subprocessEnv+"=1")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &devProcess{cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = p.stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "Nango API:"); ok {
				found <- strings.TrimSpace(rest)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case p.apiURL = <-found:
	case <-time.After(20 * time.Second):
		t.Fatalf("nango-dev did not start: %s", p.stderr.String())
	}
	return p
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(b)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

const testSecretKey = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"

// A kill -9 in the middle of a burst of flows loses no connection whose callback page was
// served: bbolt commits (and fsyncs) the connection before the page is written.
func TestKillNineLosesNoServedConnection(t *testing.T) {
	data := filepath.Join(t.TempDir(), "nango-dev.db")
	dev := startDev(t, "-data", data, "-secret-key", testSecretKey)
	target := loadtest.Target{APIURL: dev.apiURL, SecretKey: testSecretKey}
	transport := loadtest.NewTransport(16)
	defer transport.CloseIdleConnections()

	const flows, concurrency, killAfter = 400, 16, 40
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	results := make([]loadtest.FlowResult, flows)
	var served atomic.Int32
	killed := make(chan struct{})
	var killOnce sync.Once
	next := make(chan int)
	var wg sync.WaitGroup
	runID := loadtest.NewRunID()
	for range concurrency {
		wg.Go(func() {
			for i := range next {
				results[i] = loadtest.RunFlow(ctx, transport, target, runID, i)
				if results[i].ConnectionID != "" && served.Add(1) == killAfter {
					killOnce.Do(func() {
						_ = dev.cmd.Process.Kill() // SIGKILL: no shutdown, no flush
						close(killed)
					})
				}
			}
		})
	}
feed:
	for i := range flows {
		select {
		case next <- i:
		case <-killed:
			break feed
		}
	}
	close(next)
	wg.Wait()
	_ = dev.cmd.Wait()

	var promised, failed int
	for _, r := range results {
		if r.ConnectionID != "" {
			promised++
		} else if r.Err != nil {
			failed++
		}
	}
	require.GreaterOrEqual(t, promised, killAfter)
	t.Logf("%d callback pages served before the kill, %d flows cut by it", promised, failed)

	restarted := startDev(t, "-data", data, "-secret-key", testSecretKey)
	target.APIURL = restarted.apiURL
	listed, err := loadtest.ListRun(t.Context(), transport, target, runID)
	require.NoError(t, err)
	have := map[string]bool{}
	for _, c := range listed {
		have[c.ConnectionID] = true
	}
	for _, r := range results {
		if r.ConnectionID != "" {
			assert.True(t, have[r.ConnectionID], "flow %d was served its callback page but its connection %s is gone", r.Index, r.ConnectionID)
		}
	}
}

// SIGTERM lets the server finish: it exits 0 after its in-flight requests.
func TestSIGTERMShutsDownCleanly(t *testing.T) {
	dev := startDev(t)
	resp, err := http.Get(dev.apiURL + "/health")
	require.NoError(t, err)
	resp.Body.Close()
	require.NoError(t, dev.cmd.Process.Signal(os.Interrupt))
	require.NoError(t, dev.cmd.Wait(), dev.stderr.String())
	assert.Contains(t, dev.stderr.String(), "shutting down")
}

// An invalid config file stops start-up with the file, the line and the field.
func TestInvalidConfigNamesFileLineAndField(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nango-dev.yaml")
	require.NoError(t, os.WriteFile(path, []byte("integrations:\n  - unique_key: gh\n    provider: github\n    endpoints: real\n    client_id: abc\n"), 0o600))
	var stderr strings.Builder
	err := run([]string{"-config", path, "-api", "127.0.0.1:0", "-app", "127.0.0.1:0", "-provider", "127.0.0.1:0", "-connect", "127.0.0.1:0"}, io.Discard, &stderr)
	require.Error(t, err)
	assert.Equal(t, path+":2: integrations[0].client_secret: required when endpoints are real", err.Error())
}
