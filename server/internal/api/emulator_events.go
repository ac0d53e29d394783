package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/store"
)

// What changed, as GET /emulator/events names it: a listener reloads that list.
const (
	topicConnections = "connections"
	topicSessions    = "sessions"
	topicWebhooks    = "webhooks"
	topicFaults      = "faults"
)

var allTopics = []string{topicConnections, topicSessions, topicWebhooks, topicFaults}

// eventsPing keeps an idle stream open through proxies and tells a listener the server is alive.
const eventsPing = 15 * time.Second

// changeFeed tells the emulator's listeners what changed. A listener that falls behind loses
// nothing: its pending topics are a set, so a burst of changes becomes one event per topic.
type changeFeed struct {
	mu        sync.Mutex
	listeners map[*changeListener]struct{}
	closed    chan struct{} // closed by close: every stream ends (server shutdown)
	closeOnce sync.Once
}

type changeListener struct {
	pending map[string]bool // guarded by the feed's mu
	wake    chan struct{}   // one buffered signal: "pending has something"
}

func newChangeFeed() *changeFeed {
	return &changeFeed{listeners: map[*changeListener]struct{}{}, closed: make(chan struct{})}
}

func (f *changeFeed) publish(topics ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for l := range f.listeners {
		for _, t := range topics {
			l.pending[t] = true
		}
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

func (f *changeFeed) listen() *changeListener {
	l := &changeListener{pending: map[string]bool{}, wake: make(chan struct{}, 1)}
	f.mu.Lock()
	f.listeners[l] = struct{}{}
	f.mu.Unlock()
	return l
}

func (f *changeFeed) forget(l *changeListener) {
	f.mu.Lock()
	delete(f.listeners, l)
	f.mu.Unlock()
}

// take empties a listener's pending topics, sorted.
func (f *changeFeed) take(l *changeListener) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	topics := slices.Sorted(maps.Keys(l.pending))
	clear(l.pending)
	return topics
}

func (f *changeFeed) close() { f.closeOnce.Do(func() { close(f.closed) }) }

// emulatorEvents is GET /emulator/events: server-sent events, one `change` event per topic that
// changed (data: {"topic":"connections"}), after a first `ready` event. It is read with fetch
// (the page sends the secret key in the Authorization header, which EventSource cannot).
func (a *API) emulatorEvents(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the listener's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	l := a.changes.listen()
	defer a.changes.forget(l)
	ping := time.NewTicker(eventsPing)
	defer ping.Stop()
	send := func(format string, args ...any) bool {
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	ready, _ := json.Marshal(map[string][]string{"topics": allTopics})
	if !send("event: ready\ndata: %s\n\n", ready) {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-a.changes.closed:
			return
		case <-ping.C:
			if !send(": ping\n\n") {
				return
			}
		case <-l.wake:
			for _, topic := range a.changes.take(l) {
				if !send("event: change\ndata: {\"topic\":%q}\n\n", topic) {
					return
				}
			}
		}
	}
}

// EndEventStreams ends every GET /emulator/events stream, so a graceful shutdown need not wait
// for the page to go away.
func (a *API) EndEventStreams() { a.changes.close() }

// observedStore announces every change of sessions and connections on the change feed, so no
// handler has to remember to.
type observedStore struct {
	store.Store
	changes *changeFeed
}

func (s observedStore) PutSession(token string, sess *store.Session, now time.Time) error {
	defer s.changes.publish(topicSessions)
	return s.Store.PutSession(token, sess, now)
}

func (s observedStore) DeleteSession(token string) error {
	defer s.changes.publish(topicSessions)
	return s.Store.DeleteSession(token)
}

func (s observedStore) UpsertConnection(c *store.Connection, now time.Time) (*store.Connection, bool, error) {
	defer s.changes.publish(topicConnections)
	return s.Store.UpsertConnection(c, now)
}

func (s observedStore) FetchConnection(key, id string, now time.Time) (*store.Connection, bool, error) {
	defer s.changes.publish(topicConnections) // its last_fetched_at changed
	return s.Store.FetchConnection(key, id, now)
}

func (s observedStore) DeleteConnection(key, id string) (bool, error) {
	defer s.changes.publish(topicConnections)
	return s.Store.DeleteConnection(key, id)
}

func (s observedStore) Replace(snap *store.Snapshot) error {
	defer s.changes.publish(topicConnections, topicSessions)
	return s.Store.Replace(snap)
}
