//go:build js && wasm

package browser

import (
	"errors"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// liveFuncs counts the js.Funcs this package has made and not yet released. A page that runs
// auth() many times must not grow it; LiveFuncs exposes it to tests and benchmarks.
var liveFuncs int

// LiveFuncs returns the number of js.Funcs currently alive.
func LiveFuncs() int { return liveFuncs }

// callback is a js.Func that recovers from panics and is counted until released.
type callback struct {
	fn   safejs.Func
	live bool
}

// newCallback wraps fn for JavaScript. A panic inside fn is recovered and handed to onPanic (when
// set) instead of killing the runtime; the callback then returns undefined.
func newCallback(fn func(this safejs.Value, args []safejs.Value) any, onPanic func(error)) (*callback, error) {
	f, err := safejs.FuncOf(func(this safejs.Value, args []safejs.Value) (ret any) {
		defer func() {
			if r := recover(); r != nil {
				ret = nil
				err := errors.New("nango: panic in a browser callback: " + auth.PanicText(r))
				logError(err.Error())
				if onPanic != nil {
					onPanic(err)
				}
			}
		}()
		return fn(this, args)
	})
	if err != nil {
		return nil, err
	}
	liveFuncs++
	return &callback{fn: f, live: true}, nil
}

// Value is the JavaScript function.
func (c *callback) Value() safejs.Value { return c.fn.Value() }

// Release frees the function; releasing twice is harmless.
func (c *callback) Release() {
	if c == nil || !c.live {
		return
	}
	c.live = false
	liveFuncs--
	c.fn.Release()
}
