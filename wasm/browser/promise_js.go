//go:build js && wasm

package browser

import (
	"errors"

	"github.com/hack-pad/safejs"
)

var errStopped = errors.New("nango: stopped waiting for a JavaScript promise")

// Settler settles one JavaScript Promise, once, through the resolve and reject functions of its
// executor. The glue makes the Promise and passes them in (nangoCallAsync in js/runtime.js): a
// Promise made in Go would cost a js.Func for its executor and a call from JavaScript back into
// Go on every auth().
type Settler struct {
	resolve, reject safejs.Value
	done            bool
}

// SettlerOf settles a Promise through its resolve and reject functions.
func SettlerOf(resolve, reject safejs.Value) *Settler {
	return &Settler{resolve: resolve, reject: reject}
}

// Resolve fulfils the promise; later calls do nothing.
func (s *Settler) Resolve(v any) {
	if !s.done {
		s.done = true
		_, _ = s.resolve.Invoke(v)
	}
}

// Reject rejects the promise with the {type, message} data of err; later calls do nothing.
func (s *Settler) Reject(err error) {
	if !s.done {
		s.done = true
		_, _ = s.reject.Invoke(ErrorValue(err))
	}
}

// Go runs work in a goroutine and settles the promise with its result. A panic in work rejects
// it with unknown_error instead of killing the runtime.
func (s *Settler) Go(work func() (any, error)) {
	go func() {
		v, err := Recover(work)
		if err != nil {
			s.Reject(err)
			return
		}
		s.Resolve(v)
	}()
}

// Recover runs work and returns a panic in it as an error: a panic in a goroutine the SDK
// starts would kill the Go runtime, and with it every later call of the page.
func Recover(work func() (any, error)) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("nango-wasm internal error: " + toText(r))
		}
	}()
	return work()
}

// Await waits for a JavaScript Promise from a goroutine (never from a callback: that would block
// the event loop). One then(onOK, onErr) is used, and whichever fires releases both, because
// `.then(a).catch(b)` leaks a function per call. Closing stop gives up waiting (errStopped); a
// caller that can cancel the underlying work (fetch's AbortController) does so itself.
func Await(p safejs.Value, stop <-chan struct{}) (safejs.Value, error) {
	type result struct {
		v   safejs.Value
		err error
	}
	done := make(chan result, 1) // a late settle must never block the event loop
	var onOK, onErr *callback
	settle := func(r result) {
		onOK.Release()
		onErr.Release()
		done <- r
	}
	var err error
	onOK, err = newCallback(func(_ safejs.Value, args []safejs.Value) any {
		settle(result{v: arg(args, 0)})
		return nil
	}, nil)
	if err != nil {
		return safejs.Value{}, err
	}
	onErr, err = newCallback(func(_ safejs.Value, args []safejs.Value) any {
		settle(result{err: jsError(arg(args, 0))})
		return nil
	}, nil)
	if err != nil {
		onOK.Release()
		return safejs.Value{}, err
	}
	if _, err := p.Call("then", onOK.Value(), onErr.Value()); err != nil {
		onOK.Release()
		onErr.Release()
		return safejs.Value{}, err
	}
	select {
	case r := <-done:
		return r.v, r.err
	case <-stop:
		return safejs.Value{}, errStopped
	}
}

// awaitable turns the (value, error) of a call that returns a promise into a value Await can
// take: a failed call becomes a rejected promise, so the one error path handles both.
func awaitable(v safejs.Value, err error) safejs.Value {
	if err == nil {
		return v
	}
	p, perr := global("Promise").Call("reject", err.Error())
	if perr != nil {
		return safejs.Undefined()
	}
	return p
}

func arg(args []safejs.Value, i int) safejs.Value {
	if i < len(args) {
		return args[i]
	}
	return safejs.Undefined()
}

// jsError turns a rejection reason into a Go error with its message.
func jsError(v safejs.Value) error {
	if msg, err := v.Get("message"); err == nil && msg.Type() == safejs.TypeString {
		s, _ := msg.String()
		return errors.New(s)
	}
	s, err := global("String").Invoke(v)
	if err != nil {
		return errors.New("unknown JavaScript error")
	}
	text, _ := s.String()
	return errors.New(text)
}

func toText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case error:
		return v.Error()
	}
	return "panic"
}
