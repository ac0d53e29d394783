//go:build js && wasm

package nango

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/browser"
	"github.com/nango-wasm/nango-wasm/wasm/internal/jsfake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zendesk is what most tests connect: a Zendesk account, with the result coming back by
// postMessage (Node has no WebSocket).
var zendesk = AuthOptions{Params: map[string]string{"subdomain": "acme"}, Transport: TransportPostMessage}

func newClient(t *testing.T, opts Options) *Client {
	t.Helper()
	if opts.Host == "" {
		opts.Host = jsfake.Host
	}
	c, err := New(opts)
	require.NoError(t, err)
	return c
}

func withToken() Options { return Options{ConnectSessionToken: jsfake.SessionToken} }

// deliver posts data from the Nango host's origin and the n-th popup, as the callback page does.
func deliver(t *testing.T, w safejs.Value, n int, data string) {
	t.Helper()
	jsfake.Deliver(t, w, jsfake.Eval(t, data), jsfake.Host, jsfake.Get(t, w, "opened", n))
}

// succeed posts the dev server's success message for the flow of the n-th popup, echoing the
// nonce that binds it to its call.
func succeed(t *testing.T, w safejs.Value, n int, connectionID string) {
	t.Helper()
	nonce := jsfake.PopupNonce(t, jsfake.Get(t, w, "opened", n))
	deliver(t, w, n, `({ type: 'nango_oauth_callback_success', payload: { providerConfigKey: 'zendesk', connectionId: '`+connectionID+`', isPending: false, nonce: '`+nonce+`' } })`)
}

// requireAuthError checks err is an *AuthError of the given type, through errors.As as an app
// would, and returns it.
func requireAuthError(t *testing.T, err error, want ErrorType) *AuthError {
	t.Helper()
	var ae *AuthError
	require.True(t, errors.As(err, &ae), "want an *AuthError, got %v", err)
	assert.Equal(t, want, ae.Type, "message: %s", ae.Message)
	return ae
}

func popupClosed(t *testing.T, w safejs.Value, n int) bool {
	t.Helper()
	closed, _ := jsfake.Get(t, w, "opened", n, "closed").Bool()
	return closed
}

// Go options become the same popup, centred, and the same query string as nango.js's: keys of
// a map in sorted order, the rest in @nangohq/frontend's order.
func TestAuthOpensThePopupInsideTheCall(t *testing.T) {
	w := jsfake.Browser(t)
	c := newClient(t, Options{Host: jsfake.Host + "/", ConnectSessionToken: jsfake.SessionToken, Width: 800, Height: 700})
	p, err := c.Auth("zendesk", AuthOptions{
		ConnectionID:        "conn-1",
		Params:              map[string]string{"subdomain": "acme", "region": "eu"},
		AuthorizationParams: map[string]string{"prompt": "consent"},
		UserScope:           []string{"chat:write", "users:read"},
		HMAC:                "f00d",
		Credentials:         OAuthCredentialsOverride{ClientID: "app-id", ClientSecret: "app secret"},
		Transport:           TransportPostMessage,
	})
	require.NoError(t, err)
	popup := jsfake.Get(t, w, "opened", 0)
	assert.Equal(t, "", jsfake.String(t, jsfake.Get(t, popup, "openedWith", "url")), "opened blank, before Auth returned")
	assert.Contains(t, jsfake.String(t, jsfake.Get(t, popup, "openedWith", "features")), "left=560,top=190,width=800,height=700,")
	assert.Equal(t, jsfake.Host+"/oauth/connect/zendesk?nango_wasm_nonce="+jsfake.PopupNonce(t, popup)+"&connection_id=conn-1&connect_session_token="+jsfake.SessionToken+
		"&params[region]=eu&params[subdomain]=acme&hmac=f00d&user_scope=chat:write,users:read"+
		"&credentials[oauth_client_id_override]=app-id&credentials[oauth_client_secret_override]=app%20secret&authorization_params[prompt]=consent",
		jsfake.String(t, jsfake.Get(t, popup, "location")))

	succeed(t, w, 0, "conn-1")
	r, err := p.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Result{ProviderConfigKey: "zendesk", ConnectionID: "conn-1"}, r)
	select {
	case <-p.Done():
	default:
		t.Error("Done is not closed after Wait returned")
	}
	r2, err := p.Wait(context.Background())
	assert.NoError(t, err)
	assert.Equal(t, r, r2, "a second Wait returns the same outcome")
}

