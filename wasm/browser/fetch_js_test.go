//go:build js && wasm

package browser

import (
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// @nangohq/frontend's own unit tests stub fetch with an object that has ok and json() only,
// which is all the anchor reads; custom auth resolves with that JSON as it does there.
func TestCustomAuthReadsAStubWithOnlyJSON(t *testing.T) {
	saved, err := safejs.Global().Get("fetch")
	require.NoError(t, err)
	t.Cleanup(func() { _ = safejs.Global().Set("fetch", saved) })
	stub := jsEval(t, `(() => { const f = async (url, init) => { f.calls.push([url, init]);
		return { ok: true, json: () => Promise.resolve({ providerConfigKey: 'stripe', connectionId: 'conn' }) }; };
		f.calls = []; return f; })()`)
	require.NoError(t, safejs.Global().Set("fetch", stub))

	c := newTestClient(t)
	creds := auth.NewObject()
	creds.Set("apiKey", "sk_test")
	opts := auth.NewObject()
	opts.Set("credentials", creds)
	call, aerr := auth.ParseAuthCall("stripe", opts, auth.Undefined)
	require.Nil(t, aerr)
	req, aerr := call.CustomAuthRequest(c.Options())
	require.Nil(t, aerr)
	done := make(chan struct{})
	var body safejs.Value
	go func() {
		defer close(done)
		body, err = c.CustomAuth(req, auth.DefaultTimeoutMS, safejs.Undefined())
	}()
	<-done
	require.NoError(t, err)
	assert.Equal(t, "conn", str(t, get(t, body, "connectionId")))
	assert.Equal(t, testHost+"/api-auth/api-key/stripe?connect_session_token="+testToken, str(t, get(t, stub, "calls", 0, 0)))
}
