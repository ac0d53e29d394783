package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nango-wasm/nango-wasm/server"
	"github.com/nango-wasm/nango-wasm/server/loadtest"
)

// loadFigures are section 6: per repetition, the dev server's flows/s and p99 under the load
// driver, and the same for the ceiling.
type loadFigures struct {
	flowsPerSec, p99                   samples // the dev server, in-memory store; p99 in ms
	ceilingFlowsPerSec, ceilingP99     samples
	cpuPerFlow, ceilingCPUPerFlow      samples // µs of the process's CPU (getrusage) per completed flow
	flows, concurrency, reps, requests int     // requests: HTTP requests the dev server serves per flow
	clientRequests                     int     // of which the driver makes (the rest: server to server)
}

// measureLoad runs the load driver reps times against a fresh in-process dev server (in-memory
// store), and as many times against the ceiling: a bare net/http handler driven with the same
// concurrency and as many HTTP requests per flow as the dev server serves in one flow (the
// driver's, and the token exchange its API origin makes to its provider origin), counted by the
// dev server itself. The ratio then reads "how much of what net/http alone could do on this
// machine the dev server does".
func measureLoad(ctx context.Context, flows, concurrency, reps int) (loadFigures, error) {
	f := loadFigures{flows: flows, concurrency: concurrency, reps: reps}
	var err error
	if f.requests, f.clientRequests, err = requestsPerFlow(ctx); err != nil {
		return f, err
	}
	requests := f.requests
	for range reps {
		fps, p99, cpu, err := devServerLoad(ctx, flows, concurrency)
		if err != nil {
			return f, err
		}
		f.flowsPerSec, f.p99, f.cpuPerFlow = append(f.flowsPerSec, fps), append(f.p99, p99), append(f.cpuPerFlow, cpu)
		cfps, cp99, ccpu, err := ceilingLoad(flows, concurrency, requests)
		if err != nil {
			return f, err
		}
		f.ceilingFlowsPerSec, f.ceilingP99 = append(f.ceilingFlowsPerSec, cfps), append(f.ceilingP99, cp99)
		f.ceilingCPUPerFlow = append(f.ceilingCPUPerFlow, ccpu)
	}
	return f, nil
}

// startLoadServer is an in-process dev server with the in-memory store, as nango-load starts,
// logging to log.
func startLoadServer(log *slog.Logger) (*server.Server, func(), error) {
	srv, err := server.Start(context.Background(), server.Config{
		AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0",
		Logger: log,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("bench: start the load server: %w", err)
	}
	return srv, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// devServerLoad is one run of the driver against a fresh dev server: its flows/s, p99, and the
// process's CPU per flow (the driver's and the server's: they share the process, as the
// ceiling's driver and handler do).
func devServerLoad(ctx context.Context, flows, concurrency int) (fps, p99ms, cpuµs float64, err error) {
	srv, stop, err := startLoadServer(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return 0, 0, 0, err
	}
	defer stop()
	cpu0 := processCPU()
	report, err := loadtest.Run(ctx, loadtest.Target{APIURL: srv.APIURL(), SecretKey: srv.SecretKey()},
		loadtest.Options{Flows: flows, Concurrency: concurrency, Timeout: 2 * time.Minute})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("bench: load: %w", err)
	}
	if err := report.Err(); err != nil {
		return 0, 0, 0, fmt.Errorf("bench: load: %w", err)
	}
	return report.FlowsPerSec, ms(report.P99), perFlowµs(processCPU()-cpu0, report.Completed), nil
}

// processCPU is the user and system CPU time the bench's process has used so far: unlike
// flows/s, CPU per flow hardly moves with what else the machine runs.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func perFlowµs(cpu time.Duration, flows int) float64 {
	return float64(cpu.Microseconds()) / float64(max(flows, 1))
}

// countingTransport counts the round trips that go through it.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// servedRequests is a log handler that counts the dev server's request lines (one per request
// it serves, on any of its origins) and keeps nothing.
type servedRequests struct{ n atomic.Int64 }

func (c *servedRequests) Enabled(context.Context, slog.Level) bool { return true }
func (c *servedRequests) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *servedRequests) WithGroup(string) slog.Handler            { return c }
func (c *servedRequests) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "request" {
		c.n.Add(1)
	}
	return nil
}

// requestsPerFlow runs one flow of the driver, counting the requests the dev server serves and,
// through a counting transport, those the driver makes.
func requestsPerFlow(ctx context.Context) (served, client int, err error) {
	counted := &servedRequests{}
	srv, stop, err := startLoadServer(slog.New(counted))
	if err != nil {
		return 0, 0, err
	}
	defer stop()
	tr := loadtest.NewTransport(1)
	defer tr.CloseIdleConnections()
	counter := &countingTransport{next: tr}
	res := loadtest.RunFlow(ctx, counter, loadtest.Target{APIURL: srv.APIURL(), SecretKey: srv.SecretKey()}, loadtest.NewRunID(), 0)
	if res.Err != nil {
		return 0, 0, fmt.Errorf("bench: count a flow's requests: %w", res.Err)
	}
	served, client = int(counted.n.Load()), int(counter.n.Load())
	if served < client {
		return 0, 0, fmt.Errorf("bench: the dev server logged %d request lines for a flow of %d client requests: it no longer logs one line per request, count its requests another way", served, client)
	}
	return served, client, nil
}

// ceilingLoad drives a handler that does nothing but answer, with flows of requests sequential
// round trips each, concurrency at a time, over the driver's transport and with a client per
// flow as the driver makes (its own cookie jar, no redirects followed).
func ceilingLoad(flows, concurrency, requests int) (fps, p99ms, cpuµs float64, err error) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok")
	}))
	defer ts.Close()
	tr := loadtest.NewTransport(concurrency)
	defer tr.CloseIdleConnections()
	durations := make(samples, flows)
	errs := make([]error, flows)
	next := make(chan int)
	var wg sync.WaitGroup
	cpu0, start := processCPU(), time.Now()
	for range min(concurrency, flows) {
		wg.Go(func() {
			for i := range next {
				durations[i], errs[i] = ceilingFlow(tr, ts.URL, requests)
			}
		})
	}
	for i := range flows {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	for _, err := range errs {
		if err != nil {
			return 0, 0, 0, fmt.Errorf("bench: ceiling: %w", err)
		}
	}
	return float64(flows) / elapsed.Seconds(), durations.percentile(99), perFlowµs(cpu, flows), nil
}

func ceilingFlow(tr http.RoundTripper, base string, requests int) (float64, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	start := time.Now()
	for range requests {
		res, err := c.Get(base + "/")
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %d", res.StatusCode)
		}
	}
	return ms(time.Since(start)), nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
