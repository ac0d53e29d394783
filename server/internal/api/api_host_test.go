package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/require"
)

// apiHost is the API host alone, on loopback, for the tests that need no other origin: one mock
// integration per provider of the embedded catalog, an in-memory store. Its provider is a
// loopback port nothing listens on, so a test that reached for the provider would fail at once.
type apiHost struct {
	*API
}

func (h *apiHost) APIURL() string      { return h.apiURL }
func (h *apiHost) SecretKey() string   { return h.secretKey }
func (h *apiHost) ProviderURL() string { return h.providerURL }

// startAPI serves an API host for one test.
func startAPI(t *testing.T) *apiHost {
	t.Helper()
	cat, err := catalog.Load(catalog.ProvidersYAML)
	require.NoError(t, err)
	ins := NewIntegrations()
	for _, name := range cat.Names {
		ins.Add(MockIntegration(name, cat.Providers[name], "test-seed", time.Now()))
	}
	nowhere := httptest.NewServer(http.NotFoundHandler())
	nowhere.Close()
	ts := httptest.NewUnstartedServer(nil)
	apiURL := "http://" + ts.Listener.Addr().String()
	a, err := New(Config{
		SecretKey: "6f1d4c3b-2a19-4e8f-9d7c-5b4a39281706", APIURL: apiURL, ProviderURL: nowhere.URL,
		Catalog: cat, Integrations: ins, Store: store.NewMemory(), Client: &http.Client{Timeout: 5 * time.Second},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SDK: web.NewSDKFiles(t.TempDir()), Environment: "dev",
		ConnectUI: http.NotFoundHandler(), ConnectUIOrigins: []string{apiURL}, WebsocketsPath: "/",
	})
	require.NoError(t, err)
	ts.Config.Handler = web.WithBodyLimit(a.Handler())
	ts.Start()
	t.Cleanup(func() {
		a.DropWebSockets()
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.DrainWebhooks(ctx)
	})
	return &apiHost{API: a}
}

// connectUnauthenticated stores a connection of the "unauthenticated" integration (auth mode
// NONE: nothing to test at the provider) for a session body, and returns its connection id.
func connectUnauthenticated(t *testing.T, h *apiHost, sessionBody string) string {
	t.Helper()
	resp := webtest.PostAuth(t, h, "/auth/unauthenticated", "unauthenticated", webtest.CreateSession(t, h, sessionBody), "", ``)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	return resp.JSON(t)["connectionId"].(string)
}

// peekState reads a pending OAuth state without spending it: the store hands a state out once,
// so it is put back.
func peekState(t *testing.T, srv *apiHost, state string) *store.OAuthState {
	t.Helper()
	st, ok, err := srv.store.TakeState(state, time.Now())
	require.NoError(t, err)
	require.True(t, ok, "no pending state %s", state)
	require.NoError(t, srv.store.PutState(st, time.Now()))
	return st
}
