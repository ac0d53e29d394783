//go:build js && wasm

package browser

import (
	"runtime"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// closeDelayMS: after a flow settles, the popup is closed this much later, as the anchor's
// clear() does, so the callback page can still post to a Connect UI.
const closeDelayMS = 500

// pollMS is how often the popup's `closed` is read, as in the anchor.
const pollMS = 500

// Pending is an auth() call in progress; it always settles.
type Pending struct{ r *runner }

// Done is closed when the flow settles.
func (p *Pending) Done() <-chan struct{} { return p.r.done }

// Wait blocks until the flow settles, which it always does (at the latest when its timeout
// elapses), and returns the result or an *auth.AuthError. Call it from a goroutine, never from a
// JavaScript callback. (It takes no context.Context on purpose: package context pulls package
// time into the wasm binary, about 25 KB compressed; select on Done to wait for less.)
func (p *Pending) Wait() (auth.Result, error) {
	<-p.r.done
	return p.r.outcome()
}

// OnSettle calls fn once, in the JavaScript task in which the flow settles (at once when it
// already has), so a Promise can be settled without a goroutine hop.
func (p *Pending) OnSettle(fn func(auth.Result, error)) {
	select {
	case <-p.r.done:
		fn(p.r.outcome())
	default:
		p.r.settled = append(p.r.settled, fn)
	}
}

// Abort aborts the flow (type aborted). It may be called from any goroutine: the event is handed
// to the JavaScript event loop, where the flow runs.
func (p *Pending) Abort(reason string) {
	if _, err := after(0, func() { p.r.dispatch(auth.AbortSignaled{Reason: reason}) }, nil); err != nil {
		p.r.dispatch(auth.AbortSignaled{Reason: reason})
	}
}

func settledPending(err *auth.AuthError) *Pending {
	r := &runner{done: make(chan struct{}), err: err}
	close(r.done)
	return &Pending{r: r}
}

// runner drives one auth.Flow. Every event is handled in the JavaScript task that brought it
// (a message, a socket frame, a timer): the flow decides without blocking and the runner acts at
// once, as @nangohq/frontend does. Handing events to a goroutine instead cost a round trip
// through the Go scheduler at each step (about 3 ms on a flow of 80, measured by make bench).
// JavaScript runs one task at a time, so the flow has one owner: the task at hand.
type runner struct {
	c          *Client
	flow       *auth.Flow
	call       auth.AuthCall
	popup      safejs.Value
	connectURL string
	done       chan struct{}
	result     auth.Result
	err        error
	settled    []func(auth.Result, error)

	// queue and busy make dispatch re-entrant: a JavaScript call made while handling an event
	// may run a callback that dispatches again; that event waits for the current one.
	queue []auth.Event
	busy  bool

	stops  []func()
	grace  *timer
	ack    *timer // auto mode: gives up waiting for connection_ack
	socket *socket
}

func newRunner(c *Client, call auth.AuthCall, popup safejs.Value, connectURL, nonce string) *runner {
	return &runner{
		c:    c,
		call: call,
		flow: auth.NewFlow(auth.FlowConfig{
			HostOrigin:        c.opts.HostOrigin,
			ProviderConfigKey: call.ProviderConfigKey,
			ConnectionID:      call.ConnectionID,
			Transport:         call.Transport,
			DetectClosed:      call.DetectClosed,
			TimeoutMS:         call.TimeoutMS,
			Nonce:             nonce,
		}),
		popup:      popup,
		connectURL: connectURL,
		done:       make(chan struct{}),
	}
}

func (r *runner) outcome() (auth.Result, error) {
	if r.err != nil {
		return auth.Result{}, r.err
	}
	return r.result, nil
}

// dispatch handles an event now. Events after the flow has finished are dropped.
func (r *runner) dispatch(ev auth.Event) {
	r.queue = append(r.queue, ev)
	if r.busy {
		return
	}
	r.busy = true
	defer func() { r.busy = false }()
	for len(r.queue) > 0 && !r.flow.Done() {
		ev := r.queue[0]
		r.queue = r.queue[1:]
		switch ev.(type) {
		case auth.SocketReady, auth.SocketDown:
			r.ack.Stop() // the socket has answered one way or the other
		}
		step := r.flow.Handle(ev)
		r.apply(step)
		if step.Settled {
			r.finish(step)
		}
	}
	r.queue = nil
}

func (r *runner) crashed(err error) { r.dispatch(auth.Crashed{Reason: err.Error()}) }

// start opens the WebSocket first, so Nango's connection_ack is on its way while the rest is
// wired, then takes the first step (in postMessage mode: navigate the popup), all before the
// click handler returns.
func (r *runner) start(signal safejs.Value) {
	activeFlows++
	var socketErr error
	if r.call.Transport != auth.TransportPostMessage {
		socketErr = r.openSocket()
	}
	wireErr := r.wire(signal)
	r.dispatch(auth.Started{})
	if socketErr != nil {
		r.dispatch(auth.SocketDown{Reason: socketErr.Error()})
	}
	if wireErr != nil {
		r.crashed(wireErr)
	}
}

func (r *runner) wire(signal safejs.Value) error {
	hostOrigin := r.c.opts.HostOrigin
	stop, err := listen(global("window"), "message", func(ev safejs.Value) {
		src, _ := ev.Get("source")
		o, _ := ev.Get("origin")
		origin, _ := o.String()
		msg := auth.PostMessage{Origin: origin, FromPopup: src.Equal(r.popup)}
		if ok, _ := auth.Trusted(origin, hostOrigin, msg.FromPopup); ok {
			data, _ := ev.Get("data")
			msg.Data = ToGo(data) // only trusted data is worth converting
		}
		r.dispatch(msg)
	}, r.crashed)
	if err != nil {
		return err
	}
	r.stops = append(r.stops, stop)

	poll, err := every(pollMS, func() {
		if popupClosed(r.popup) {
			r.dispatch(auth.PopupClosed{})
		}
	}, r.crashed)
	if err != nil {
		return err
	}
	r.stops = append(r.stops, poll.Stop)

	deadline, err := after(r.call.TimeoutMS, func() { r.dispatch(auth.TimedOut{}) }, r.crashed)
	if err != nil {
		return err
	}
	r.stops = append(r.stops, deadline.Stop)

	if signal.Type() == safejs.TypeObject {
		stop, err := listen(signal, "abort", func(safejs.Value) {
			r.dispatch(auth.AbortSignaled{Reason: abortReason(signal)})
		}, r.crashed)
		if err != nil {
			return err
		}
		r.stops = append(r.stops, stop)
	}
	return nil
}

// openSocket opens the flow's WebSocket; in auto mode it also gives the server SocketAckMS to
// acknowledge before the popup goes on without the socket.
func (r *runner) openSocket() error {
	if err := r.connectSocket(r.c.opts.WebsocketsURL); err != nil {
		return err
	}
	if r.call.Transport == auth.TransportAuto {
		ack, err := after(auth.SocketAckMS, func() {
			r.dispatch(auth.SocketDown{Reason: "no connection_ack within " + auth.FormatNumber(auth.SocketAckMS) + " ms"})
		}, r.crashed)
		if err != nil {
			return err
		}
		r.ack = ack
	}
	return nil
}

func (r *runner) connectSocket(url string) error {
	s, err := openSocket(url, func(data any) {
		if m, ok := auth.DecodeSocketMessage(data); ok && m.ClientID != "" {
			r.dispatch(auth.SocketReady{ClientID: m.ClientID})
			return
		}
		r.dispatch(auth.SocketFrame{Data: data})
	}, func(reason string) {
		r.dispatch(auth.SocketDown{Reason: reason})
	}, r.crashed)
	if err != nil {
		return err
	}
	r.socket = s
	return nil
}

// resumeSocket reopens the socket asking the server for the same ws_client_id, so a result
// published while the socket was gone still arrives (docs/wire.md).
func (r *runner) resumeSocket(clientID string) {
	url, err := withQueryParam(r.c.opts.WebsocketsURL, "ws_client_id", clientID)
	if err == nil {
		err = r.connectSocket(url)
	}
	if err != nil {
		r.dispatch(auth.SocketDown{Reason: err.Error()})
	}
}

func (r *runner) apply(s auth.Step) {
	if s.Log != "" {
		r.c.debugf(s.Log)
	}
	if s.Navigate {
		href := r.connectURL
		if s.ClientID != "" {
			if h, err := withQueryParam(href, "ws_client_id", s.ClientID); err == nil {
				href = h
			}
		}
		r.c.debugf("opening " + auth.RedactQuery(href))
		if err := navigatePopup(r.popup, href); err != nil {
			r.queue = append(r.queue, auth.Crashed{Reason: "could not navigate the authorization window: " + err.Error()})
		}
	}
	if s.Ack {
		ack, err := newObject("type", auth.MsgCallbackAck)
		if err == nil {
			_, _ = r.popup.Call("postMessage", ack, r.c.opts.HostOrigin)
		}
	}
	if s.CloseSocket || s.ResumeAfterMS > 0 {
		r.socket.Close()
		r.socket = nil
	}
	if s.ResumeAfterMS > 0 {
		id := s.ClientID
		t, err := after(float64(s.ResumeAfterMS), func() { r.resumeSocket(id) }, r.crashed)
		if err != nil {
			r.queue = append(r.queue, auth.Crashed{Reason: err.Error()})
		} else {
			r.stops = append(r.stops, t.Stop)
		}
	}
	if s.StartGraceMS > 0 {
		r.grace.Stop()
		g, err := after(float64(s.StartGraceMS), func() { r.dispatch(auth.GraceOver{}) }, r.crashed)
		if err != nil {
			r.queue = append(r.queue, auth.Crashed{Reason: err.Error()})
		}
		r.grace = g
	}
}

// finish records and reports the outcome, releases every listener, timer and socket, and
// schedules the popup's close, as the anchor's clear() does. The outcome goes first: the app's
// promise handlers run once this task ends whatever the order, but the result is on its way
// before any clean-up can fail.
func (r *runner) finish(s auth.Step) {
	if s.Err != nil {
		r.err = s.Err
	} else {
		r.result = s.Result
	}
	r.c.release(r)
	activeFlows--
	if activeFlows == 0 && collectWanted {
		collectSoon()
	}
	close(r.done)
	for _, fn := range r.settled {
		fn(r.outcome())
	}
	r.settled = nil
	for _, stop := range r.stops {
		stop()
	}
	r.stops = nil
	r.grace.Stop()
	r.ack.Stop()
	r.socket.Close()
	r.socket = nil
	popup := r.popup
	r.popup = safejs.Undefined()
	if popupClosed(popup) {
		collectSoon()
		return
	}
	if _, err := after(closeDelayMS, func() { closePopup(popup); collectSoon() }, nil); err != nil {
		closePopup(popup)
	}
}

// collectSoon runs Go's collector once a flow is over, when the page is idle. The JavaScript
// objects a flow held (the popup window above all, ~185 KB once closed) stay reachable from the
// page until Go finalizes the js.Values that referenced them, and Go collects rarely on its small
// heap: without this, a page that starts many flows saw its JS heap saw-tooth by tens of MB
// (make bench). A collection blocks the page (and a popup of the same site, which shares its
// thread) for a few milliseconds, so it waits for an idle moment
// (https://developer.mozilla.org/docs/Web/API/Window/requestIdleCallback) with no flow running:
// while one runs, the wish is kept and the last flow to finish schedules it. Several finished
// flows share one collection.
func collectSoon() {
	if activeFlows > 0 {
		collectWanted = true
		return
	}
	if collectPending {
		return
	}
	collectWanted, collectPending = false, true
	var cb *callback
	cb, err := newCallback(func(safejs.Value, []safejs.Value) any {
		cb.Release()
		collectPending = false
		if activeFlows > 0 {
			collectWanted = true // a flow started meanwhile: it will ask again when it ends
			return nil
		}
		runtime.GC()
		return nil
	}, nil)
	if err != nil {
		collectPending = false
		return
	}
	idle := global("requestIdleCallback")
	if idle.Type() == safejs.TypeFunction {
		opts, _ := newObject("timeout", 5000)
		if _, err := idle.Invoke(cb.Value(), opts); err == nil {
			return
		}
	}
	if _, err := global("setTimeout").Invoke(cb.Value(), 1000); err != nil {
		cb.Release()
		collectPending = false
	}
}

var (
	collectPending bool
	collectWanted  bool // a collection was asked for while a flow was running
	activeFlows    int  // flows started and not finished
)