// Each way a flow fails reaches a Go program as an *AuthError of its type, and the outcomes an
// app handles match their sentinels with errors.Is.
func TestWaitReturnsTypedErrors(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		auth     AuthOptions
		blocked  bool
		act      func(t *testing.T, w safejs.Value)
		want     ErrorType
		sentinel error
	}{
		{name: "the user denies access", auth: zendesk, want: AccessDenied, sentinel: ErrAccessDenied, act: func(t *testing.T, w safejs.Value) {
			deliver(t, w, 0, `({ type: 'nango_oauth_callback_error', payload: { errorType: 'callback_err', message: 'Provider error', providerError: { error: 'access_denied' } } })`)
		}},
		{name: "the browser blocks the popup", auth: zendesk, blocked: true, want: BlockedByBrowser, sentinel: ErrBlockedByBrowser},
		{name: "the timeout passes", auth: AuthOptions{Params: zendesk.Params, Transport: TransportPostMessage, Timeout: 50 * time.Millisecond}, want: Timeout, sentinel: ErrTimeout},
		{name: "the client's timeout is the default", opts: Options{Timeout: 50 * time.Millisecond}, auth: zendesk, want: Timeout, sentinel: ErrTimeout},
		{name: "the user closes the popup", opts: Options{DetectClosedAuthWindow: true}, auth: zendesk, want: WindowClosed, sentinel: ErrWindowClosed, act: func(t *testing.T, w safejs.Value) {
			_, err := jsfake.Get(t, w, "opened", 0).Call("close")
			require.NoError(t, err)
		}},
		{name: "a server type passes through", auth: zendesk, want: "unknown_connect_session_token", act: func(t *testing.T, w safejs.Value) {
			deliver(t, w, 0, `({ type: 'nango_oauth_callback_error', payload: { errorType: 'unknown_connect_session_token', message: 'Unknown session' } })`)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := jsfake.Browser(t)
			if tc.blocked {
				require.NoError(t, w.Set("openBehaviour", "null"))
			}
			tc.opts.ConnectSessionToken = jsfake.SessionToken
			p, err := newClient(t, tc.opts).Auth("zendesk", tc.auth)
			require.NoError(t, err, "the failure comes from Wait")
			if tc.act != nil {
				tc.act(t, w)
			}
			_, err = p.Wait(context.Background())
			requireAuthError(t, err, tc.want)
			if tc.sentinel != nil {
				assert.ErrorIs(t, err, tc.sentinel)
			}
			assert.NotErrorIs(t, err, ErrAborted)
		})
	}
}

// Ending Wait's context aborts the flow and closes its popup; the error says both what
// happened to the call (Aborted) and why (the context's cause).
func TestContextEndsTheFlow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ctx   func() (context.Context, context.CancelFunc)
		cause error
	}{
		{"cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			go func() { time.Sleep(10 * time.Millisecond); cancel() }()
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 30*time.Millisecond)
		}, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := jsfake.Browser(t)
			p, err := newClient(t, withToken()).Auth("zendesk", zendesk)
			require.NoError(t, err)
			ctx, cancel := tc.ctx()
			defer cancel()
			_, err = p.Wait(ctx)
			ae := requireAuthError(t, err, Aborted)
			assert.ErrorIs(t, err, ErrAborted)
			assert.ErrorIs(t, err, tc.cause)
			assert.Contains(t, ae.Message, tc.cause.Error())
			require.NoError(t, jsfake.WaitFor(func() bool { return popupClosed(t, w, 0) }), "the popup was closed")
		})
	}

	t.Run("a flow that settled first keeps its result", func(t *testing.T) {
		w := jsfake.Browser(t)
		p, err := newClient(t, withToken()).Auth("zendesk", zendesk)
		require.NoError(t, err)
		succeed(t, w, 0, "c-2")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r, err := p.Wait(ctx)
		require.NoError(t, err)
		assert.Equal(t, "c-2", r.ConnectionID)
	})
}

