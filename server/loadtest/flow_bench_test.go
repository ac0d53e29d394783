package loadtest_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server"
	"github.com/nango-wasm/nango-wasm/server/loadtest"
	"github.com/stretchr/testify/require"
)

// BenchmarkFlow is make bench's section 6 in the small: complete flows (every hop, the token
// exchange included) against an in-process dev server with the in-memory store, logging its
// request lines as text as the bench's server does, 32 in flight. Besides ns/op and allocs/op
// (of the driver and the server together, as in the bench's one process) it reports the
// process's CPU per flow from getrusage, the figure a loaded machine does not move:
//
//	go test -run '^$' -bench Flow -benchmem -count 3 ./server/loadtest
func BenchmarkFlow(b *testing.B) {
	srv, err := server.Start(b.Context(), server.Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(b, err)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		require.NoError(b, srv.Shutdown(ctx))
	})
	target := loadtest.Target{APIURL: srv.APIURL(), SecretKey: srv.SecretKey()}
	const concurrency = 32
	transport := loadtest.NewTransport(concurrency)
	defer transport.CloseIdleConnections()
	runID := loadtest.NewRunID()
	// Warm the connections and the server's caches so that b.N=1 measures a flow, not a dial.
	for i := range concurrency {
		require.NoError(b, loadtest.RunFlow(b.Context(), transport, target, runID, -1-i).Err)
	}
	next := make(chan int)
	errs := make([]error, b.N)
	var wg sync.WaitGroup
	cpu0 := processCPU(b)
	b.ResetTimer()
	for range min(concurrency, b.N) {
		wg.Go(func() {
			for i := range next {
				errs[i] = loadtest.RunFlow(b.Context(), transport, target, runID, i).Err
			}
		})
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/flow")
	for _, err := range errs {
		require.NoError(b, err)
	}
}

// processCPU is the user and system CPU time this process has used so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	require.NoError(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
