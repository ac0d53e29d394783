package loadtest_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server"
	"github.com/nango-wasm/nango-wasm/server/loadtest"
	"github.com/stretchr/testify/require"
)

// A small load in make test (with -race there): concurrent complete flows against each store,
// with no lost, duplicated or misrouted connection. The figures that matter come from make bench
// (against a bare net/http ceiling) and cmd/nango-load (each store).
func TestConcurrentFlowsKeepEveryConnection(t *testing.T) {
	for _, tc := range []struct {
		name string
		data func(t *testing.T) string
	}{
		{"in memory", func(*testing.T) string { return "" }},
		{"bbolt file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nango-dev.db") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := server.Start(t.Context(), server.Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0", DataFile: tc.data(t)})
			require.NoError(t, err)
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				require.NoError(t, srv.Shutdown(ctx))
			})
			report, err := loadtest.Run(t.Context(), loadtest.Target{APIURL: srv.APIURL(), SecretKey: srv.SecretKey()},
				loadtest.Options{Flows: 40, Concurrency: 8, Timeout: time.Minute})
			require.NoError(t, err)
			require.NoError(t, report.Err())
			require.Equal(t, 40, report.Completed)
			require.Zero(t, report.Lost+report.Duplicated+report.Misrouted)
			t.Log(report)
		})
	}
}