// A second Auth supersedes the first, whose popup closes; Clear aborts the pending one.
func TestSupersedeAndClear(t *testing.T) {
	w := jsfake.Browser(t)
	c := newClient(t, withToken())
	first, err := c.Auth("zendesk", zendesk)
	require.NoError(t, err)
	second, err := c.Auth("zendesk", zendesk)
	require.NoError(t, err)
	_, err = first.Wait(context.Background())
	requireAuthError(t, err, Superseded)
	assert.ErrorIs(t, err, ErrSuperseded)
	require.NoError(t, jsfake.WaitFor(func() bool { return popupClosed(t, w, 0) }))
	assert.False(t, popupClosed(t, w, 1), "the second popup is the live one")

	c.Clear()
	_, err = second.Wait(context.Background())
	requireAuthError(t, err, Aborted)
}

// What is wrong before a flow could start is returned at once, and nothing is opened.
func TestSynchronousErrors(t *testing.T) {
	w := jsfake.Browser(t)
	_, err := New(Options{Host: "not a url"})
	requireAuthError(t, err, InvalidHostURL)
	_, err = New(Options{Width: -1})
	requireAuthError(t, err, InvalidOptions)

	noToken := newClient(t, Options{})
	_, err = noToken.Auth("zendesk", zendesk)
	requireAuthError(t, err, MissingAuthToken)
	_, err = noToken.Create("zendesk", AuthOptions{})
	requireAuthError(t, err, MissingAuthToken)
	_, err = newClient(t, Options{PublicKey: "pk"}).Reconnect("zendesk", zendesk)
	requireAuthError(t, err, MissingConnectSessionToken)

	c := newClient(t, withToken())
	for name, tc := range map[string]struct {
		call func() (*Pending, error)
		want ErrorType
	}{
		"no integration":         {func() (*Pending, error) { return c.Auth("", zendesk) }, InvalidOptions},
		"unknown transport":      {func() (*Pending, error) { return c.Auth("zendesk", AuthOptions{Transport: "carrier pigeon"}) }, InvalidOptions},
		"reconnect with an id":   {func() (*Pending, error) { return c.Reconnect("zendesk", AuthOptions{ConnectionID: "c"}) }, InvalidOptions},
		"outbound without creds": {func() (*Pending, error) { return c.Auth("zendesk", AuthOptions{Installation: "outbound"}) }, MissingCredentials},
		"credentials JSON cannot carry": {func() (*Pending, error) {
			return c.Auth("zendesk", AuthOptions{Credentials: JWTCredentials{"privateKey": map[string]any{"key": struct{}{}}}})
		}, InvalidOptions},
	} {
		p, err := tc.call()
		assert.Nil(t, p, name)
		requireAuthError(t, err, tc.want)
	}
	n, _ := jsfake.Get(t, w, "opened").Length()
	assert.Zero(t, n, "no popup was opened")
}

