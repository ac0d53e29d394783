//go:build js && wasm

package jsapi

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/nango-wasm/nango-wasm/wasm/browser"
)

// Export is a function the glue can call.
type Export func(args []safejs.Value) (any, error)

// NewClient is `new Nango(options)`: (instance, options, AuthorizationModal) → handle.
func NewClient(args []safejs.Value) (any, error) {
	c, err := browser.NewClient(browser.ToGo(arg(args, 1)), arg(args, 0), arg(args, 2))
	if err != nil {
		return nil, err
	}
	return clients.add(c), nil
}

// Auth is auth(providerConfigKey, connectionIdOrOptions?, moreOptions?, popup?) → Promise. The
// glue passes popup when the call was made before nango.wasm was ready: the window it opened
// inside the click (browser.Client.StartIn).
func Auth(args []safejs.Value) (any, error) {
	c, err := client(args)
	if err != nil {
		return nil, err
	}
	return startAuth(c, arg(args, 1), arg(args, 2), arg(args, 3), arg(args, 4))
}

// Reconnect is reconnect(providerConfigKey, options?, popup?) → Promise; it needs a session token.
func Reconnect(args []safejs.Value) (any, error) {
	c, err := client(args)
	if err != nil {
		return nil, err
	}
	if c.Options().ConnectSessionToken == "" {
		return nil, auth.ErrReconnectNeedsToken()
	}
	return startAuth(c, arg(args, 1), arg(args, 2), safejs.Undefined(), arg(args, 3))
}

func startAuth(c *browser.Client, key, second, third, popup safejs.Value) (any, error) {
	// The anchor checks credentials before it looks at the arguments.
	if err := c.Options().EnsureCredentials(); err != nil {
		return nil, err
	}
	call, perr := auth.ParseAuthCall(browser.ToGo(key), browser.ToGo(second), browser.ToGo(third))
	if perr != nil {
		return nil, perr
	}
	signal := signalOf(second, third)
	if call.IsCustomAuth() {
		if popup.Type() == safejs.TypeObject { // the glue's rule said popup; it is held equal to this one
			_, _ = popup.Call("close")
		}
		req, rerr := call.CustomAuthRequest(c.Options())
		if _, hasCredentials := call.Options.Object("credentials"); !hasCredentials {
			return nil, rerr // the anchor throws this one synchronously
		}
		return browser.PromiseOf(func() (any, error) {
			if rerr != nil {
				return nil, rerr
			}
			return c.CustomAuth(req, call.TimeoutMS, signal)
		})
	}
	pending, err := c.StartIn(popup, call, signal)
	if err != nil {
		return nil, err
	}
	// Settled in the task in which the flow ends, without a goroutine in between.
	p, settle, err := browser.NewPromise()
	if err != nil {
		return nil, err
	}
	pending.OnSettle(func(r auth.Result, err error) {
		if err != nil {
			settle.Reject(err)
			return
		}
		v, verr := browser.ResultValue(r)
		if verr != nil {
			settle.Reject(verr)
			return
		}
		settle.Resolve(v)
	})
	return p, nil
}

// signalOf finds the AbortSignal in the options the way the merge sees it: the options argument
// wins over moreOptions.
func signalOf(second, third safejs.Value) safejs.Value {
	for _, o := range []safejs.Value{second, third} {
		if o.Type() != safejs.TypeObject {
			continue
		}
		if s, err := o.Get("signal"); err == nil && s.Type() == safejs.TypeObject {
			return s
		}
	}
	return safejs.Undefined()
}

// Create is create(providerConfigKey, connectionIdOrConfig?, moreConfig?) → Promise. Unlike
// auth(), it is async in the anchor, so every failure rejects.
func Create(args []safejs.Value) (any, error) {
	c, err := client(args)
	if err != nil {
		return nil, err
	}
	key, second, third := browser.ToGo(arg(args, 1)), browser.ToGo(arg(args, 2)), browser.ToGo(arg(args, 3))
	return browser.PromiseOf(func() (any, error) {
		if err := c.Options().EnsureCredentials(); err != nil {
			return nil, err
		}
		req, err := auth.CreateRequest(c.Options(), key, second, third)
		if err != nil {
			return nil, err
		}
		return c.CustomAuth(req, auth.DefaultTimeoutMS, safejs.Undefined())
	})
}

// Clear is clear().
func Clear(args []safejs.Value) (any, error) {
	c, err := client(args)
	if err != nil {
		return nil, err
	}
	c.Clear()
	return nil, nil
}

// Release forgets a garbage-collected instance.
func Release(args []safejs.Value) (any, error) {
	clients.release(args)
	return nil, nil
}

// Prewarm runs an auth() flow's code once against stand-ins, so it is compiled before the first
// click (browser.Prewarm).
func Prewarm([]safejs.Value) (any, error) {
	browser.Prewarm()
	return nil, nil
}

// LiveFuncs returns the number of live js.Funcs, for leak tests and benchmarks.
func LiveFuncs([]safejs.Value) (any, error) { return browser.LiveFuncs(), nil }

func client(args []safejs.Value) (*browser.Client, error) { return clients.get(args) }

func arg(args []safejs.Value, i int) safejs.Value {
	if i < len(args) {
		return args[i]
	}
	return safejs.Undefined()
}

// Register installs fn on the binding object as name. The returned JavaScript function never
// throws: a Go error becomes {error: {type, message}} and a panic becomes an unknown_error, so
// the runtime survives a bug.
func Register(binding safejs.Value, name string, fn Export) error {
	f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) (ret any) {
		defer func() {
			if r := recover(); r != nil {
				ret = errorResult(auth.NewError(auth.UnknownError, "nango-wasm internal error in "+name+": "+auth.PanicText(r)))
			}
		}()
		v, err := fn(args)
		if err != nil {
			return errorResult(err)
		}
		return v
	})
	if err != nil {
		return err
	}
	// Exports live as long as the page: they are never released.
	return binding.Set(name, f.Value())
}

func errorResult(err error) any {
	return map[string]any{"error": browser.ErrorValue(err)}
}
