package auth

// Grace periods, in milliseconds. The browser layer runs the timers; the Flow only asks for them.
const (
	// ClosedGraceMS: after the popup reads as closed, how long a result may still arrive
	// before window_closed. The callback page posts before it closes, so a short wait suffices.
	ClosedGraceMS = 1000
	// ClosedGraceSocketMS: the same while a WebSocket is live. A popup can read as closed while
	// it is still open (a provider page with Cross-Origin-Opener-Policy cuts the link), and the
	// result then only comes over the socket.
	ClosedGraceSocketMS = 3000
	// SettleGraceMS: how long a result that arrived by postMessage waits for the WebSocket's
	// version of it when the postMessage one lacks detail (Nango's own page sends no ids and a
	// generic error type).
	SettleGraceMS = 1500
	// SocketAckMS: in auto mode, how long to wait for the socket's connection_ack before the
	// popup is navigated without it and the flow goes on with postMessage alone.
	SocketAckMS = 1500
	// SocketRetries: how many times a socket lost mid-flow is reopened to resume with its
	// ws_client_id (docs/wire.md), after 0.5 s, 1 s and 2 s.
	SocketRetries = 3
)

// FlowConfig describes one popup auth() call.
type FlowConfig struct {
	HostOrigin        string
	ProviderConfigKey string
	ConnectionID      string
	Transport         Transport
	DetectClosed      bool
	TimeoutMS         float64
	// Nonce is the per-call value sent with the popup's first navigation (NonceParam); a
	// server that knows it echoes it in every message of the flow.
	Nonce string
}

// Flow is the state machine of one popup auth() call. The browser layer feeds it Events from a
// single goroutine and carries out the returned Steps; the Flow never blocks, sleeps or reads a
// clock, so every transition is tested natively.
type Flow struct {
	cfg        FlowConfig
	navigated  bool
	clientID   string // the ws_client_id the popup was sent with
	retries    int
	socketLive bool
	resuming   bool // the socket is down and a resume is scheduled
	graceFor   graceKind
	held       *Outcome // a postMessage outcome waiting for the socket's fuller version
	done       bool
}

type graceKind int

const (
	noGrace graceKind = iota
	closedGrace
	heldGrace
	// unverifiedGrace: the popup reported a success without this call's nonce; only the
	// WebSocket can still deliver a result that is provably this call's.
	unverifiedGrace
)

// Event is something that happened to a flow.
type Event interface{ event() }

// Events.
type (
	// Started: the popup is open. Sent once, first.
	Started struct{}
	// PostMessage: a window message event, already converted.
	PostMessage struct {
		Origin    string
		FromPopup bool
		Data      any
	}
	// SocketReady: the WebSocket sent connection_ack.
	SocketReady struct{ ClientID string }
	// SocketFrame: a later WebSocket frame, already parsed.
	SocketFrame struct{ Data any }
	// SocketDown: the socket failed to connect in time, or closed.
	SocketDown struct{ Reason string }
	// PopupClosed: the popup reads as closed.
	PopupClosed struct{}
	// GraceOver: the grace timer the flow asked for has fired.
	GraceOver struct{}
	// TimedOut: the timeout option elapsed.
	TimedOut struct{}
	// AbortSignaled: the signal fired; Reason is its reason, as text.
	AbortSignaled struct{ Reason string }
	// Replaced: a newer auth() on the same client started.
	Replaced struct{}
	// Cleared: clear() was called.
	Cleared struct{}
	// Crashed: the browser layer hit a bug (a recovered panic); the flow fails instead of hanging.
	Crashed struct{ Reason string }
)

func (Started) event()       {}
func (PostMessage) event()   {}
func (SocketReady) event()   {}
func (SocketFrame) event()   {}
func (SocketDown) event()    {}
func (PopupClosed) event()   {}
func (GraceOver) event()     {}
func (TimedOut) event()      {}
func (AbortSignaled) event() {}
func (Replaced) event()      {}
func (Cleared) event()       {}
func (Crashed) event()       {}

// Step is what the browser layer must do after an event.
type Step struct {
	// Navigate the popup to the connect URL, with ws_client_id=ClientID when it is set.
	Navigate bool
	ClientID string
	// Ack tells the callback page its message arrived (it then closes itself).
	Ack bool
	// StartGraceMS > 0 (re)starts the grace timer.
	StartGraceMS int
	// ResumeAfterMS > 0: reopen the WebSocket after that delay, asking to resume ClientID.
	ResumeAfterMS int
	// CloseSocket: the socket is of no use any more (the server would not resume it).
	CloseSocket bool
	// Settled: the flow is over; exactly one of Result and Err is set.
	Settled bool
	Result  Result
	Err     *AuthError
	// Log is a line for the debug log.
	Log string
}

// NewFlow returns a flow waiting for Started.
func NewFlow(cfg FlowConfig) *Flow { return &Flow{cfg: cfg} }

