//go:build js && wasm

// Command example is a Go program compiled to wasm that connects an account with package nango,
// in plain syscall/js: a Connect button, a Cancel button and a result line. make build writes it
// to dist/go-example.wasm, beside dist/go-example.html, the page that runs it.
//
// Under make serve, open http://127.0.0.1:3000/sdk/go-example.html: the page gets a connect
// session token from the demo app's backend, as yours would from your backend, and connects a
// GitHub account through the dev server's mock provider. Query parameters: host (the Nango host,
// default http://127.0.0.1:3003), token (a connect session token; without one the page asks the
// backend at /api/connect-session), integration (default github) and subdomain (for
// integrations such as zendesk that ask for one).
package main

import (
	"context"
	"errors"
	"strconv"
	"syscall/js"

	"github.com/nango-wasm/nango-wasm/wasm/nango"
)

func main() {
	doc := js.Global().Get("document")
	connect := doc.Call("getElementById", "connect")
	result := &resultLine{el: doc.Call("getElementById", "result")}
	query := js.Global().Get("URLSearchParams").New(js.Global().Get("location").Get("search"))

	token := param(query, "token", "")
	if token == "" {
		var err error
		if token, err = sessionToken(); err != nil {
			result.show(0, "failed", "", "could not get a connect session token: "+err.Error())
			return
		}
	}
	client, err := nango.New(nango.Options{Host: param(query, "host", "http://127.0.0.1:3003"), ConnectSessionToken: token})
	if err != nil {
		result.show(0, "failed", "", err.Error())
		return
	}
	a := &app{client: client, result: result, integration: param(query, "integration", "github")}
	if sub := param(query, "subdomain", ""); sub != "" {
		a.params = map[string]string{"subdomain": sub}
	}
	// Both handlers live as long as the page, so they are never released; a handler removed
	// earlier must be (js.Func.Release).
	connect.Call("addEventListener", "click", js.FuncOf(a.onConnect))
	doc.Call("getElementById", "cancel").Call("addEventListener", "click", js.FuncOf(a.onCancel))
	connect.Set("disabled", false)
	result.show(0, "ready", "", "Ready: click Connect.")
	select {} // keep the handlers alive
}

// app is the page's state. Its handlers run in the browser's event loop, one at a time.
type app struct {
	client      *nango.Client
	integration string
	params      map[string]string
	result      *resultLine
	attempt     int
	cancel      context.CancelFunc // ends the latest attempt's Wait
}

// onConnect runs inside the click, so the popup may open: Auth opens it before it returns. The
// waiting goes to a goroutine, since a js.FuncOf callback that blocks deadlocks the page.
func (a *app) onConnect(js.Value, []js.Value) any {
	a.attempt++
	n := a.attempt
	pending, err := a.client.Auth(a.integration, nango.AuthOptions{Params: a.params})
	if err != nil {
		a.result.failed(n, err)
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.result.show(n, "waiting", "", "waiting for the popup…")
	go func() {
		defer cancel()
		conn, err := pending.Wait(ctx)
		if err != nil {
			a.result.failed(n, err)
			return
		}
		a.result.show(n, "connected", "", "connected "+conn.ProviderConfigKey+", connection "+conn.ConnectionID)
		a.result.el.Get("dataset").Set("connectionId", conn.ConnectionID)
	}()
	return nil
}

// onCancel ends the latest attempt: its Wait returns an error of type aborted and its popup
// closes.
func (a *app) onCancel(js.Value, []js.Value) any {
	if a.cancel != nil {
		a.cancel()
	}
	return nil
}

// resultLine is the page's one line of outcome; its data attributes (state, type, attempt,
// connectionId) say the same for scripts and tests.
type resultLine struct{ el js.Value }

func (r *resultLine) show(attempt int, state string, errType nango.ErrorType, text string) {
	data := r.el.Get("dataset")
	data.Set("attempt", attempt)
	data.Set("state", state)
	data.Set("type", string(errType))
	data.Delete("connectionId")
	prefix := ""
	if attempt > 0 {
		prefix = "Attempt " + strconv.Itoa(attempt) + ": "
	}
	r.el.Set("textContent", prefix+text)
}

// failed says why an attempt failed: errors.Is for the outcomes a person can act on, errors.As
// for the type of any other.
func (r *resultLine) failed(attempt int, err error) {
	var authErr *nango.AuthError
	if !errors.As(err, &authErr) {
		r.show(attempt, "failed", nango.UnknownError, err.Error())
		return
	}
	text := "failed (" + string(authErr.Type) + "): " + authErr.Message
	switch {
	case errors.Is(err, nango.ErrAccessDenied):
		text = "you denied access at the provider"
	case errors.Is(err, nango.ErrBlockedByBrowser):
		text = "the browser blocked the popup: allow popups for this page"
	case errors.Is(err, nango.ErrSuperseded):
		text = "gave way to a newer attempt"
	case errors.Is(err, nango.ErrAborted):
		text = "cancelled"
	}
	r.show(attempt, "failed", authErr.Type, text)
}

// sessionToken asks the page's backend for a connect session token: the demo app's
// POST /api/connect-session, which creates one with Nango's secret key. main may wait for it:
// it is not an event handler.
func sessionToken() (string, error) {
	init := js.Global().Get("Object").New()
	init.Set("method", "POST")
	init.Set("body", "{}")
	headers := js.Global().Get("Object").New()
	headers.Set("Content-Type", "application/json") // the backend takes only its own page's JSON
	init.Set("headers", headers)
	res, err := await(js.Global().Call("fetch", "/api/connect-session", init))
	if err != nil {
		return "", err
	}
	if !res.Get("ok").Bool() {
		return "", errors.New("the backend answered " + res.Get("status").String())
	}
	body, err := await(res.Call("json"))
	if err != nil {
		return "", err
	}
	return body.Get("token").String(), nil
}

// await waits for a JavaScript promise, from a goroutine that may block. One then(ok, fail)
// whose callbacks release each other: .then(a).catch(b) would leak a function per call.
func await(promise js.Value) (js.Value, error) {
	type settled struct {
		v   js.Value
		err error
	}
	done := make(chan settled, 1)
	var ok, fail js.Func
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ok.Release()
		fail.Release()
		done <- settled{v: args[0]}
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ok.Release()
		fail.Release()
		done <- settled{err: errors.New(js.Global().Call("String", args[0]).String())}
		return nil
	})
	promise.Call("then", ok, fail)
	s := <-done
	return s.v, s.err
}

func param(query js.Value, key, fallback string) string {
	if v := query.Call("get", key); !v.IsNull() && v.String() != "" {
		return v.String()
	}
	return fallback
}
