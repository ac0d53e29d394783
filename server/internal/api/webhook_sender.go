package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

const (
	webhookQueueSize  = 1024
	webhookWorkers    = 2
	webhookMaxBackoff = 30 * time.Second
)

// WebhookOptions is where the auth webhooks go and how they are signed and retried: the
// server's WebhookConfig field for field (it converts to this), with the signing key settled.
// Zero bounds take the defaults below.
type WebhookOptions struct {
	URL, SigningKey  string
	MaxAttempts      int
	Backoff, Timeout time.Duration
}

// webhookJob is one webhook to deliver.
type webhookJob struct {
	id   string // the delivery's, in the emulator's log
	url  string
	body []byte
}

// webhookSender delivers webhooks from a bounded queue in the background, so a slow or failing
// receiver never holds up a user's flow: a non-2xx answer or a network error is retried with
// exponential backoff up to MaxAttempts, then dropped with a warning. A full queue drops too.
type webhookSender struct {
	cfg      WebhookOptions
	client   *http.Client
	log      *slog.Logger
	observer deliveryObserver

	queue  chan webhookJob
	ctx    context.Context // cancelled when shutdown gives up waiting: in-flight attempts stop
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	closed bool
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
	s := &webhookSender{
		cfg: cfg,
		client: &http.Client{
			Timeout:   cfg.Timeout,
			Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second},
			// A redirect is not a delivery: the receiver's 3xx counts as a failure, as in Nango.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		log:      log,
		observer: observer,
		queue:    make(chan webhookJob, webhookQueueSize),
		ctx:      ctx,
		cancel:   cancel,
	}
	for range webhookWorkers {
		s.wg.Go(s.work)
	}
	return s
}

// send queues a webhook without waiting; after shutdown, or with a full queue, it is dropped.
func (s *webhookSender) send(target string, body []byte) {
	id := s.observer.queued(target, body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		s.log.Warn("webhook dropped: the server is shutting down", "url", web.SafeURL(target))
		s.observer.dropped(id, "the server is shutting down")
		return
	}
	select {
	case s.queue <- webhookJob{id: id, url: target, body: body}:
	default:
		s.log.Warn("webhook dropped: the delivery queue is full", "url", web.SafeURL(target))
		s.observer.dropped(id, "the delivery queue is full")
	}
}

func (s *webhookSender) work() {
	for job := range s.queue {
		s.deliver(job)
	}
}

// deliver tries a webhook until a 2xx, MaxAttempts, or shutdown.
func (s *webhookSender) deliver(job webhookJob) {
	wait := s.cfg.Backoff
	for attempt := 1; ; attempt++ {
		if !s.observer.sending(job.id) {
			s.log.Debug("webhook dropped: cleared by an emulator reset", "url", web.SafeURL(job.url))
			return
		}
		status, err := s.post(job)
		if err == nil && status/100 == 2 {
			s.observer.attempted(job.id, status, nil, time.Time{})
			s.log.Debug("webhook delivered", "url", web.SafeURL(job.url), "status", status, "attempt", attempt)
			return
		}
		if attempt >= s.cfg.MaxAttempts || s.ctx.Err() != nil {
			s.observer.attempted(job.id, status, err, time.Time{})
			s.log.Warn("webhook not delivered", "url", web.SafeURL(job.url), "status", status, "err", err, "attempts", attempt)
			return
		}
		s.observer.attempted(job.id, status, err, time.Now().Add(wait))
		s.log.Info("webhook failed, retrying", "url", web.SafeURL(job.url), "status", status, "err", err, "attempt", attempt, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-s.ctx.Done():
			t.Stop()
		}
		wait = min(wait*2, webhookMaxBackoff)
	}
}

func (s *webhookSender) post(job webhookJob) (int, error) {
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

// shutdown stops taking webhooks and lets the queued ones go out until ctx is done; what is
// left then (in flight, waiting for a retry, or queued) is dropped.
func (s *webhookSender) shutdown(ctx context.Context) {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Warn("shutdown: undelivered webhooks dropped", "queued", len(s.queue))
		s.cancel()
		<-done
	}
	s.cancel()
}
