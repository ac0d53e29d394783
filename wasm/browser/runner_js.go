//go:build js && wasm

package browser

import (
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
	if p.r.err != nil {
		return auth.Result{}, p.r.err
	}
	return p.r.result, nil
}

// Abort aborts the flow (type aborted).
func (p *Pending) Abort(reason string) { p.r.send(auth.AbortSignaled{Reason: reason}) }

func settledPending(err *auth.AuthError) *Pending {
	r := &runner{done: make(chan struct{}), err: err}
	close(r.done)
	return &Pending{r: r}
}

// runner drives one auth.Flow. Browser callbacks only convert what happened into an
// auth.Event and send it; the runner's goroutine alone owns the flow and the JS resources.
type runner struct {
	c          *Client
	flow       *auth.Flow
	call       auth.AuthCall
	popup      safejs.Value
	connectURL string
	events     chan auth.Event
	resume     chan string // a ws_client_id to reopen the socket with, when its timer fires
	done       chan struct{}
	result     auth.Result
	err        error

	stops  []func()
	grace  *timer
	ack    *timer // auto mode: gives up waiting for connection_ack
	socket *socket
}

func newRunner(c *Client, call auth.AuthCall, popup safejs.Value, connectURL string) *runner {
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
		}),
		popup:      popup,
		connectURL: connectURL,
		events:     make(chan auth.Event, 32),
		resume:     make(chan string, 1),
		done:       make(chan struct{}),
	}
}

// send hands an event to the runner without ever blocking a callback. Events after the flow
// has finished are dropped.
func (r *runner) send(ev auth.Event) {
	select {
	case <-r.done:
		return
	default:
	}
	select {
	case r.events <- ev:
	default:
		logError("nango: flow event queue full; dropped an event")
	}
}

func (r *runner) crashed(err error) { r.send(auth.Crashed{Reason: err.Error()}) }

// start wires the event sources, takes the first step synchronously (so the popup is navigated
// before the click handler returns) and starts the runner's goroutine.
func (r *runner) start(signal safejs.Value) {
	if err := r.wire(signal); err != nil {
		r.send(auth.Crashed{Reason: err.Error()})
	}
	r.apply(r.flow.Handle(auth.Started{}))
	go r.loop()
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
		r.send(msg)
	}, r.crashed)
	if err != nil {
		return err
	}
	r.stops = append(r.stops, stop)

	poll, err := every(pollMS, func() {
		if popupClosed(r.popup) {
			r.send(auth.PopupClosed{})
		}
	}, r.crashed)
	if err != nil {
		return err
	}
	r.stops = append(r.stops, poll.Stop)

	deadline, err := after(r.call.TimeoutMS, func() { r.send(auth.TimedOut{}) }, r.crashed)
	if err != nil {
		return err
	}
	r.stops = append(r.stops, deadline.Stop)

	if signal.Type() == safejs.TypeObject {
		stop, err := listen(signal, "abort", func(safejs.Value) {
			r.send(auth.AbortSignaled{Reason: abortReason(signal)})
		}, r.crashed)
		if err != nil {
			return err
		}
		r.stops = append(r.stops, stop)
	}

	if r.call.Transport != auth.TransportPostMessage {
		return r.openSocket()
	}
	return nil
}

// openSocket opens the flow's WebSocket; in auto mode it also gives the server SocketAckMS to
// acknowledge before the popup goes on without the socket.
func (r *runner) openSocket() error {
	if err := r.connectSocket(r.c.opts.WebsocketsURL); err != nil {
		r.send(auth.SocketDown{Reason: err.Error()})
		return nil
	}
	if r.call.Transport == auth.TransportAuto {
		ack, err := after(auth.SocketAckMS, func() {
			r.send(auth.SocketDown{Reason: "no connection_ack within " + auth.FormatNumber(auth.SocketAckMS) + " ms"})
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
			r.send(auth.SocketReady{ClientID: m.ClientID})
			return
		}
		r.send(auth.SocketFrame{Data: data})
	}, func(reason string) {
		r.send(auth.SocketDown{Reason: reason})
	}, r.crashed)
	if err != nil {
		return err
	}
	r.socket = s
	return nil
}

func (r *runner) loop() {
	for {
		var ev auth.Event
		select {
		case ev = <-r.events:
		case id := <-r.resume:
			r.resumeSocket(id)
			continue
		}
		switch ev.(type) {
		case auth.SocketReady, auth.SocketDown:
			r.ack.Stop() // the socket has answered one way or the other
		}
		step := r.flow.Handle(ev)
		r.apply(step)
		if step.Settled {
			r.finish(step)
			return
		}
	}
}

// resumeSocket reopens the socket asking the server for the same ws_client_id, so a result
// published while the socket was gone still arrives (docs/wire.md).
func (r *runner) resumeSocket(clientID string) {
	url, err := withQueryParam(r.c.opts.WebsocketsURL, "ws_client_id", clientID)
	if err == nil {
		err = r.connectSocket(url)
	}
	if err != nil {
		r.send(auth.SocketDown{Reason: err.Error()})
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
			r.send(auth.Crashed{Reason: "could not navigate the authorization window: " + err.Error()})
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
		t, err := after(float64(s.ResumeAfterMS), func() {
			select {
			case r.resume <- id:
			default:
			}
		}, r.crashed)
		if err != nil {
			r.send(auth.Crashed{Reason: err.Error()})
		}
		r.stops = append(r.stops, t.Stop)
	}
	if s.StartGraceMS > 0 {
		r.grace.Stop()
		g, err := after(float64(s.StartGraceMS), func() { r.send(auth.GraceOver{}) }, r.crashed)
		if err != nil {
			r.send(auth.Crashed{Reason: err.Error()})
		}
		r.grace = g
	}
}

// finish releases every listener, timer and socket, records the outcome and schedules the
// popup's close, as the anchor's clear() does.
func (r *runner) finish(s auth.Step) {
	for _, stop := range r.stops {
		stop()
	}
	r.stops = nil
	r.grace.Stop()
	r.ack.Stop()
	r.socket.Close()
	if s.Err != nil {
		r.err = s.Err
	} else {
		r.result = s.Result
	}
	r.c.release(r)
	popup := r.popup
	if _, err := after(closeDelayMS, func() { closePopup(popup) }, nil); err != nil {
		closePopup(popup)
	}
	close(r.done)
}
