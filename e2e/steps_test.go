package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/nango-wasm/nango-wasm/internal/harness"
	"github.com/nango-wasm/nango-wasm/server"
	"github.com/stretchr/testify/require"
)

// outcome is what a fixture page recorded of one auth() call.
type outcome = Outcome

// newSession creates a connect session over the API as an app's backend would.
func newSession(t *testing.T, body map[string]any) string {
	t.Helper()
	return newSessionAt(t, env.Server, body)
}

// newSessionAt creates a connect session on another dev server than the suite's.
func newSessionAt(t *testing.T, srv *server.Server, body map[string]any) string {
	t.Helper()
	token, err := NewSession(srv, body)
	require.NoError(t, err)
	return token
}

// apiJSON calls the dev server's API with the secret key and decodes the JSON answer.
func apiJSON(t *testing.T, method, path string, body, out any) int {
	t.Helper()
	return apiJSONAt(t, env.Server, method, path, body, out)
}

// apiJSONAt is apiJSON on another dev server than the suite's.
func apiJSONAt(t *testing.T, srv *server.Server, method, path string, body, out any) int {
	t.Helper()
	status, err := APIJSON(srv, method, path, body, out)
	require.NoError(t, err)
	return status
}

// connection reads a stored connection back over the API.
func connection(t *testing.T, id, key string) map[string]any {
	t.Helper()
	var c map[string]any
	status := apiJSON(t, http.MethodGet, "/connection/"+url.PathEscape(id)+"?provider_config_key="+url.QueryEscape(key), nil, &c)
	require.Equal(t, http.StatusOK, status, "connection %s/%s", key, id)
	return c
}

// openTab opens a fresh tab on a fixture page and waits until the SDK is ready. Uncaught
// exceptions and console errors on the page fail the test.
func openTab(t *testing.T, pageURL string) context.Context {
	t.Helper()
	ctx := newWatchedTab(t)
	step(t, ctx, chromedp.Navigate(pageURL))
	evalAwait[any](t, ctx, `window.sdkReady`)
	return ctx
}

// newWatchedTab opens an empty tab whose uncaught exceptions and console errors fail the test.
func newWatchedTab(t *testing.T) context.Context {
	t.Helper()
	ctx := newTab(t)
	failOnPageErrors(t, ctx)
	return ctx
}

// failOnPageErrors fails the test, at its end, for every error the tab's pages reported.
func failOnPageErrors(t *testing.T, ctx context.Context) {
	t.Helper()
	errs := WatchPageErrors(ctx)
	t.Cleanup(func() {
		for _, e := range errs.List() {
			t.Errorf("page error: %s", e)
		}
	})
}

// newTab opens an empty tab, closed when the test ends.
func newTab(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel, err := harness.OpenTab(env.Browser)
	require.NoError(t, err)
	t.Cleanup(cancel)
	return ctx
}

// fixtureURL is a fixture page on the app origin, pointed at the dev server's API.
func fixtureURL(page, token string) string {
	q := url.Values{"host": {env.Server.APIURL()}}
	if token != "" {
		q.Set("token", token)
	}
	return env.App.URL + "/" + page + "?" + q.Encode()
}

func step(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, harness.Step(ctx, actions...))
}

// value runs one action that yields a value, within the harness's step timeout.
func value[T any](t *testing.T, ctx context.Context, action chromedp.Action[T], what string) T {
	t.Helper()
	v, err := harness.Value(ctx, action)
	require.NoError(t, err, what)
	return v
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	return value(t, ctx, chromedp.Evaluate[T](js), js)
}

func evalAwait[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	return value(t, ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise), js)
}

// setAuthArgs sets what the Connect button passes to auth() (a JavaScript expression).
func setAuthArgs(t *testing.T, ctx context.Context, args string) {
	t.Helper()
	eval[any](t, ctx, `window.authArgs = `+args+`; 0`)
}

// clickConnect clicks the page's Connect button with real input events, as a user does, and
// returns the popup the click opened, attached.
func clickConnect(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	return attach(t, ctx, clickOpeningPopup(t, ctx, "#connect"))
}

// clickOpeningPopup clicks selector and returns the id of the popup the click opened, without
// attaching to it: a popup that shows an error page may close itself before a test could. With
// an empty selector, click is the click action (for an element inside a frame).
func clickOpeningPopup(t *testing.T, ctx context.Context, selector string, click ...chromedp.Action[chromedp.Void]) target.ID {
	t.Helper()
	popups := harness.WatchPopup(ctx) // this tab's popup, not another test's
	if selector != "" {
		click = []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(selector))}
	}
	step(t, ctx, click...)
	id, err := harness.WaitPopup(popups)
	require.NoError(t, err)
	return id
}

