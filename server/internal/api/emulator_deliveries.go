package api

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// deliveryObserver is all the webhook queue tells the emulator, and all it asks of it: the
// queue's internals may change without the emulator noticing.
type deliveryObserver interface {
	// queued records a webhook taken for delivery and returns its id.
	queued(url string, body []byte) string
	// sending is asked before each attempt; false means the delivery was cleared (an emulator
	// reset) and must be dropped unsent.
	sending(id string) bool
	// attempted records an attempt's outcome: HTTP status (0 when none came back) or error, and
	// when the next attempt is due (zero when none follows).
	attempted(id string, status int, err error, retryAt time.Time)
	// dropped records a delivery given up before its attempts ran out (full queue, shutdown).
	dropped(id, reason string)
}

// Delivery statuses, as GET /emulator/webhooks shows them.
const (
	deliveryQueued    = "queued"
	deliverySending   = "sending"
	deliveryRetrying  = "retrying" // next_retry_at says when
	deliveryDelivered = "delivered"
	deliveryFailed    = "failed"  // out of attempts
	deliveryDropped   = "dropped" // see last_error
)

// deliveryLogSize bounds the log: the oldest deliveries go first.
const deliveryLogSize = 500

// webhookDelivery is one webhook and what became of it.
type webhookDelivery struct {
	ID                string     `json:"id"`
	URL               string     `json:"url"` // without its query, which may hold a token
	Type              string     `json:"type"`
	Operation         string     `json:"operation,omitempty"`
	Success           *bool      `json:"success,omitempty"`
	ProviderConfigKey string     `json:"provider_config_key,omitempty"`
	ConnectionID      string     `json:"connection_id,omitempty"`
	Status            string     `json:"status"`
	Attempts          int        `json:"attempts"`
	LastStatus        int        `json:"last_status,omitempty"` // the receiver's last HTTP status
	LastError         string     `json:"last_error,omitempty"`
	NextRetryAt       *time.Time `json:"next_retry_at"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// deliveryLog keeps the recent deliveries for the emulator and announces each change.
type deliveryLog struct {
	mu      sync.Mutex
	list    []*webhookDelivery // oldest first
	byID    map[string]*webhookDelivery
	lastID  int
	now     func() time.Time
	changed func()
}

func newDeliveryLog(now func() time.Time, changed func()) *deliveryLog {
	return &deliveryLog{byID: map[string]*webhookDelivery{}, now: now, changed: changed}
}

func (l *deliveryLog) queued(url string, body []byte) string {
	var head struct {
		Type, Operation, ConnectionID, ProviderConfigKey string
		Success                                          *bool
	}
	_ = json.Unmarshal(body, &head) // a body the log cannot read is still delivered
	l.mu.Lock()
	l.lastID++
	now := l.now()
	d := &webhookDelivery{
		ID: "whd_" + strconv.Itoa(l.lastID), URL: web.SafeURL(url), Type: head.Type, Operation: head.Operation,
		Success: head.Success, ProviderConfigKey: head.ProviderConfigKey, ConnectionID: head.ConnectionID,
		Status: deliveryQueued, CreatedAt: now, UpdatedAt: now,
	}
	l.list = append(l.list, d)
	l.byID[d.ID] = d
	if len(l.list) > deliveryLogSize {
		delete(l.byID, l.list[0].ID)
		l.list = l.list[1:]
	}
	l.mu.Unlock()
	l.changed()
	return d.ID
}

// update changes a delivery still in the log; it tells whether the delivery was there.
func (l *deliveryLog) update(id string, change func(*webhookDelivery)) bool {
	l.mu.Lock()
	d, ok := l.byID[id]
	if ok {
		change(d)
		d.UpdatedAt = l.now()
	}
	l.mu.Unlock()
	if ok {
		l.changed()
	}
	return ok
}

func (l *deliveryLog) sending(id string) bool {
	return l.update(id, func(d *webhookDelivery) {
		d.Status, d.NextRetryAt = deliverySending, nil
	})
}

func (l *deliveryLog) attempted(id string, status int, err error, retryAt time.Time) {
	l.update(id, func(d *webhookDelivery) {
		d.Attempts++
		d.LastStatus, d.LastError = status, ""
		if err != nil {
			d.LastError = err.Error()
		} else if status/100 != 2 {
			d.LastError = "HTTP " + strconv.Itoa(status)
		}
		switch {
		case err == nil && status/100 == 2:
			d.Status = deliveryDelivered
		case retryAt.IsZero():
			d.Status = deliveryFailed
		default:
			d.Status, d.NextRetryAt = deliveryRetrying, &retryAt
		}
	})
}

func (l *deliveryLog) dropped(id, reason string) {
	l.update(id, func(d *webhookDelivery) {
		d.Status, d.LastError, d.NextRetryAt = deliveryDropped, reason, nil
	})
}

// snapshot copies the log, newest first.
func (l *deliveryLog) snapshot() []webhookDelivery {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]webhookDelivery, 0, len(l.list))
	for i := len(l.list) - 1; i >= 0; i-- {
		out = append(out, *l.list[i])
	}
	return out
}

// clear forgets every delivery: the ones not yet sent are then dropped by the queue.
func (l *deliveryLog) clear() {
	l.mu.Lock()
	l.list, l.byID = nil, map[string]*webhookDelivery{}
	l.mu.Unlock()
	l.changed()
}
