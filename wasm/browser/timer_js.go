//go:build js && wasm

package browser

import "github.com/hack-pad/safejs"

// maxTimerMS is the largest delay setTimeout honours; a larger one fires at once
// (https://developer.mozilla.org/docs/Web/API/Window/setTimeout#maximum_delay_value).
const maxTimerMS = 2147483647

// timer is a setTimeout or setInterval whose callback is released when it stops; a one-shot
// timer stops itself after firing.
type timer struct {
	id       safejs.Value
	cb       *callback
	interval bool
	stopped  bool
}

// after runs fn once after ms milliseconds. A delay beyond what setTimeout supports (Infinity
// included) means "never" and returns a timer that is already stopped.
func after(ms float64, fn func(), onPanic func(error)) (*timer, error) {
	if ms > maxTimerMS {
		return &timer{stopped: true}, nil
	}
	t := &timer{}
	cb, err := newCallback(func(safejs.Value, []safejs.Value) any {
		t.Stop()
		fn()
		return nil
	}, onPanic)
	if err != nil {
		return nil, err
	}
	t.cb = cb
	id, err := global("setTimeout").Invoke(cb.Value(), ms)
	if err != nil {
		cb.Release()
		return nil, err
	}
	t.id = id
	return t, nil
}

// every runs fn every ms milliseconds until stopped.
func every(ms float64, fn func(), onPanic func(error)) (*timer, error) {
	cb, err := newCallback(func(safejs.Value, []safejs.Value) any {
		fn()
		return nil
	}, onPanic)
	if err != nil {
		return nil, err
	}
	id, err := global("setInterval").Invoke(cb.Value(), ms)
	if err != nil {
		cb.Release()
		return nil, err
	}
	return &timer{id: id, cb: cb, interval: true}, nil
}

// Stop cancels the timer and releases its callback; stopping twice is harmless.
func (t *timer) Stop() {
	if t == nil || t.stopped {
		return
	}
	t.stopped = true
	clear := "clearTimeout"
	if t.interval {
		clear = "clearInterval"
	}
	_, _ = global(clear).Invoke(t.id)
	t.cb.Release()
}