// Done reports whether the flow has settled.
func (f *Flow) Done() bool { return f.done }

// Handle advances the flow. Events after settlement are ignored.
func (f *Flow) Handle(ev Event) Step {
	if f.done {
		return Step{}
	}
	switch ev := ev.(type) {
	case Started:
		if f.cfg.Transport == TransportPostMessage {
			return f.navigate("", "opening the authorization window")
		}
		return Step{Log: "waiting for the WebSocket's connection_ack"}
	case SocketReady:
		if !f.navigated {
			f.socketLive = true
			f.clientID = ev.ClientID
			return f.navigate(ev.ClientID, "Connection ack received. Opening modal...")
		}
		if ev.ClientID == f.clientID {
			f.socketLive, f.resuming, f.retries = true, false, 0
			return Step{Log: "WebSocket resumed"}
		}
		// The server gave a new id: it does not know ours any more (or never resumes, as
		// Nango's does not), so a result for our id can no longer come this way.
		s := f.socketLost("the server did not resume the WebSocket")
		s.CloseSocket = true
		return s
	case SocketDown:
		return f.socketDown(ev.Reason)
	case SocketFrame:
		msg, ok := DecodeSocketMessage(ev.Data)
		if !ok || msg.Outcome == nil {
			return Step{Log: "Unknown message type received from Nango server. Ignoring..."}
		}
		if why := f.foreign(*msg.Outcome); why != "" {
			return Step{Log: why + " on the WebSocket"}
		}
		s := f.outcome(*msg.Outcome, false)
		if s.Settled && s.Err == nil {
			s.Log = "Success received. Resolving authorization..."
		} else if s.Settled {
			s.Log = "Error received. Rejecting authorization..."
		}
		return s
	case PostMessage:
		if f.cfg.Transport == TransportWebSocket {
			return Step{}
		}
		if ok, why := Trusted(ev.Origin, f.cfg.HostOrigin, ev.FromPopup); !ok {
			return Step{Log: why}
		}
		out, ok := DecodeCallbackMessage(ev.Data)
		if !ok {
			return Step{Log: "ignored a message of unknown shape from the authorization window"}
		}
		if why := f.foreign(out); why != "" {
			return Step{Log: why + " from the authorization window"}
		}
		s := f.outcome(out, true)
		s.Ack = true
		return s
	case PopupClosed:
		return f.popupClosed()
	case GraceOver:
		switch f.graceFor {
		case closedGrace:
			f.graceFor = noGrace
			if f.cfg.DetectClosed {
				return f.fail(NewError(WindowClosed, msgWindowClosed))
			}
			if !f.socketLive {
				return f.fail(NewError(WindowClosed, msgWindowUnreachable))
			}
			return Step{Log: "the WebSocket is back; waiting for its result"}
		case heldGrace:
			return f.settleHeld()
		case unverifiedGrace:
			return f.fail(NewError(UnverifiedResult, msgUnverifiedResult))
		}
		return Step{}
	case TimedOut:
		return f.fail(NewError(Timeout, "The authorization did not complete within "+FormatNumber(f.cfg.TimeoutMS)+" ms (the timeout option of auth())"))
	case AbortSignaled:
		msg := "The authorization was aborted"
		if ev.Reason != "" {
			msg += ": " + ev.Reason
		}
		return f.fail(NewError(Aborted, msg))
	case Replaced:
		return f.fail(NewError(Superseded, "A newer auth() call on this Nango instance replaced this one before it completed"))
	case Cleared:
		return f.fail(NewError(Aborted, "nango.clear() was called before the authorization completed"))
	case Crashed:
		return f.fail(NewError(UnknownError, "nango-wasm internal error: "+ev.Reason))
	}
	return Step{}
}

// popupClosed: with detectClosedAuthWindow, a closed popup fails the flow after a grace
// period, as in the anchor. Without it the anchor ignores the popup, because a page with
// Cross-Origin-Opener-Policy makes an open popup read as closed and the result still comes over
// the WebSocket. When no WebSocket is live, though, a popup that reads as closed (really closed,
// or cut off by COOP) can no longer deliver anything, so waiting on would only end in the
// timeout: the flow fails after the same grace period.
func (f *Flow) popupClosed() Step {
	if f.graceFor != noGrace {
		return Step{} // already waiting: a closed grace, or a held result's own grace
	}
	if !f.cfg.DetectClosed && f.socketLive {
		return Step{}
	}
	f.graceFor = closedGrace
	if f.socketLive {
		return Step{StartGraceMS: ClosedGraceSocketMS, Log: "the authorization window reads as closed; waiting for a result on the WebSocket"}
	}
	return Step{StartGraceMS: ClosedGraceMS, Log: "the authorization window reads as closed"}
}

func (f *Flow) navigate(clientID, log string) Step {
	f.navigated = true
	return Step{Navigate: true, ClientID: clientID, Log: log}
}

