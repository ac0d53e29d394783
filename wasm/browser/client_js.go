//go:build js && wasm

package browser

import (
	"github.com/hack-pad/safejs"
	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// Client is one `new Nango(options)`.
type Client struct {
	opts auth.ClientOptions
	// this is the JavaScript Nango instance whose public `win` property mirrors the pending
	// popup flow, as @nangohq/frontend's does; undefined for Go programs.
	this safejs.Value
	// modal builds the `win` value (the glue's AuthorizationModal class); may be undefined.
	modal   safejs.Value
	current *runner
}

// NewClient parses options (the value model of package auth) with @nangohq/frontend's defaults.
// this and modal may be safejs.Undefined(). It fails with invalid_host_url or invalid_options.
func NewClient(options any, this, modal safejs.Value) (*Client, error) {
	opts, err := auth.ParseClientOptions(options, ResolveURL)
	if err != nil {
		return nil, err
	}
	c := &Client{opts: opts, this: this, modal: modal}
	c.setWin(safejs.Null())
	if opts.Debug {
		logWith("log", debugPrefix, "Debug mode is enabled.")
		logWith("log", debugPrefix, "Using host: "+opts.Host+".")
	}
	return c, nil
}

// Options returns the parsed options.
func (c *Client) Options() auth.ClientOptions { return c.opts }

// Start begins a popup auth() call. It must be called synchronously from a user gesture (a click
// handler): it opens the popup before returning. It returns an error only for what the anchor
// throws synchronously (missing_auth_token); every other failure settles the Pending, which
// always settles. signal may be an AbortSignal or undefined.
func (c *Client) Start(call auth.AuthCall, signal safejs.Value) (*Pending, error) {
	return c.StartIn(safejs.Undefined(), call, signal)
}

// StartIn is Start in a window the glue opened inside the click because nango.wasm was not
// ready yet (js/popup.js opens it blank, with the features Start would use): the flow runs in it
// as in its own. popup is that window, null when the browser blocked it, or undefined for Start
// to open one. A flow that ends before it begins closes the window it was given.
func (c *Client) StartIn(popup safejs.Value, call auth.AuthCall, signal safejs.Value) (*Pending, error) {
	if err := c.opts.EnsureCredentials(); err != nil {
		return nil, err
	}
	if isAborted(signal) {
		closePopup(popup)
		return settledPending(auth.NewError(auth.Aborted, "The authorization was aborted before it started: "+abortReason(signal))), nil
	}
	opened := popup.Type() == safejs.TypeObject
	if popup.IsUndefined() {
		popup, opened = openWindow(c.opts.Width, c.opts.Height)
	}
	c.cancel(auth.Replaced{})
	if !opened {
		return settledPending(auth.ErrBlocked()), nil
	}
	nonce, err := newNonce()
	if err != nil {
		closePopup(popup)
		return settledPending(auth.NewError(auth.UnknownError, "nango-wasm could not draw a random nonce: "+err.Error())), nil
	}
	query := auth.WithNonce(auth.QueryString(call.ConnectionID, c.opts, call.Options), nonce)
	href, err := serializeURL(c.opts.Host + "/oauth/connect/" + call.ProviderConfigKey + query)
	if err != nil {
		closePopup(popup) // the anchor leaves it open and blank
		return settledPending(auth.ErrInvalidHostURL()), nil
	}
	r := newRunner(c, call, popup, href, nonce)
	c.current = r
	c.setWin(c.newModal(popup))
	r.start(signal)
	return &Pending{r: r}, nil
}

// Clear is the anchor's clear(): it forgets the pending flow at once and closes its popup 500 ms
// later, giving the callback page time to post its message. Unlike the anchor, the pending
// auth() rejects (type aborted) instead of never settling.
func (c *Client) Clear() { c.cancel(auth.Cleared{}) }

// cancel forgets the pending flow, if any, and ends it with ev (Cleared, or Replaced by a newer
// auth()).
func (c *Client) cancel(ev auth.Event) {
	if r := c.current; r != nil {
		c.current = nil
		c.setWin(safejs.Null())
		r.dispatch(ev)
	}
}

// release forgets a finished flow, unless a newer one has replaced it.
func (c *Client) release(r *runner) {
	if c.current == r {
		c.current = nil
		c.setWin(safejs.Null())
	}
}

func (c *Client) setWin(v safejs.Value) {
	if c.this.Type() == safejs.TypeObject {
		_ = c.this.Set("win", v)
	}
}

func (c *Client) newModal(popup safejs.Value) safejs.Value {
	if c.modal.Type() != safejs.TypeFunction {
		return popup
	}
	m, err := c.modal.New(popup)
	if err != nil {
		return popup
	}
	return m
}

func (c *Client) debugf(msg string) {
	if c.opts.Debug {
		logWith("log", modalDebugPrefix, msg)
	}
}
