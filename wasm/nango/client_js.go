//go:build js && wasm

package nango

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
	"github.com/nango-wasm/nango-wasm/wasm/browser"
)

// Client is @nangohq/frontend's Nango: one per connect session token (or public key). Its
// methods never block; call them from the browser's event loop (an event handler) or from a
// goroutine, but Auth and Reconnect from a click handler (see the package doc).
type Client struct {
	c        *browser.Client
	defaults Options
}

// New checks opts and returns a Client. It fails with an *AuthError of type InvalidHostURL
// when Host is not a URL, and InvalidOptions when Width or Height is negative. A missing token
// is reported by Auth (MissingAuthToken), as @nangohq/frontend does, since a Client that only
// opens the Connect UI needs none.
func New(opts Options) (*Client, error) {
	c, err := browser.NewClient(opts.value(), safejs.Undefined(), safejs.Undefined())
	if err != nil {
		return nil, err
	}
	return &Client{c: c, defaults: opts}, nil
}

// Auth connects an account of the integration whose unique key is integrationID (as set up in
// Nango). Call it synchronously from a click's event handler: it opens the popup before it
// returns, then returns at once. Wait for the result in a goroutine.
//
// Auth returns an error, and opens nothing, for what is wrong before the flow could start:
// MissingAuthToken, InvalidOptions, MissingCredentials. Everything else (BlockedByBrowser
// included) is returned by Wait. With Credentials other than OAuthCredentialsOverride, or with
// Installation "outbound", Auth sends them to Nango without a popup and needs no gesture.
//
// A newer Auth or Reconnect ends a pending one with Superseded and closes its popup.
func (c *Client) Auth(integrationID string, opts AuthOptions) (*Pending, error) {
	call, err := c.parse(integrationID, opts)
	if err != nil {
		return nil, err
	}
	if call.IsCustomAuth() {
		req, err := call.CustomAuthRequest(c.c.Options())
		if err != nil {
			return nil, err
		}
		return c.request(req, call.TimeoutMS)
	}
	p, err := c.c.Start(call, safejs.Undefined())
	if err != nil {
		return nil, err
	}
	return popupPending(p), nil
}

// Reconnect is Auth for a connection that exists: Nango finds it through the reconnect session
// your backend created (POST /connect/sessions/reconnect), whose token the Client must hold;
// without one it fails with MissingConnectSessionToken. opts.ConnectionID must be empty.
func (c *Client) Reconnect(integrationID string, opts AuthOptions) (*Pending, error) {
	if c.c.Options().ConnectSessionToken == "" {
		return nil, auth.ErrReconnectNeedsToken()
	}
	if opts.ConnectionID != "" {
		return nil, auth.NewError(InvalidOptions, "Reconnect takes the connection from the reconnect session: leave ConnectionID empty")
	}
	return c.Auth(integrationID, opts)
}

// Create creates a connection of an integration that needs no authorization (auth mode
// NONE), without a popup. It reads ConnectionID, Params, HMAC, UserScope, AuthorizationParams
// and Timeout from opts. It fails at once with MissingAuthToken or InvalidOptions; the rest
// comes from Wait.
func (c *Client) Create(integrationID string, opts AuthOptions) (*Pending, error) {
	call, err := c.parse(integrationID, opts)
	if err != nil {
		return nil, err
	}
	var second any = call.Options
	if call.ConnectionID != "" {
		second = call.ConnectionID
	}
	req, aerr := auth.CreateRequest(c.c.Options(), integrationID, second, call.Options)
	if aerr != nil {
		return nil, aerr
	}
	return c.request(req, call.TimeoutMS)
}

// Clear is @nangohq/frontend's clear(): the pending popup flow ends with Aborted and its popup
// closes half a second later, so that a result already on its way is not cut off. Calls
// without a popup are not affected; end them with Wait's context.
func (c *Client) Clear() { c.c.Clear() }

// parse turns integrationID and opts into the call nango.js would make, checked by the one
// auth.ParseAuthCall. As in nango.js, a missing token is reported before the arguments.
func (c *Client) parse(integrationID string, opts AuthOptions) (auth.AuthCall, error) {
	if err := c.c.Options().EnsureCredentials(); err != nil {
		return auth.AuthCall{}, err
	}
	options := opts.value(c.defaults)
	if creds, ok := options.Object("credentials"); ok {
		if err := checkCredentials(creds, "Credentials"); err != nil {
			return auth.AuthCall{}, err
		}
	}
	var second, third any = options, auth.Undefined
	if opts.ConnectionID != "" {
		second, third = opts.ConnectionID, options
	}
	call, err := auth.ParseAuthCall(integrationID, second, third)
	if err != nil {
		return auth.AuthCall{}, err
	}
	return call, nil
}

// request sends a call without a popup (custom auth, Create) to Nango from a goroutine; Wait's
// context aborts it through an AbortSignal, as a page's signal option does.
func (c *Client) request(req auth.CustomRequest, timeoutMS float64) (*Pending, error) {
	aborter, err := browser.NewAborter()
	if err != nil {
		return nil, browser.AsAuthError(err)
	}
	done := make(chan struct{})
	p := &Pending{done: done, abort: aborter.Abort}
	go func() {
		defer close(done)
		v, err := browser.Recover(func() (any, error) {
			body, err := c.c.CustomAuth(req, timeoutMS, aborter.Signal())
			if err != nil {
				return nil, err
			}
			return auth.ReplyResult(browser.ToGo(body)), nil
		})
		if err != nil {
			p.err = browser.AsAuthError(err)
			return
		}
		p.result = Result(v.(auth.Result))
	}()
	return p, nil
}
