package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

const webhookMaxBackoff = 30 * time.Second

// WebhookOptions is where the auth webhooks go and how they are signed and retried: the
// server's WebhookConfig field for field (it converts to this), with the signing key settled.
// Zero bounds take the defaults below.
type WebhookOptions struct {
	URL, SigningKey  string
	MaxAttempts      int
	Backoff, Timeout time.Duration
}

// webhookLimits bound the sender per destination (a receiver's scheme://host:port), so that
// one receiver, however slow or broken, costs the others nothing.
type webhookLimits struct {
	concurrency  int           // deliveries in flight to one destination
	backlog      int           // webhooks one destination may have waiting (queued or retrying)
	destinations int           // destinations with webhooks waiting, at most
	tripAfter    int           // consecutive failures that pause a destination (the breaker opens)
	pause        time.Duration // the first pause; doubled after each failed probe
	maxPause     time.Duration
}

var defaultWebhookLimits = webhookLimits{
	concurrency:  4,
	backlog:      1000,
	destinations: 1000,
	tripAfter:    5,
	pause:        30 * time.Second,
	maxPause:     5 * time.Minute,
}

// webhookJob is one webhook to deliver.
type webhookJob struct {
	id      string // the delivery's, in the emulator's log
	url     string
	body    []byte
	attempt int // attempts made so far
}

// webhookDestination is one receiver's queue and circuit breaker. Webhooks wait in ready until
// a slot is free; a failed one goes back to ready when its backoff timer fires, so no slot is
// held while it waits. After tripAfter consecutive failures nothing is sent until pausedUntil;
// then one webhook probes the receiver: a success reopens the queue, a failure pauses longer.
type webhookDestination struct {
	key      string
	ready    []*webhookJob
	retrying int // jobs waiting for their backoff timer
	inflight int

	failures    int       // consecutive failed attempts
	pausedUntil time.Time // zero: the breaker is closed
	pause       time.Duration
	wake        *time.Timer // dispatches again when the pause ends
}

func (d *webhookDestination) backlog() int { return len(d.ready) + d.retrying + d.inflight }

// webhookSender delivers webhooks in the background, so a slow or failing receiver never holds
// up a user's flow, nor another receiver's webhooks: each destination has its own queue, its
// own slots and its own breaker. A non-2xx answer or a network error is retried with
// exponential backoff up to MaxAttempts, then dropped with a warning; so is a webhook beyond
// its destination's backlog.
type webhookSender struct {
	cfg      WebhookOptions
	limits   webhookLimits
	client   *http.Client
	log      *slog.Logger
	observer deliveryObserver

	ctx    context.Context // cancelled when shutdown gives up waiting: in-flight attempts stop
	cancel context.CancelFunc
	wg     sync.WaitGroup // attempts in flight

	mu      sync.Mutex
	dests   map[string]*webhookDestination
	pending int // webhooks not yet delivered or dropped, over all destinations
	closed  bool
	drained chan struct{} // closed once closed and pending reaches 0
}

func newWebhookSender(cfg WebhookOptions, log *slog.Logger, observer deliveryObserver) *webhookSender {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &webhookSender{
		cfg:    cfg,
		limits: defaultWebhookLimits,
		client: &http.Client{
			Timeout:   cfg.Timeout,
			Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: defaultWebhookLimits.concurrency, IdleConnTimeout: 30 * time.Second},
			// A redirect is not a delivery: the receiver's 3xx counts as a failure, as in Nango.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		log:      log,
		observer: observer,
		ctx:      ctx,
		cancel:   cancel,
		dests:    map[string]*webhookDestination{},
		drained:  make(chan struct{}),
	}
}