// attach returns a context on the popup with the given id, and closes the popup when the test
// ends. The popup navigates while it is attached to (blank, then the connect URL, then the
// provider's page), and a provider page with Cross-Origin-Opener-Policy moves it to another
// process: Chromium then fails the attachment's commands with "Inspected target navigated or
// closed", and the same target can be attached to once the navigation has committed, which a few
// tries allow for. A failed try only detaches: closing the popup would end the flow.
func attach(t *testing.T, ctx context.Context, id target.ID) context.Context {
	t.Helper()
	for try := 1; ; try++ {
		popup, cancel, err := harness.OpenTab(ctx, chromedp.WithTargetID(id), chromedp.WithDetachOnCancel())
		if err == nil {
			t.Cleanup(func() {
				cancel()
				// Gone already when its page closed itself.
				_, _ = chromedp.CallBrowser(ctx, target.CloseTarget, target.CloseTargetParams{TargetID: id})
			})
			return popup
		}
		if try == 3 || !strings.Contains(err.Error(), "Inspected target navigated or closed") {
			require.NoError(t, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// atProvider waits for the mock provider's consent page in the popup and returns the real
// authorization URL it shows.
// approve waits for the mock provider's consent page in the popup and clicks Approve.
func approve(t *testing.T, popup context.Context) {
	t.Helper()
	atProvider(t, popup)
	step(t, popup, chromedp.Click(chromedp.CSS("#approve")))
}

func atProvider(t *testing.T, popup context.Context) string {
	t.Helper()
	step(t, popup, chromedp.WaitVisible(chromedp.CSS("#approve")))
	return text(t, popup, "#authorization-url")
}

func text(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	return strings.TrimSpace(value(t, ctx, chromedp.Text(chromedp.CSS(selector)), selector))
}

// lastOutcome waits for the latest auth() call to settle and returns what it settled with.
func lastOutcome(t *testing.T, ctx context.Context) outcome {
	t.Helper()
	evalAwait[any](t, ctx, `window.last`)
	return outcomeAt(t, ctx, -1)
}

// forgedReceived counts the messages carrying the connection id "forged" that reached the page
// (a fixture's window.received), so a test of ignored forgeries knows they were delivered.
func forgedReceived(t *testing.T, ctx context.Context) int {
	t.Helper()
	return eval[int](t, ctx, `window.received.filter((m) => m.includes('"forged"')).length`)
}

// outcomeAt returns the i-th recorded outcome (negative counts from the end), settled or not.
func outcomeAt(t *testing.T, ctx context.Context, i int) outcome {
	t.Helper()
	raw := eval[[]byte](t, ctx, fmt.Sprintf(`window.outcomes.at(%d)`, i))
	var o outcome
	require.NoError(t, json.Unmarshal(raw, &o), "%s", raw)
	return o
}

// requireRejected checks a settled outcome is an AuthError of the given type, an Error named
// AuthError.
func requireRejected(t *testing.T, o outcome, wantType string) {
	t.Helper()
	RequireRejected(t, o, wantType)
	require.True(t, o.IsError, "not an Error")
	require.Equal(t, "AuthError", o.Name)
}

// popupGone waits until a popup no longer exists (the SDK or the page closed it).
func popupGone(t *testing.T, popup context.Context) {
	t.Helper()
	targetGone(t, chromedp.FromContext(popup).Target.TargetID)
}

func targetGone(t *testing.T, id target.ID) {
	t.Helper()
	deadline := time.Now().Add(harness.StepTimeout)
	for time.Now().Before(deadline) {
		targets, err := chromedp.Targets(env.Browser)
		require.NoError(t, err)
		found := false
		for _, ti := range targets {
			found = found || ti.TargetID == id
		}
		if !found {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the popup is still open")
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// apiJSONAsSession calls the API with a connect session token.
func apiJSONAsSession(t *testing.T, method, path, token string) int {
	t.Helper()
	req, err := http.NewRequest(method, env.Server.APIURL()+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

// outcomeAfterSettle waits until the i-th auth() call has settled.
func outcomeAfterSettle(t *testing.T, ctx context.Context, i int) outcome {
	t.Helper()
	evalAwait[any](t, ctx, fmt.Sprintf(`new Promise((resolve) => { const check = () => window.outcomes[%d].settled ? resolve() : setTimeout(check, 20); check(); })`, i))
	return outcomeAt(t, ctx, i)
}

// postAsSession POSTs JSON to a custom-auth endpoint with a connect session token, as the SDK does.
func postAsSession(t *testing.T, path, token string, body, out any) int {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	res, err := http.Post(env.Server.APIURL()+path+"?connect_session_token="+url.QueryEscape(token), "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	if out != nil {
		require.NoError(t, json.Unmarshal(raw, out), "%s", raw)
	}
	return res.StatusCode
}
