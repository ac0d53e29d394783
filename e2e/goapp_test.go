package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests drive the Go app of wasm/nango/example (make build writes it to dist/), a Go
// program compiled to wasm that uses package nango: a Connect button, a Cancel button and a
// result line whose data attributes say the outcome of each attempt.

// goAppOutcome is what the Go app's result line shows for an attempt.
type goAppOutcome struct {
	Attempt      string `json:"attempt"`
	State        string `json:"state"`
	Type         string `json:"type"`
	ConnectionID string `json:"connectionId"`
	Text         string `json:"text"`
}

// openGoApp opens the Go app, connecting Zendesk's acme subdomain with the session token, and
// waits until its main has run: it enables Connect when it is ready. (openTab's wait for
// window.sdkReady passes at once: this page has none.)
func openGoApp(t *testing.T, token string) context.Context {
	t.Helper()
	q := url.Values{"host": {env.Server.APIURL()}, "token": {token}, "integration": {"zendesk"}, "subdomain": {"acme"}}
	ctx := openTab(t, env.App.URL+"/sdk/go-example.html?"+q.Encode())
	step(t, ctx, chromedp.WaitEnabled(chromedp.CSS("#connect")))
	return ctx
}

// goAppSettled waits until the result line shows the given attempt connected or failed.
func goAppSettled(t *testing.T, ctx context.Context, attempt int) goAppOutcome {
	t.Helper()
	raw := evalAwait[[]byte](t, ctx, fmt.Sprintf(`new Promise((resolve) => {
		const line = document.getElementById('result');
		const check = () => line.dataset.attempt === '%d' && ['connected', 'failed'].includes(line.dataset.state)
			? resolve({ ...line.dataset, text: line.textContent }) : setTimeout(check, 20);
		check();
	})`, attempt))
	var o goAppOutcome
	require.NoError(t, json.Unmarshal(raw, &o), "%s", raw)
	return o
}

// A Go app connects an account: Auth opens the popup inside the click, Wait's result names the
// connection, which the API reads back with the Params the app passed.
func TestGoAppConnects(t *testing.T) {
	ctx := openGoApp(t, newSession(t, nil))
	popup := clickConnect(t, ctx)
	approve(t, popup)
	o := goAppSettled(t, ctx, 1)
	require.Equal(t, "connected", o.State, "%s", o.Text)
	require.NotEmpty(t, o.ConnectionID)
	assert.Equal(t, "Attempt 1: connected zendesk, connection "+o.ConnectionID, o.Text)
	popupGone(t, popup)
	c := connection(t, o.ConnectionID, "zendesk")
	assert.Equal(t, map[string]any{"subdomain": "acme"}, c["connection_config"])
}

// Denied consent reaches the Go app as an *nango.AuthError of type access_denied (errors.As),
// which errors.Is matches to nango.ErrAccessDenied.
func TestGoAppDenied(t *testing.T) {
	ctx := openGoApp(t, newSession(t, nil))
	popup := clickConnect(t, ctx)
	atProvider(t, popup)
	step(t, popup, chromedp.Click(chromedp.CSS("#deny")))
	o := goAppSettled(t, ctx, 1)
	assert.Equal(t, goAppOutcome{Attempt: "1", State: "failed", Type: "access_denied", Text: "Attempt 1: you denied access at the provider"}, o)
	popupGone(t, popup)
}

// The Go app's Cancel button cancels Wait's context: the flow is aborted and its popup closed.
func TestGoAppCancel(t *testing.T) {
	ctx := openGoApp(t, newSession(t, nil))
	popup := clickConnect(t, ctx)
	atProvider(t, popup)
	step(t, ctx, chromedp.Click(chromedp.CSS("#cancel")))
	o := goAppSettled(t, ctx, 1)
	assert.Equal(t, goAppOutcome{Attempt: "1", State: "failed", Type: "aborted", Text: "Attempt 1: cancelled"}, o)
	popupGone(t, popup)
}

// Auth called outside a user's gesture (a script's click) cannot open the popup: Wait says
// blocked_by_browser instead of hanging.
func TestGoAppWithoutGestureIsBlocked(t *testing.T) {
	ctx := openGoApp(t, newSession(t, nil))
	require.False(t, eval[bool](t, ctx, `navigator.userActivation.isActive`), "the page must have no user activation")
	eval[any](t, ctx, `document.getElementById('connect').click(); 0`)
	o := goAppSettled(t, ctx, 1)
	assert.Equal(t, goAppOutcome{Attempt: "1", State: "failed", Type: "blocked_by_browser", Text: "Attempt 1: the browser blocked the popup: allow popups for this page"}, o)
}

// A second click's Auth supersedes the first: the first Wait returns superseded and its popup
// closes; the second flow goes on and connects.
func TestGoAppSecondAuthSupersedesTheFirst(t *testing.T) {
	ctx := openGoApp(t, newSession(t, nil))
	first := clickConnect(t, ctx)
	atProvider(t, first)
	second := clickConnect(t, ctx)
	o := goAppSettled(t, ctx, 1)
	assert.Equal(t, goAppOutcome{Attempt: "1", State: "failed", Type: "superseded", Text: "Attempt 1: gave way to a newer attempt"}, o)
	popupGone(t, first)
	approve(t, second)
	o = goAppSettled(t, ctx, 2)
	require.Equal(t, "connected", o.State, "%s", o.Text)
	connection(t, o.ConnectionID, "zendesk")
}
