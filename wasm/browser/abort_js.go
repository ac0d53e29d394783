//go:build js && wasm

package browser

import "github.com/hack-pad/safejs"

// Aborter is an AbortController (https://developer.mozilla.org/docs/Web/API/AbortController)
// for Go callers: its Signal goes where a JavaScript caller passes the `signal` option, so a Go
// program cancels a call through the same path as a page does.
type Aborter struct{ controller safejs.Value }

// NewAborter returns a new AbortController; it fails only where there is none (not a browser).
func NewAborter() (*Aborter, error) {
	c, err := global("AbortController").New()
	if err != nil {
		return nil, err
	}
	return &Aborter{controller: c}, nil
}

// Signal is the controller's AbortSignal.
func (a *Aborter) Signal() safejs.Value {
	s, _ := a.controller.Get("signal")
	return s
}

// Abort aborts the signal with reason as its reason; the call listening to it then ends with
// type aborted, its message naming the reason. Aborting twice does nothing.
func (a *Aborter) Abort(reason string) { _, _ = a.controller.Call("abort", reason) }