func (f *Flow) socketDown(reason string) Step {
	wasLive := f.socketLive
	f.socketLive = false
	if !f.navigated {
		if f.cfg.Transport == TransportWebSocket {
			return f.fail(socketFailure(reason))
		}
		return f.navigate("", "WebSocket unavailable ("+reason+"); continuing with postMessage")
	}
	if f.clientID != "" && f.retries < SocketRetries && (wasLive || f.retries > 0) {
		delay := 500 << f.retries
		f.retries++
		f.resuming = true
		return Step{ResumeAfterMS: delay, ClientID: f.clientID, Log: "WebSocket lost (" + reason + "); resuming in " + FormatNumber(float64(delay)) + " ms"}
	}
	return f.socketLost(reason)
}

// socketLost: the socket is gone for good in this flow.
func (f *Flow) socketLost(reason string) Step {
	f.socketLive, f.resuming = false, false
	if f.graceFor == heldGrace {
		return f.settleHeld()
	}
	if f.graceFor == unverifiedGrace {
		return f.fail(NewError(UnverifiedResult, msgUnverifiedResult))
	}
	if f.cfg.Transport == TransportWebSocket {
		return f.fail(socketFailure(reason))
	}
	return Step{Log: "WebSocket gone (" + reason + "); continuing with postMessage"}
}

func socketFailure(reason string) *AuthError {
	return NewError(WebSocketFailed, "The WebSocket to the Nango server failed ("+reason+"), so the result of the authorization cannot be received (transport: 'websocket')")
}

// foreign tells a result of another flow from this call's, and says why for the debug log. A
// page inside the popup can navigate it to another flow on the Nango host, whose callback page
// then posts from the right origin and the right window (docs/wire.md §1): a message is this
// call's only if it echoes this call's nonce, or none, and names the integration this call
// asked for, or none.
func (f *Flow) foreign(out Outcome) string {
	if out.Nonce != "" && out.Nonce != f.cfg.Nonce {
		return "ignored a result of another flow (its nonce is not this call's)"
	}
	if out.ProviderConfigKey != "" && out.ProviderConfigKey != f.cfg.ProviderConfigKey {
		return "ignored a result for integration " + out.ProviderConfigKey + " (this call asked for " + f.cfg.ProviderConfigKey + ")"
	}
	return ""
}

// outcome settles on a definitive outcome. A success from the popup settles the call only when
// it echoes this call's nonce: one without (Nango's own page, a legacy server, another flow
// reached by navigating the popup) can only tell the flow to wait for the WebSocket, whose
// result is bound to this call by its ws_client_id. A failure needs no such proof: whoever
// controls the popup can fail the call anyway, by closing it. A postMessage outcome that lacks
// detail (no ids, or the generic error type of Nango's page) is held while a socket is live, so
// the socket's fuller version can win; without a socket it settles as is.
func (f *Flow) outcome(out Outcome, viaPostMessage bool) Step {
	if viaPostMessage && out.Err == nil && out.Nonce == "" {
		return f.unboundSuccess()
	}
	weak := out.Partial || (out.Err != nil && out.Err.Type == ConnectionValidationFailed)
	if viaPostMessage && weak && f.socketLive {
		f.held = &out
		f.graceFor = heldGrace
		return Step{StartGraceMS: SettleGraceMS, Log: "result received by postMessage; waiting briefly for the WebSocket's details"}
	}
	if out.Err != nil {
		return f.fail(out.Err)
	}
	return f.succeed(*out.Result)
}

// unboundSuccess: the popup reports a success that is not provably this call's. The WebSocket,
// while it lives or is being resumed, can still bring this call's own result: Nango publishes
// it before it serves the callback page, so it is due at once; after a grace period the call
// fails instead of waiting for its timeout.
func (f *Flow) unboundSuccess() Step {
	if !f.socketLive && !f.resuming {
		return f.fail(NewError(UnverifiedResult, msgUnverifiedResult))
	}
	f.graceFor = unverifiedGrace
	return Step{StartGraceMS: ClosedGraceSocketMS, Log: "the authorization window reports success without this call's nonce; waiting for the WebSocket's result"}
}

func (f *Flow) settleHeld() Step {
	out := *f.held
	if out.Err != nil {
		return f.fail(out.Err)
	}
	return f.succeed(*out.Result)
}

func (f *Flow) succeed(r Result) Step {
	if r.ProviderConfigKey == "" {
		r.ProviderConfigKey = f.cfg.ProviderConfigKey
	}
	if r.ConnectionID == "" {
		r.ConnectionID = f.cfg.ConnectionID
	}
	f.done = true
	return Step{Settled: true, Result: r, Log: "authorization succeeded"}
}

func (f *Flow) fail(err *AuthError) Step {
	f.done = true
	return Step{Settled: true, Err: err, Log: "authorization failed: " + string(err.Type)}
}
