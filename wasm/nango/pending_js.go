//go:build js && wasm

package nango

import (
	"context"
	"errors"

	"github.com/nango-wasm/nango-wasm/wasm/browser"
)

// Result is the connection an Auth, Reconnect or Create made.
type Result struct {
	// ProviderConfigKey is the integration's unique key.
	ProviderConfigKey string
	// ConnectionID is the connection's id in Nango: read the connection with it from your
	// backend.
	ConnectionID string
	// IsPending is true when the provider finishes the connection later (a pending webhook).
	IsPending bool
}

// Pending is a call in progress. It always settles: with a Result, or an *AuthError, at the
// latest when its timeout passes.
type Pending struct {
	done <-chan struct{}
	// popup is the flow of a popup call; nil for a call without one, whose result and err are
	// set before done closes.
	popup  *browser.Pending
	result Result
	err    error
	abort  func(reason string)
}

// popupPending wraps a popup flow.
func popupPending(p *browser.Pending) *Pending {
	return &Pending{done: p.Done(), popup: p, abort: p.Abort}
}

// Done is closed when the call has settled; Wait then returns at once.
func (p *Pending) Done() <-chan struct{} { return p.done }

// Wait waits until the call settles and returns its connection, or an *AuthError that says
// why there is none. It blocks: call it from a goroutine, never from a js.FuncOf callback such
// as the click handler that called Auth (the page would deadlock).
//
// When ctx ends first, Wait aborts the call, closing its popup, and returns an *AuthError of
// type Aborted whose Err is context.Cause(ctx): errors.Is(err, context.Canceled) holds. A call
// that settled in the meantime returns its own outcome. Wait may be called more than once, and
// from several goroutines; each gets the same outcome.
func (p *Pending) Wait(ctx context.Context) (Result, error) {
	select {
	case <-p.done:
		return p.outcome()
	case <-ctx.Done():
	}
	select {
	case <-p.done: // settled as ctx ended: its own outcome wins
		return p.outcome()
	default:
	}
	cause := context.Cause(ctx)
	p.abort(cause.Error())
	<-p.done // at once for a popup; a request ends when its fetch does
	r, err := p.outcome()
	var ae *AuthError
	if errors.As(err, &ae) && ae.Type == Aborted && ae.Err == nil {
		return r, &AuthError{Type: Aborted, Message: ae.Message, Err: cause}
	}
	return r, err
}

func (p *Pending) outcome() (Result, error) {
	if p.popup == nil {
		return p.result, p.err
	}
	r, err := p.popup.Wait() // settled: returns at once
	if err != nil {
		return Result{}, browser.AsAuthError(err)
	}
	return Result(r), nil
}