// destinationKey groups webhooks by the receiver that answers them.
func destinationKey(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// send queues a webhook without waiting. After shutdown, or beyond its destination's backlog,
// it is dropped (logged).
func (s *webhookSender) send(target string, body []byte) {
	id := s.observer.queued(target, body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.log.Warn("webhook dropped: the server is shutting down", "url", web.SafeURL(target))
		s.observer.dropped(id, "the server is shutting down")
		return
	}
	d := s.destination(destinationKey(target))
	if d == nil {
		s.log.Warn("webhook dropped: too many receivers have webhooks waiting", "url", web.SafeURL(target), "receivers", len(s.dests))
		s.observer.dropped(id, "too many receivers have webhooks waiting")
		return
	}
	if d.backlog() >= s.limits.backlog {
		s.log.Warn("webhook dropped: this receiver has too many webhooks waiting", "url", web.SafeURL(target), "waiting", d.backlog())
		s.observer.dropped(id, "its receiver has too many webhooks waiting")
		return
	}
	d.ready = append(d.ready, &webhookJob{id: id, url: target, body: body})
	s.pending++
	s.dispatch(d)
}

// destination finds or makes a destination; at the limit it forgets an idle one (its breaker
// state with it) rather than refuse a new receiver. The caller holds s.mu.
func (s *webhookSender) destination(key string) *webhookDestination {
	if d, ok := s.dests[key]; ok {
		return d
	}
	if len(s.dests) >= s.limits.destinations {
		for k, d := range s.dests {
			if d.backlog() == 0 {
				s.forget(k, d)
				break
			}
		}
		if len(s.dests) >= s.limits.destinations {
			return nil
		}
	}
	d := &webhookDestination{key: key}
	s.dests[key] = d
	return d
}

func (s *webhookSender) forget(key string, d *webhookDestination) {
	if d.wake != nil {
		d.wake.Stop()
	}
	delete(s.dests, key)
}

// dispatch starts what a destination may start now: nothing while its breaker is open, one
// probe when the pause is over, else up to its concurrency. Once the server is shutting down,
// a paused destination's webhooks are dropped: its receiver is known to be failing, and the
// grace period is not spent waiting for it. The caller holds s.mu.
func (s *webhookSender) dispatch(d *webhookDestination) {
	if s.ctx.Err() != nil { // shutdown gave up: nothing more starts
		s.dropReady(d, "the server is shutting down")
		return
	}
	slots := s.limits.concurrency
	if !d.pausedUntil.IsZero() {
		if wait := time.Until(d.pausedUntil); wait > 0 {
			if s.closed && len(d.ready) > 0 {
				s.log.Warn("shutdown: webhooks to a failing receiver dropped", "receiver", d.key, "dropped", len(d.ready))
				s.dropReady(d, "the server is shutting down and its receiver keeps failing")
			}
			if d.wake == nil && len(d.ready) > 0 {
				d.wake = time.AfterFunc(wait, func() { s.wakeUp(d) })
			}
			return
		}
		slots = 1 // half-open: one webhook probes the receiver
	}
	for d.inflight < slots && len(d.ready) > 0 {
		job := d.ready[0]
		d.ready[0] = nil
		d.ready = d.ready[1:]
		d.inflight++
		s.wg.Go(func() { s.attempt(d, job) })
	}
}

// dropReady gives up every webhook waiting in d's queue, for reason. The caller holds s.mu.
func (s *webhookSender) dropReady(d *webhookDestination, reason string) {
	for _, job := range d.ready {
		s.observer.dropped(job.id, reason)
		s.done()
	}
	d.ready = nil
}

func (s *webhookSender) wakeUp(d *webhookDestination) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.wake = nil
	if s.ctx.Err() == nil {
		s.dispatch(d)
	}
}

