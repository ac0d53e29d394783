package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"
)

// Options bound a run: it stops by itself after Flows flows or Timeout, whichever comes first.
type Options struct {
	Flows       int
	Concurrency int
	Timeout     time.Duration // default 5 minutes
}

// Report is a run's figures and its integrity check.
type Report struct {
	Flows       int // started
	Completed   int // callback page received and connection read back
	Failed      int
	Elapsed     time.Duration
	FlowsPerSec float64 // completed flows per second of the run
	P50, P99    time.Duration
	// Integrity: a connection promised to a flow that the list does not have (Lost), a
	// connection listed twice or claimed by two flows or by none (Duplicated), a read-back
	// showing another flow's end user (Misrouted). All must be zero.
	Lost, Duplicated, Misrouted int
	Results                     []FlowResult
	RunID                       string
}

// String is the one-line summary cmd/nango-load prints.
func (r *Report) String() string {
	return fmt.Sprintf("flows=%d completed=%d failed=%d elapsed=%s flows/s=%.1f p50=%s p99=%s lost=%d duplicated=%d misrouted=%d",
		r.Flows, r.Completed, r.Failed, r.Elapsed.Round(time.Millisecond), r.FlowsPerSec,
		r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Lost, r.Duplicated, r.Misrouted)
}

// Err is nil when every flow completed and the integrity check found nothing.
func (r *Report) Err() error {
	var errs []error
	for _, res := range r.Results {
		if res.Err != nil && len(errs) < 5 {
			errs = append(errs, res.Err)
		}
	}
	if r.Lost+r.Duplicated+r.Misrouted > 0 {
		errs = append(errs, fmt.Errorf("integrity: lost=%d duplicated=%d misrouted=%d", r.Lost, r.Duplicated, r.Misrouted))
	}
	return errors.Join(errs...)
}

// NewRunID is a random tag value that tells this run's connections from any other's.
func NewRunID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// NewTransport is a keep-alive transport sized for concurrency parallel flows, with no proxy
// (the load stays on loopback).
func NewTransport(concurrency int) *http.Transport {
	return &http.Transport{Proxy: nil, MaxIdleConns: 4 * concurrency, MaxIdleConnsPerHost: 2 * concurrency, IdleConnTimeout: 30 * time.Second}
}

// Run drives o.Flows flows, o.Concurrency at a time, then checks the connections the server
// lists for this run against what each flow was promised.
func Run(ctx context.Context, t Target, o Options) (*Report, error) {
	if o.Flows <= 0 || o.Concurrency <= 0 {
		return nil, errors.New("loadtest: Flows and Concurrency must be positive")
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	t = t.withDefaults()
	transport := NewTransport(o.Concurrency)
	defer transport.CloseIdleConnections()
	r := &Report{Flows: o.Flows, RunID: NewRunID(), Results: make([]FlowResult, o.Flows)}
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range min(o.Concurrency, o.Flows) {
		wg.Go(func() {
			for i := range next {
				r.Results[i] = RunFlow(ctx, transport, t, r.RunID, i)
			}
		})
	}
	for i := range o.Flows {
		next <- i
	}
	close(next)
	wg.Wait()
	r.Elapsed = time.Since(start)
	r.summarize()
	if err := r.verify(ctx, transport, t); err != nil {
		return r, err
	}
	return r, nil
}

func (r *Report) summarize() {
	var durations []time.Duration
	for _, res := range r.Results {
		if res.Err != nil {
			r.Failed++
			continue
		}
		r.Completed++
		durations = append(durations, res.Duration)
		if res.Misrouted {
			r.Misrouted++
		}
	}
	if r.Elapsed > 0 {
		r.FlowsPerSec = float64(r.Completed) / r.Elapsed.Seconds()
	}
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	r.P50, r.P99 = percentile(durations, 50), percentile(durations, 99)
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// verify lists the run's connections (by its tag, page by page) and compares them with the
// flows: each flow promised a connection must find it, once, with its own end user.
func (r *Report) verify(ctx context.Context, transport http.RoundTripper, t Target) error {
	listed, err := ListRun(ctx, transport, t, r.RunID)
	if err != nil {
		return fmt.Errorf("loadtest: list the run's connections: %w", err)
	}
	seen := map[string]int{}
	for _, c := range listed {
		seen[c.ConnectionID]++
	}
	claimed := map[string]bool{}
	for _, res := range r.Results {
		if res.ConnectionID == "" {
			continue
		}
		switch {
		case claimed[res.ConnectionID]:
			r.Duplicated++
		case seen[res.ConnectionID] == 0:
			r.Lost++
		}
		claimed[res.ConnectionID] = true
	}
	for id, n := range seen {
		if n > 1 || !claimed[id] {
			r.Duplicated++
		}
	}
	return nil
}

// Listed is one entry of GET /connections.
type Listed struct {
	ConnectionID string            `json:"connection_id"`
	Tags         map[string]string `json:"tags"`
}

// ListRun lists the connections tagged with a run's id.
func ListRun(ctx context.Context, transport http.RoundTripper, t Target, runID string) ([]Listed, error) {
	t = t.withDefaults()
	c := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	const limit = 2000
	var all []Listed
	for page := 0; ; page++ {
		var out struct {
			Connections []Listed `json:"connections"`
		}
		q := url.Values{"tags[loadtest_run]": {runID}, "limit": {fmt.Sprint(limit)}, "page": {fmt.Sprint(page)}}
		if err := backendJSON(ctx, c, t, http.MethodGet, "/connections?"+q.Encode(), nil, http.StatusOK, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Connections...)
		if len(out.Connections) < limit {
			return all, nil
		}
	}
}
