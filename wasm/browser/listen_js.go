//go:build js && wasm

package browser

import "github.com/hack-pad/safejs"

// listen adds an event listener and returns the function that removes it and releases its
// callback (https://developer.mozilla.org/docs/Web/API/EventTarget/addEventListener).
func listen(target safejs.Value, event string, fn func(ev safejs.Value), onPanic func(error)) (func(), error) {
	cb, err := newCallback(func(_ safejs.Value, args []safejs.Value) any {
		fn(arg(args, 0))
		return nil
	}, onPanic)
	if err != nil {
		return nil, err
	}
	if _, err := target.Call("addEventListener", event, cb.Value()); err != nil {
		cb.Release()
		return nil, err
	}
	return func() {
		_, _ = target.Call("removeEventListener", event, cb.Value())
		cb.Release()
	}, nil
}

// abortReason is an AbortSignal's reason as text: its message when it is an Error (the default
// reason is a DOMException "signal is aborted without reason"), else String(reason).
func abortReason(signal safejs.Value) string {
	reason, err := signal.Get("reason")
	if err != nil || reason.IsUndefined() {
		return ""
	}
	return jsError(reason).Error()
}

// isAborted reports signal.aborted for an AbortSignal, false for anything else.
func isAborted(signal safejs.Value) bool {
	if signal.Type() != safejs.TypeObject {
		return false
	}
	a, err := signal.Get("aborted")
	if err != nil {
		return false
	}
	b, _ := a.Truthy()
	return b
}
