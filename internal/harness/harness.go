// Package harness is the browser harness the e2e tests and make bench share: Debian's Chromium
// with the flags this project needs and the popup blocker on, tabs and popups, the built SDK
// copied where a server can serve it, and one timeout for every step.
//
// A run starts one browser, opens a tab per page, and follows a popup as chromedp's own tests
// do (WatchPopup before the click, WaitPopup after it, OpenTab with chromedp.WithTargetID):
//
//	b, err := harness.StartBrowser(ctx, harness.OptionsFromEnv())
//	defer b.Close()
//	tab, closeTab, err := harness.OpenTab(b.Context)
//	defer closeTab()
//	err = harness.Step(tab, chromedp.Navigate(pageURL))
//	popups := harness.WatchPopup(tab)
//	err = harness.Step(tab, chromedp.Click(chromedp.CSS("#connect")))
//	id, err := harness.WaitPopup(popups)
//	popup, closePopup, err := harness.OpenTab(tab, chromedp.WithTargetID(id))
//
// Every function returns an error rather than failing a test, so that the benchmarks, which
// are a program, use them as the tests do.
package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's Chromium (make test and make bench install it when it is missing).
const ChromiumPath = "/usr/bin/chromium"

// StepTimeout bounds every wait on the browser, so a hang fails the step instead of stalling
// the run.
const StepTimeout = 20 * time.Second

// Options tune StartBrowser.
type Options struct {
	// Headful shows the browser (NANGO_E2E_HEADFUL=1).
	Headful bool
	// Debug logs every CDP message to stderr (NANGO_E2E_DEBUG=1).
	Debug bool
}

// OptionsFromEnv reads NANGO_E2E_HEADFUL and NANGO_E2E_DEBUG.
func OptionsFromEnv() Options {
	return Options{Headful: os.Getenv("NANGO_E2E_HEADFUL") == "1", Debug: os.Getenv("NANGO_E2E_DEBUG") == "1"}
}

// Browser is a running Chromium with a fresh profile.
type Browser struct {
	// Context is the browser: OpenTab(Context) opens a tab in it.
	Context context.Context
	// Version is Chromium's product string, such as "Chrome/131.0.6778.139".
	Version string
	stop    []func()
}

// StartBrowser starts Debian's Chromium, headless unless opts.Headful, with a fresh profile and
// the popup blocker on: chromedp turns it off by default, and a user's browser has it on, so a
// popup opened outside the click is blocked here as it would be there. The browser lives under
// ctx: when ctx ends, Chromium is stopped and every step still waiting on it fails. It fails
// when Chromium is missing or does not start.
func StartBrowser(ctx context.Context, opts Options) (*Browser, error) {
	if _, err := os.Stat(ChromiumPath); err != nil {
		return nil, errors.New("harness: Debian's chromium is missing (make test and make bench install it)")
	}
	b := &Browser{}
	profile, err := os.MkdirTemp("", "nango-chromium-")
	if err != nil {
		return nil, err
	}
	b.stop = append(b.stop, func() { _ = os.RemoveAll(profile) })
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, flags(profile, !opts.Headful)...)
	var ctxOpts []chromedp.ContextOption
	if opts.Debug {
		ctxOpts = append(ctxOpts, chromedp.WithDebugf(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }))
	}
	browserCtx, cancelBrowser := chromedp.NewContext(alloc, ctxOpts...)
	b.stop = append(b.stop, cancelAlloc, cancelBrowser)
	if err := chromedp.Do(browserCtx); err != nil {
		b.Close()
		return nil, fmt.Errorf("harness: start chromium: %w", err)
	}
	v, err := chromedp.CallBrowser(browserCtx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("harness: chromium's version: %w", err)
	}
	b.Context, b.Version = browserCtx, v.Product
	return b, nil
}

// flags are the options of every browser the project drives: Debian's Chromium with a fresh
// profile, the flags this machine needs, and the popup blocker on.
func flags(profile string, headless bool) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", headless),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-popup-blocking", false),
		chromedp.WindowSize(1280, 900),
	)
}

// Close stops the browser and removes its profile.
func (b *Browser) Close() {
	for i := len(b.stop) - 1; i >= 0; i-- {
		b.stop[i]()
	}
	b.stop = nil
}

// OpenTab opens a tab under parent: an empty one in the browser (or in a fresh browser
// context, with chromedp.WithNewBrowserContext), or, with chromedp.WithTargetID, an existing
// target such as a popup. The tab is opened with its own context before any step's timeout
// derives from it: a timeout context ending first would close the target. Cancel closes it.
func OpenTab(parent context.Context, opts ...chromedp.ContextOption) (context.Context, context.CancelFunc, error) {
	ctx, cancel := chromedp.NewContext(parent, opts...)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("harness: open a tab: %w", err)
	}
	return ctx, cancel, nil
}

// Step runs actions on a tab within StepTimeout.
func Step(tab context.Context, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(tab, StepTimeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// Value runs one action that yields a value (an evaluation, a text) within StepTimeout.
func Value[T any](tab context.Context, action chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(tab, StepTimeout)
	defer cancel()
	return chromedp.Run(ctx, action)
}

// WatchPopup starts watching for the popup a tab is about to open: call it before the click.
// Only a page the tab opened counts, not another tab's popup.
func WatchPopup(tab context.Context) <-chan target.ID {
	opener := chromedp.FromContext(tab).Target.TargetID
	return chromedp.WaitNewTarget(tab, func(info *target.Info) bool {
		return info.Type == "page" && info.OpenerID == opener
	})
}

// WaitPopup returns the id of the popup announced on popups, or an error when none opened
// within StepTimeout.
func WaitPopup(popups <-chan target.ID) (target.ID, error) {
	select {
	case id, ok := <-popups:
		if !ok {
			return "", errors.New("harness: the click opened no popup")
		}
		return id, nil
	case <-time.After(StepTimeout):
		return "", fmt.Errorf("harness: the click opened no popup within %s", StepTimeout)
	}
}
