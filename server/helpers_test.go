package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/require"
)

// startServer runs the whole dev server on free ports.
func startServer(t *testing.T) *Server {
	t.Helper()
	return startConfigured(t, Config{})
}

// startConfigured runs the dev server with cfg on free ports (unless cfg names addresses).
func startConfigured(t *testing.T, cfg Config) *Server {
	t.Helper()
	for _, addr := range []*string{&cfg.AppAddr, &cfg.APIAddr, &cfg.ProviderAddr} {
		if *addr == "" {
			*addr = "127.0.0.1:0"
		}
	}
	if cfg.DistDir == "" {
		cfg.DistDir = t.TempDir()
	}
	srv, err := Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		require.NoError(t, srv.Shutdown(ctx))
	})
	return srv
}

// runFlow drives a popup from /oauth/connect to the callback page and returns the page.
func runFlow(t *testing.T, srv *Server, c *http.Client, connect string, decision string) webtest.Response {
	t.Helper()
	resp := webtest.Get(t, c, connect, webtest.PopupHeaders)
	require.Equal(t, http.StatusFound, resp.Status, resp.Body)
	callback := webtest.DecideAtProvider(t, c, resp.Header.Get("Location"), decision)
	require.True(t, strings.HasPrefix(callback, srv.APIURL()+"/oauth/callback?"), callback)
	return webtest.Get(t, c, callback, nil)
}
