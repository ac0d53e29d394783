// Package engines drives the popup flow in the three browser engines a user may have: Chromium
// (through chromedp, as the rest of e2e/ does), Firefox (through its built-in WebDriver BiDi) and
// WebKit, Safari's engine (through WebKitGTK's WebDriver, classic only), behind one Browser
// interface, so that each scenario is written once and run in all three.
//
// Every engine runs with its popup blocker on and clicks with trusted input events, and no script
// the tests evaluate hands the page a user activation: a popup opened outside the click is blocked
// here as it would be for a user.
//
// Why small clients of our own for Firefox and WebKit: no maintained Go library speaks either
// protocol to these browsers. Go's WebDriver clients (tebeka/selenium and its forks) are classic
// only, need geckodriver for Firefox (Debian has none) and are unmaintained since about 2021; the one
// with some BiDi (hupe1980/gowebdriver) reaches it only through a driver and has no input actions;
// rod and chromedp speak CDP, which Firefox dropped. Node's puppeteer-core (BiDi) and
// selenium-webdriver (classic) do work, but would split one tier across two languages and three
// clients around the Go servers, and puppeteer evaluates every script with user activation, the
// very thing these tests must not do. What the scenarios need is a dozen commands, each one JSON
// message over libraries the project already has (net/http, github.com/coder/websocket); here
// every one of them, and whether it grants activation, is in plain sight.
package engines

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Browser is one running browser engine.
type Browser interface {
	// Name is the engine's name: chromium, firefox or webkit.
	Name() string
	// Version is the browser's own version string (e.g. "153.8.0").
	Version() string
	// NewTab opens an empty tab (or window) of its own.
	NewTab(ctx context.Context) (Tab, error)
	// Close ends the browser and everything it started.
	Close() error
}

// Tab is one top-level window: an app page, or a popup one opened.
type Tab interface {
	// Navigate loads url and waits for its load event.
	Navigate(ctx context.Context, url string) error
	// Eval evaluates a JavaScript expression in the page, awaits it if it is a promise, and
	// returns its value as JSON. It never grants the page a user activation.
	Eval(ctx context.Context, expression string) (json.RawMessage, error)
	// Click clicks the element that matches a CSS selector with trusted input events, as a user.
	Click(ctx context.Context, selector string) error
	// ClickForPopup clicks as Click does and returns the window the click opened.
	ClickForPopup(ctx context.Context, selector string) (Tab, error)
	// Close closes the window, as the user closing it.
	Close(ctx context.Context) error
	// WaitClosed waits until the window no longer exists (the page or the SDK closed it).
	WaitClosed(ctx context.Context) error
	// PageErrors lists the uncaught exceptions and console errors seen in the page so far; nil
	// where the protocol cannot see them (classic WebDriver has no log events).
	PageErrors() []string
}

// ErrNoPopup is returned by ClickForPopup when the click opened no window.
var ErrNoPopup = errors.New("the click opened no popup")

// asJSON wraps an expression so that every engine evaluates it alike: awaited, then serialized by
// the page's own JSON.stringify (the protocols each encode values their own way); undefined
// reads as null.
func asJSON(expression string) string {
	return "(async () => JSON.stringify((await (" + expression + ")) ?? null))()"
}

// debug logs every WebDriver command with its duration (NANGO_E2E_DEBUG=1, as the e2e harness
// logs every CDP message).
var debug = os.Getenv("NANGO_E2E_DEBUG") == "1"

func debugf(format string, args ...any) {
	if debug {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
	}
}