// Each kind of credentials goes to its Nango endpoint with its body, without a popup, and
// Wait returns the connection Nango answers with.
func TestCredentialsReachTheirEndpoint(t *testing.T) {
	query := "zendesk?connect_session_token=" + jsfake.SessionToken
	tests := []struct {
		name     string
		creds    Credentials
		path     string
		wantBody string
	}{
		{"API key", APIKeyCredentials{APIKey: "k-1"}, "/api-auth/api-key/" + query, `{"apiKey":"k-1"}`},
		{"basic", BasicCredentials{Username: "ada", Password: "pw"}, "/api-auth/basic/" + query, `{"username":"ada","password":"pw"}`},
		{"TBA", TBACredentials{TokenID: "ti", TokenSecret: "ts"}, "/auth/tba/" + query, `{"token_id":"ti","token_secret":"ts"}`},
		{"JWT", JWTCredentials{"issuerId": "iss", "privateKey": map[string]any{"id": "kid", "secret": "s"}}, "/auth/jwt/" + query,
			`{"type":"JWT","issuerId":"iss","privateKey":{"id":"kid","secret":"s"}}`},
		{"two-step", TwoStepCredentials{"token": "t", "tries": 3}, "/auth/two-step/" + query, `{"type":"TWO_STEP","token":"t","tries":3}`},
		{"OAuth 2 client credentials", OAuth2ClientCredentials{ClientID: "cid", ClientSecret: "cs"}, "/oauth2/auth/" + query, `{"client_id":"cid","client_secret":"cs"}`},
		{"Bill", BillCredentials{Username: "u", Password: "p", OrganizationID: "o", DevKey: "d"}, "/auth/bill/" + query,
			`{"username":"u","password":"p","organization_id":"o","dev_key":"d"}`},
		{"signature", SignatureCredentials{Username: "u", Password: "p"}, "/auth/signature/" + query, `{"type":"SIGNATURE","username":"u","password":"p"}`},
		{"AWS SigV4", AWSSigV4Credentials{RoleARN: "arn:aws:iam::1:role/r", Region: "eu-west-1"}, "/auth/aws-sigv4/" + query, `{"role_arn":"arn:aws:iam::1:role/r","region":"eu-west-1"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := jsfake.Browser(t)
			requests := jsfake.Fetch(t, 200, `{"providerConfigKey":"zendesk","connectionId":"c-9"}`)
			p, err := newClient(t, withToken()).Auth("zendesk", AuthOptions{Credentials: tc.creds})
			require.NoError(t, err)
			r, err := p.Wait(context.Background())
			require.NoError(t, err)
			assert.Equal(t, Result{ProviderConfigKey: "zendesk", ConnectionID: "c-9"}, r)
			req := jsfake.Get(t, requests, 0)
			assert.Equal(t, jsfake.Host+tc.path, jsfake.String(t, jsfake.Get(t, req, "url")))
			assert.Equal(t, "POST", jsfake.String(t, jsfake.Get(t, req, "method")))
			assert.Equal(t, "application/json", jsfake.String(t, jsfake.Get(t, req, "contentType")))
			assert.JSONEq(t, tc.wantBody, jsfake.String(t, jsfake.Get(t, req, "body")))
			n, _ := jsfake.Get(t, w, "opened").Length()
			assert.Zero(t, n, "no popup")
		})
	}
}

// Create posts to Nango's unauthenticated endpoint; a server's error envelope becomes its type.
func TestCreateAndServerErrors(t *testing.T) {
	jsfake.Browser(t)
	requests := jsfake.Fetch(t, 200, `{"providerConfigKey":"unauthenticated","connectionId":"c-1"}`)
	p, err := newClient(t, withToken()).Create("unauthenticated", AuthOptions{ConnectionID: "c-1", Params: map[string]string{"a": "b"}})
	require.NoError(t, err)
	r, err := p.Wait(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Result{ProviderConfigKey: "unauthenticated", ConnectionID: "c-1"}, r)
	assert.Equal(t, jsfake.Host+"/auth/unauthenticated/unauthenticated?connection_id=c-1&connect_session_token="+jsfake.SessionToken+"&params[a]=b",
		jsfake.String(t, jsfake.Get(t, requests, 0, "url")))
	assert.True(t, jsfake.Get(t, requests, 0, "body").IsUndefined(), "no body")

	jsfake.Fetch(t, 400, `{"error":{"code":"connection_test_failed","message":"The API key was refused"}}`)
	p, err = newClient(t, withToken()).Auth("zendesk", AuthOptions{Credentials: APIKeyCredentials{APIKey: "bad"}})
	require.NoError(t, err)
	_, err = p.Wait(context.Background())
	ae := requireAuthError(t, err, ConnectionTestFailed)
	assert.Equal(t, "The API key was refused", ae.Message)
}

// Ending Wait's context aborts a request too: its fetch is aborted, and the error is Aborted.
func TestContextAbortsARequest(t *testing.T) {
	jsfake.Browser(t)
	requests := jsfake.Fetch(t, 0, "")
	p, err := newClient(t, withToken()).Auth("zendesk", AuthOptions{Credentials: APIKeyCredentials{APIKey: "k"}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err = p.Wait(ctx)
	requireAuthError(t, err, Aborted)
	assert.ErrorIs(t, err, context.Canceled)
	aborted, _ := jsfake.Get(t, requests, 0, "signal", "aborted").Bool()
	assert.True(t, aborted, "the fetch was aborted")
}

// The Connect UI's events reach a Go handler typed; a handler that panics does not stop the
// next event.
func TestOpenConnectUI(t *testing.T) {
	w := jsfake.Browser(t)
	doc := jsfake.Document(t)
	var events []ConnectUIEvent
	panicked := false
	u, err := newClient(t, withToken()).OpenConnectUI(ConnectUIOptions{
		BaseURL: jsfake.Host + "/connect", APIURL: jsfake.Host, Lang: "fr",
		OnEvent: func(ev ConnectUIEvent) {
			if ev.Type == ConnectUIReady && !panicked {
				panicked = true
				panic("a bug in the app's handler")
			}
			events = append(events, ev)
		},
	})
	require.NoError(t, err)
	iframe := jsfake.Get(t, doc, "body", "children", 0)
	assert.Equal(t, jsfake.Host+"/connect/?apiURL=http%3A%2F%2F127.0.0.1%3A3003&lang=fr", jsfake.String(t, jsfake.Get(t, iframe, "src")))
	frame := jsfake.Get(t, iframe, "contentWindow")
	send := func(data string) { jsfake.Deliver(t, w, jsfake.Eval(t, data), jsfake.Host, frame) }

	send(`({ type: 'ready' })`)
	assert.Equal(t, jsfake.SessionToken, jsfake.String(t, jsfake.Get(t, frame, "posted", 0, "data", "sessionToken")), "the client's token by default")
	send(`({ type: 'connect', payload: { providerConfigKey: 'github', connectionId: 'c-3' } })`)
	send(`({ type: 'error', payload: { errorType: 'window_closed', errorMessage: 'closed' } })`)
	send(`({ type: 'settings_changed', payload: { defaultTheme: 'dark', showWatermark: false } })`)
	send(`({ type: 'close' })`)

	require.Len(t, events, 4, "every event after the one whose handler panicked")
	assert.Equal(t, ConnectUIConnect, events[0].Type)
	assert.Equal(t, Result{ProviderConfigKey: "github", ConnectionID: "c-3"}, events[0].Result)
	assert.Equal(t, ConnectUIError, events[1].Type)
	require.NotNil(t, events[1].Err)
	assert.ErrorIs(t, events[1].Err, ErrWindowClosed)
	assert.Equal(t, "closed", events[1].Err.Message)
	assert.Equal(t, map[string]any{"defaultTheme": "dark", "showWatermark": false}, events[2].Payload)
	assert.Equal(t, ConnectUIClose, events[3].Type)
	n, _ := jsfake.Get(t, doc, "body", "children").Length()
	assert.Zero(t, n, "the close event removed the iframe")
	u.Close()
}

// Every js.Func a call makes is released once it settles, however it settles.
func TestCallsReleaseTheirFuncs(t *testing.T) {
	w := jsfake.Browser(t)
	jsfake.Fetch(t, 200, `{"providerConfigKey":"zendesk","connectionId":"c"}`)
	require.NoError(t, jsfake.WaitFor(func() bool { return browser.LiveFuncs() == 0 }), "earlier tests' popups still closing")
	c := newClient(t, withToken())
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range 10 {
		p, err := c.Auth("zendesk", zendesk)
		require.NoError(t, err)
		ctx := context.Background()
		if i%2 == 0 {
			succeed(t, w, i, "c")
		} else {
			ctx = cancelled
		}
		_, _ = p.Wait(ctx)
		p, err = c.Auth("zendesk", AuthOptions{Credentials: APIKeyCredentials{APIKey: "k"}})
		require.NoError(t, err)
		_, _ = p.Wait(ctx)
	}
	require.NoError(t, jsfake.WaitFor(func() bool { return browser.LiveFuncs() == 0 }), "live funcs: %d", browser.LiveFuncs())
}
