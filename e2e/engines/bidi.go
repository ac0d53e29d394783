package engines

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// bidi is a client of WebDriver BiDi (W3C), for the few commands and events the scenarios need:
// JSON commands over a WebSocket, answered by id, and events. No maintained Go client exists (see the
// package documentation); github.com/coder/websocket carries the messages.
type bidi struct {
	ws *websocket.Conn

	mu           sync.Mutex
	nextID       int // of commands
	pending      map[int]chan bidiMessage
	nextListener int
	listeners    map[int]func(method string, params json.RawMessage)
	err          error // why the connection ended
	done         chan struct{}
}

// bidiMessage is a command's answer, an error, or an event (W3C WebDriver BiDi §6).
type bidiMessage struct {
	Type    string          `json:"type"` // success, error or event
	ID      *int            `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

func dialBiDi(ctx context.Context, url string) (*bidi, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("bidi: dial %s: %w", url, err)
	}
	ws.SetReadLimit(1 << 24)
	c := &bidi{ws: ws, pending: map[int]chan bidiMessage{}, listeners: map[int]func(string, json.RawMessage){}, done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *bidi) read() {
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			close(c.done)
			return
		}
		var m bidiMessage
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		c.mu.Lock()
		if m.Type == "event" {
			for _, fn := range c.listeners {
				fn(m.Method, m.Params)
			}
		} else if m.ID != nil {
			if ch, ok := c.pending[*m.ID]; ok {
				ch <- m
				delete(c.pending, *m.ID)
			}
		}
		c.mu.Unlock()
	}
}

// call sends a command and decodes its result into out.
func (c *bidi) call(ctx context.Context, method string, params, out any) error {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	answer := make(chan bidiMessage, 1)
	c.pending[id] = answer
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()
	b, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		return fmt.Errorf("bidi: %s: %w", method, err)
	}
	started := time.Now()
	select {
	case m := <-answer:
		debugf("bidi %s %s: %s %s", method, time.Since(started).Round(time.Millisecond), m.Type, m.Result)
		if m.Type == "error" {
			return fmt.Errorf("bidi: %s: %s: %s", method, m.Error, m.Message)
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(m.Result, out)
	case <-c.done:
		return fmt.Errorf("bidi: %s: the connection ended: %w", method, c.err)
	case <-ctx.Done():
		return fmt.Errorf("bidi: %s: %w", method, ctx.Err())
	}
}

// listen calls fn with every event until the returned function is called. fn runs on the
// reading goroutine and must not block.
func (c *bidi) listen(fn func(method string, params json.RawMessage)) (stop func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextListener++
	id := c.nextListener
	c.listeners[id] = fn
	return func() {
		c.mu.Lock()
		delete(c.listeners, id)
		c.mu.Unlock()
	}
}

func (c *bidi) close() error {
	return c.ws.Close(websocket.StatusNormalClosure, "")
}
