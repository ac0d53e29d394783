package engines

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/nango-wasm/nango-wasm/e2e"
)

// chromium is the Chromium the e2e harness started (e2e.Env.Browser: Debian's Chromium, popup
// blocking on), driven with chromedp as the rest of e2e/ is.
type chromium struct {
	browser context.Context
	version string
}

// Chromium wraps a running chromedp browser; closing it is left to whoever started it.
func Chromium(browserCtx context.Context) (Browser, error) {
	v, err := chromedp.CallBrowser(browserCtx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("chromium: version: %w", err)
	}
	_, version, _ := strings.Cut(v.Product, "/") // Chrome/156.0.8078.108
	return &chromium{browser: browserCtx, version: version}, nil
}

func (b *chromium) Name() string    { return "chromium" }
func (b *chromium) Version() string { return b.version }
func (b *chromium) Close() error    { return nil }

func (b *chromium) NewTab(context.Context) (Tab, error) {
	return b.tab(chromedp.NewContext(b.browser))
}

// tab starts a chromedp context on a new or existing target and collects its page errors.
func (b *chromium) tab(ctx context.Context, cancel context.CancelFunc) (Tab, error) {
	// The tab is opened with its own context, never a step's timeout context: cancelling that
	// would close the target.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, err
	}
	return &chromiumTab{b: b, ctx: ctx, cancel: cancel, errors: e2e.WatchPageErrors(ctx)}, nil
}

type chromiumTab struct {
	b      *chromium
	ctx    context.Context
	cancel context.CancelFunc
	errors *e2e.PageErrors
}

func (t *chromiumTab) PageErrors() []string { return t.errors.List() }

// step is the tab's context under the deadline of ctx.
func (t *chromiumTab) step(ctx context.Context) (context.Context, context.CancelFunc) {
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(t.ctx, deadline)
	}
	return context.WithCancel(t.ctx)
}

func (t *chromiumTab) Navigate(ctx context.Context, url string) error {
	sctx, cancel := t.step(ctx)
	defer cancel()
	return chromedp.Do(sctx, chromedp.Navigate(url))
}

// Eval evaluates without userGesture (chromedp.Poll sets it, and so hands the page a gesture).
func (t *chromiumTab) Eval(ctx context.Context, expression string) (json.RawMessage, error) {
	sctx, cancel := t.step(ctx)
	defer cancel()
	out, err := chromedp.Run(sctx, chromedp.Evaluate[string](asJSON(expression), chromedp.EvalAwaitPromise))
	return json.RawMessage(out), err
}

// Click dispatches the mouse events of a real click at the element's centre.
func (t *chromiumTab) Click(ctx context.Context, selector string) error {
	sctx, cancel := t.step(ctx)
	defer cancel()
	return chromedp.Do(sctx, chromedp.Click(chromedp.CSS(selector)))
}

// ClickForPopup clicks and attaches to the page target whose opener is this tab.
func (t *chromiumTab) ClickForPopup(ctx context.Context, selector string) (Tab, error) {
	opener := chromedp.FromContext(t.ctx).Target.TargetID
	opened := chromedp.WaitNewTarget(t.ctx, func(info *target.Info) bool {
		return info.Type == "page" && info.OpenerID == opener
	})
	if err := t.Click(ctx, selector); err != nil {
		return nil, err
	}
	select {
	case id, ok := <-opened:
		if !ok {
			return nil, ErrNoPopup
		}
		return t.b.tab(chromedp.NewContext(t.ctx, chromedp.WithTargetID(id)))
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrNoPopup, ctx.Err())
	}
}

// Close closes the target (cancelling a chromedp context closes the tab it made or attached to).
func (t *chromiumTab) Close(context.Context) error {
	t.cancel()
	return nil
}

func (t *chromiumTab) WaitClosed(ctx context.Context) error {
	id := chromedp.FromContext(t.ctx).Target.TargetID
	for {
		targets, err := chromedp.Targets(t.b.browser)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(targets, func(ti *target.Info) bool { return ti.TargetID == id }) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the window is still open: %w", ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}
