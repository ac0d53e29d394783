//go:build js && wasm

package browser

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// Custom auth runs over the browser's fetch
// (https://developer.mozilla.org/docs/Web/API/Fetch_API), not net/http, which would add ~450 KB
// compressed to nango.wasm.

// CustomAuth POSTs a non-popup auth request to the host and returns the server's JSON answer as
// it came (the anchor resolves with res.json()). It always settles: an unanswered request ends
// with timeoutMS (type timeout) or when signal aborts (type aborted).
func (c *Client) CustomAuth(req auth.CustomRequest, timeoutMS float64, signal safejs.Value) (safejs.Value, error) {
	if isAborted(signal) {
		return safejs.Value{}, auth.NewError(auth.Aborted, "The authorization was aborted before it started: "+abortReason(signal))
	}
	url := c.opts.Host + req.Path
	c.debugf("POST " + c.opts.Host + pathOnly(req.Path))

	controller, err := global("AbortController").New()
	if err != nil {
		return safejs.Value{}, err
	}
	cancelled := make(chan *auth.AuthError, 1)
	abort := func(e *auth.AuthError) {
		select {
		case cancelled <- e:
			_, _ = controller.Call("abort")
		default:
		}
	}
	deadline, err := after(timeoutMS, func() {
		abort(auth.NewError(auth.Timeout, "The Nango server did not answer within "+auth.FormatNumber(timeoutMS)+" ms"))
	}, nil)
	if err != nil {
		return safejs.Value{}, err
	}
	defer deadline.Stop()
	if signal.Type() == safejs.TypeObject {
		stop, err := listen(signal, "abort", func(safejs.Value) {
			abort(auth.NewError(auth.Aborted, "The authorization was aborted: "+abortReason(signal)))
		}, nil)
		if err != nil {
			return safejs.Value{}, err
		}
		defer stop()
	}

	init, err := fetchInit(req.Body, controller)
	if err != nil {
		return safejs.Value{}, err
	}
	// A request cut by the timeout or the signal fails as a network error would: say why instead.
	failed := func(e *auth.AuthError) (safejs.Value, error) {
		select {
		case why := <-cancelled:
			return safejs.Value{}, why
		default:
			return safejs.Value{}, e
		}
	}
	res, err := Await(awaitable(global("fetch").Invoke(url, init)), nil)
	if err != nil {
		return failed(auth.NewError(auth.NetworkError, "Could not reach the Nango server at "+c.opts.Host+": "+err.Error()))
	}
	r, body, err := readResponse(res)
	if err != nil {
		return failed(auth.NewError(auth.NetworkError, "The answer of the Nango server was cut: "+err.Error()))
	}
	if aerr := r.Check(); aerr != nil {
		c.debugf("custom auth failed: " + string(aerr.Type))
		return safejs.Value{}, aerr
	}
	return body, nil
}

// fetchInit is {method: 'POST', headers: {'Content-Type': 'application/json'}, body?, signal}.
// The anchor sends the Content-Type even without a body, and a body only when the object has
// keys; JSON.stringify drops undefined values, as it does in the anchor.
func fetchInit(body *auth.Object, controller safejs.Value) (safejs.Value, error) {
	headers, err := newObject("Content-Type", "application/json")
	if err != nil {
		return safejs.Value{}, err
	}
	signal, _ := controller.Get("signal")
	init, err := newObject("method", "POST", "headers", headers, "signal", signal)
	if err != nil {
		return safejs.Value{}, err
	}
	if body != nil && body.Len() > 0 {
		text, err := global("JSON").Call("stringify", ToJS(body))
		if err != nil {
			return safejs.Value{}, err
		}
		if err := init.Set("body", text); err != nil {
			return safejs.Value{}, err
		}
	}
	return init, nil
}

// readResponse reads the status and the body, parsing it as JSON when it is JSON.
func readResponse(res safejs.Value) (auth.Response, safejs.Value, error) {
	var r auth.Response
	status, _ := numberProp(res, "status")
	r.Status = int(status)
	ok, _ := res.Get("ok")
	r.OK, _ = ok.Truthy()
	st, _ := res.Get("statusText")
	r.StatusText, _ = st.String()
	// A unit test's stand-in for fetch may answer only json(), which is all the anchor calls.
	if text, _ := res.Get("text"); text.Type() != safejs.TypeFunction {
		parsed, err := Await(awaitable(res.Call("json")), nil)
		if err != nil {
			return r, safejs.Value{}, err
		}
		r.IsJSON, r.Body = true, ToGo(parsed)
		return r, parsed, nil
	}
	text, err := Await(awaitable(res.Call("text")), nil)
	if err != nil {
		return r, safejs.Value{}, err
	}
	r.Text, _ = text.String()
	parsed, err := global("JSON").Call("parse", text)
	if err != nil {
		return r, safejs.Value{}, nil
	}
	r.IsJSON, r.Text = true, ""
	r.Body = ToGo(parsed)
	return r, parsed, nil
}

// pathOnly drops the query, which holds the session token, from a path for the debug log.
func pathOnly(p string) string {
	for i := 0; i < len(p); i++ {
		if p[i] == '?' {
			return p[:i]
		}
	}
	return p
}
