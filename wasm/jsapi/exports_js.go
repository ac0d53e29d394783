//go:build js && wasm

package jsapi

import (
	"errors"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/nango-wasm/nango-wasm/wasm/browser"
)

// Export is a function the glue can call.
type Export func(args []safejs.Value) (any, error)

// NewClient is `new Nango(options)`: (instance, options, AuthorizationModal) → handle, the
// options encoded by the glue (nangoReadOptions in js/values.js): nango.wasm never reads an app's
// object itself.
func NewClient(args []safejs.Value) (any, error) {
	options, err := decoded(args, 1)
	if err != nil {
		return nil, err
	}
	c, err := browser.NewClient(options, arg(args, 0), arg(args, 2))
	if err != nil {
		return nil, err
	}
	return clients.add(c), nil
}

// Auth is auth(providerConfigKey, connectionIdOrOptions?, moreOptions?): (handle, arguments,
// signal, popup, resolve, reject). arguments are the call's as one encoded array
// (nangoCallArgs in js/values.js, auth.DecodeValue), signal the AbortSignal among the options.
// The glue passes popup when the call was made before nango.wasm was ready: the window it
// opened inside the click (browser.Client.StartIn).
func Auth(args []safejs.Value) (any, error) {
	return startAuth(args, false)
}

// Reconnect is reconnect(providerConfigKey, options?), with Auth's arguments; it needs a
// session token.
func Reconnect(args []safejs.Value) (any, error) {
	return startAuth(args, true)
}

func startAuth(args []safejs.Value, reconnect bool) (any, error) {
	c, err := client(args)
	if err != nil {
		return nil, err
	}
	if reconnect && c.Options().ConnectSessionToken == "" {
		return nil, auth.ErrReconnectNeedsToken()
	}
	// The anchor checks credentials before it looks at the arguments.
	if err := c.Options().EnsureCredentials(); err != nil {
		return nil, err
	}
	key, second, third, err := callArgs(args)
	if err != nil {
		return nil, err
	}
	call, perr := auth.ParseAuthCall(key, second, third)
	if perr != nil {
		return nil, perr
	}
	signal, popup, settle := arg(args, 2), arg(args, 3), settler(args)
	if call.IsCustomAuth() {
		if popup.Type() == safejs.TypeObject { // the glue's rule said popup; it is held equal to this one
			_, _ = popup.Call("close")
		}
		req, rerr := call.CustomAuthRequest(c.Options())
		if _, hasCredentials := call.Options.Object("credentials"); !hasCredentials {
			return nil, rerr // the anchor throws this one synchronously
		}
		settle.Go(func() (any, error) {
			if rerr != nil {
				return nil, rerr
			}
			return c.CustomAuth(req, call.TimeoutMS, signal)
		})
		return nil, nil
	}
	pending, err := c.StartIn(popup, call, signal)
	if err != nil {
		return nil, err
	}
	// Settled in the task in which the flow ends, without a goroutine in between.
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
	return nil, nil
}

// callArgs decodes the call's arguments (key, second, third): one string from the glue.
func callArgs(args []safejs.Value) (key, second, third any, err error) {
	v, err := decoded(args, 1)
	list, isList := v.([]any)
	if err != nil || !isList {
		return nil, nil, nil, errMalformed
	}
	list = append(list, auth.Undefined, auth.Undefined, auth.Undefined)
	return list[0], list[1], list[2], nil
}

var errMalformed = errors.New("nango-wasm: the glue passed malformed arguments")

// decoded is the i-th argument, a value the glue encoded (js/values.js), as auth.DecodeValue reads it.
func decoded(args []safejs.Value, i int) (any, error) {
	text, err := arg(args, i).String()
	if err != nil {
		return nil, errMalformed
	}
	v, err := auth.DecodeValue(text)
	if err != nil {
		return nil, errMalformed
	}
	return v, nil
}

// settler settles the Promise whose resolve and reject the glue passes last (nangoCallAsync).
func settler(args []safejs.Value) *browser.Settler {
	return browser.SettlerOf(arg(args, len(args)-2), arg(args, len(args)-1))
}

// Create is create(providerConfigKey, connectionIdOrConfig?, moreConfig?): (handle, arguments,
// resolve, reject), arguments encoded as Auth's. Unlike auth(), it is async in the anchor, so
// every failure rejects.
func Create(args []safejs.Value) (any, error) {
	c, err := client(args)
	if err != nil {
		return nil, err
	}
	key, second, third, err := callArgs(args)
	if err != nil {
		return nil, err
	}
	settler(args).Go(func() (any, error) {
		if err := c.Options().EnsureCredentials(); err != nil {
			return nil, err
		}
		req, err := auth.CreateRequest(c.Options(), key, second, third)
		if err != nil {
			return nil, err
		}
		return c.CustomAuth(req, auth.DefaultTimeoutMS, safejs.Undefined())
	})
	return nil, nil
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
