//go:build js && wasm

package browser

import (
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// glueWindow is a window as the glue hands it over: opened blank inside the click, before
// nango.wasm was ready.
func glueWindow(t *testing.T) safejs.Value {
	t.Helper()
	return jsEval(t, `({ closed: false, location: '', received: [],
		postMessage(data, targetOrigin) { this.received.push({ data, targetOrigin }); },
		close() { this.closed = true; } })`)
}

// The flow runs in the window the glue opened: Start opens no second one, navigates the given
// one, and trusts the messages that come from it.
func TestStartInRunsTheFlowInTheGlueWindow(t *testing.T) {
	w := fakeBrowser(t)
	popup := glueWindow(t)
	p, err := newTestClient(t).StartIn(popup, authCall(t), safejs.Undefined())
	require.NoError(t, err)
	n, _ := get(t, w, "opened").Length()
	assert.Zero(t, n, "no second window")
	assert.Equal(t, testHost+"/oauth/connect/zendesk?nango_wasm_nonce="+popupNonce(t, popup)+"&connect_session_token="+testToken+"&params[subdomain]=acme", str(t, get(t, popup, "location")))
	deliver(t, w, successMessage(t, popup, "conn-1"), testHost, popup)
	r, err := p.Wait()
	require.NoError(t, err)
	assert.Equal(t, "conn-1", r.ConnectionID)
}

// The glue's window.open returned null: the browser blocked it, and Start does not try again
// (outside the click it would be blocked too).
func TestStartInWithABlockedWindow(t *testing.T) {
	w := fakeBrowser(t)
	p, err := newTestClient(t).StartIn(safejs.Null(), authCall(t), safejs.Undefined())
	require.NoError(t, err)
	_, err = p.Wait()
	requireAuthError(t, err, auth.BlockedByBrowser)
	n, _ := get(t, w, "opened").Length()
	assert.Zero(t, n)
}

// A flow aborted before nango.wasm was ready closes the window the glue opened for it.
func TestStartInAbortedClosesTheGlueWindow(t *testing.T) {
	fakeBrowser(t)
	popup := glueWindow(t)
	signal := get(t, jsEval(t, `(() => { const c = new AbortController(); c.abort(); return c; })()`), "signal")
	p, err := newTestClient(t).StartIn(popup, authCall(t), signal)
	require.NoError(t, err)
	_, err = p.Wait()
	requireAuthError(t, err, auth.Aborted)
	closed, _ := get(t, popup, "closed").Bool()
	assert.True(t, closed)
}
