package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hangingReceiver accepts webhooks and never answers until the test ends; it counts the
// requests it holds.
func hangingReceiver(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	release := make(chan struct{})
	var held atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		held.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(rcv.Close)
	t.Cleanup(func() { close(release) }) // before rcv.Close, which waits for the handlers
	return rcv, &held
}

// recordingReceiver answers status() and passes each body it gets to the channel.
func recordingReceiver(t *testing.T, status func() int) (*httptest.Server, <-chan string) {
	t.Helper()
	got := make(chan string, 64)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(status())
		got <- string(body)
	}))
	t.Cleanup(rcv.Close)
	return rcv, got
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func stopSender(t *testing.T, s *webhookSender) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.shutdown(ctx)
}

func receive(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case body := <-got:
		return body
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook arrived")
		return ""
	}
}

// A receiver that hangs holds its own slots only: more webhooks to it than any queue holds
// still leave another receiver's webhook to go out at once, while the first still hangs.
func TestWebhookHangingReceiverHoldsNoOneElse(t *testing.T) {
	t.Parallel()
	hanging, held := hangingReceiver(t)
	other, got := recordingReceiver(t, func() int { return http.StatusOK })
	s := newWebhookSender(WebhookOptions{Timeout: time.Minute}, quietLog(), newDeliveryLog(time.Now, func() {}))
	t.Cleanup(func() { // before the receiver lets go: give up on its webhooks at once
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		s.shutdown(ctx)
	})

	for i := range 1100 {
		s.send(hanging.URL+"/hooks", fmt.Appendf(nil, `{"n":%d}`, i))
	}
	s.send(other.URL+"/hooks", []byte(`{"for":"the other receiver"}`))
	assert.Equal(t, `{"for":"the other receiver"}`, receive(t, got))
	assert.LessOrEqual(t, held.Load(), int32(defaultWebhookLimits.concurrency), "the hanging receiver gets a bounded number of requests at once")
}

// A receiver that keeps failing is paused after a few failures in a row (the others are not),
// probed when the pause is over, and once it answers again gets every webhook that waited.
func TestWebhookBreakerPausesAFailingReceiver(t *testing.T) {
	t.Parallel()
	var healthy atomic.Bool
	var attempts atomic.Int32
	failing, delivered := recordingReceiver(t, func() int {
		attempts.Add(1)
		if healthy.Load() {
			return http.StatusNoContent
		}
		return http.StatusServiceUnavailable
	})
	other, fromOther := recordingReceiver(t, func() int { return http.StatusOK })
	s := newWebhookSender(WebhookOptions{MaxAttempts: 10, Backoff: time.Millisecond}, quietLog(), newDeliveryLog(time.Now, func() {}))
	s.limits.concurrency, s.limits.tripAfter, s.limits.pause = 1, 3, time.Second
	t.Cleanup(func() { stopSender(t, s) })

	for i := range 5 {
		s.send(failing.URL, fmt.Appendf(nil, `{"n":%d}`, i))
	}
	for range 3 {
		receive(t, delivered) // the three failures that trip the breaker
	}
	s.send(other.URL, []byte(`{"other":true}`))
	assert.Equal(t, `{"other":true}`, receive(t, fromOther), "another receiver is not paused")
	select {
	case body := <-delivered:
		t.Fatalf("a paused receiver got %s", body)
	case <-time.After(200 * time.Millisecond):
	}
	assert.Equal(t, int32(3), attempts.Load(), "no attempt while paused")

	healthy.Store(true)
	seen := map[string]bool{}
	require.Eventually(t, func() bool {
		for {
			select {
			case body := <-delivered:
				seen[body] = true
			default:
				return len(seen) == 5
			}
		}
	}, 10*time.Second, 10*time.Millisecond, "every webhook that waited is delivered once the receiver answers")
}

// Shutdown drops at once what waits for a paused receiver, and lets the rest go out.
func TestWebhookShutdownDoesNotWaitForAPausedReceiver(t *testing.T) {
	t.Parallel()
	failing, _ := recordingReceiver(t, func() int { return http.StatusBadGateway })
	s := newWebhookSender(WebhookOptions{MaxAttempts: 10, Backoff: time.Millisecond}, quietLog(), newDeliveryLog(time.Now, func() {}))
	s.limits.concurrency, s.limits.tripAfter, s.limits.pause = 1, 1, time.Hour
	for range 3 {
		s.send(failing.URL, []byte(`{}`))
	}
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		d := s.dests[destinationKey(failing.URL)]
		return d != nil && !d.pausedUntil.IsZero() && d.inflight == 0
	}, 5*time.Second, 5*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan struct{})
	go func() { s.shutdown(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown waits for a receiver paused for an hour")
	}
}