// attempt posts one webhook and settles what follows: done, a retry on a timer, or dropped.
// A delivery the emulator cleared (a reset) is dropped unsent.
func (s *webhookSender) attempt(d *webhookDestination, job *webhookJob) {
	cleared := !s.observer.sending(job.id)
	var status int
	var err error
	if !cleared {
		status, err = s.post(job)
		job.attempt++
	}
	delivered := err == nil && status/100 == 2

	s.mu.Lock()
	defer s.mu.Unlock()
	d.inflight--
	switch {
	case cleared:
		s.log.Debug("webhook dropped: cleared by an emulator reset", "url", web.SafeURL(job.url))
		s.done()
	case delivered:
		s.log.Debug("webhook delivered", "url", web.SafeURL(job.url), "status", status, "attempt", job.attempt)
		s.observer.attempted(job.id, status, nil, time.Time{})
		d.failures, d.pausedUntil, d.pause = 0, time.Time{}, 0
		s.done()
	case job.attempt >= s.cfg.MaxAttempts || s.ctx.Err() != nil:
		s.log.Warn("webhook not delivered", "url", web.SafeURL(job.url), "status", status, "err", err, "attempts", job.attempt)
		s.observer.attempted(job.id, status, err, time.Time{})
		s.tripIfFailing(d)
		s.done()
	default:
		wait := min(s.cfg.Backoff<<(job.attempt-1), webhookMaxBackoff)
		s.log.Info("webhook failed, retrying", "url", web.SafeURL(job.url), "status", status, "err", err, "attempt", job.attempt, "retry_in", wait)
		s.observer.attempted(job.id, status, err, time.Now().Add(wait))
		s.tripIfFailing(d)
		d.retrying++
		time.AfterFunc(wait, func() { s.retry(d, job) })
	}
	s.dispatch(d)
	if d.backlog() == 0 && d.pausedUntil.IsZero() && s.dests[d.key] == d {
		s.forget(d.key, d)
	}
}

// tripIfFailing counts a failure and, after tripAfter in a row (or a failed probe), pauses the
// destination: a receiver that keeps failing is not hammered. The caller holds s.mu.
func (s *webhookSender) tripIfFailing(d *webhookDestination) {
	d.failures++
	probeFailed := !d.pausedUntil.IsZero() && !time.Now().Before(d.pausedUntil)
	if d.failures < s.limits.tripAfter && !probeFailed {
		return
	}
	d.pause = min(max(d.pause*2, s.limits.pause), s.limits.maxPause)
	d.pausedUntil = time.Now().Add(d.pause)
	s.log.Warn("webhook receiver keeps failing: deliveries to it are paused", "receiver", d.key, "failures", d.failures, "pause", d.pause)
}

// retry puts a failed webhook back in its destination's queue once its backoff is over.
func (s *webhookSender) retry(d *webhookDestination, job *webhookJob) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d.retrying--
	if s.ctx.Err() != nil {
		s.observer.dropped(job.id, "the server is shutting down")
		s.done() // shutdown gave up on it
		return
	}
	d.ready = append(d.ready, job) // a destination with a retry waiting is never forgotten
	s.dispatch(d)
}

// done counts a webhook out. The caller holds s.mu.
func (s *webhookSender) done() {
	s.pending--
	if s.closed && s.pending == 0 {
		close(s.drained)
	}
}

func (s *webhookSender) post(job *webhookJob) (int, error) {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, job.url, bytes.NewReader(job.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "nango-dev (nango-wasm dev server)")
	signWebhook(req.Header, s.cfg.SigningKey, job.body)
	resp, err := s.client.Do(req)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			urlErr.URL = web.SafeURL(urlErr.URL) // the error quotes the URL, whose query may hold a token
		}
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// shutdown stops taking webhooks and lets the waiting ones go out until ctx is done; what is
// left then (in flight, waiting for a retry, or queued) is dropped, and so, at once, is what
// waits for a paused (failing) receiver.
func (s *webhookSender) shutdown(ctx context.Context) {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		if s.pending == 0 {
			close(s.drained)
		}
		for _, d := range s.dests {
			s.dispatch(d)
		}
	}
	s.mu.Unlock()
	select {
	case <-s.drained:
	case <-ctx.Done():
		s.mu.Lock()
		s.log.Warn("shutdown: undelivered webhooks dropped", "waiting", s.pending)
		s.mu.Unlock()
	}
	s.cancel()
	s.wg.Wait()
}
