package main

import (
	"context"
	"fmt"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// awaitValue evaluates a page expression, waits for the promise it gives and decodes the value.
// It carries no user gesture: only the steps that need one ask for it.
func awaitValue[T any](expr string) chromedp.Action[T] {
	return chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise)
}

// withUserGesture evaluates as if the user had just clicked: the page gets a transient
// activation, which one window.open consumes. The memory section uses it to open hundreds of
// popups without hundreds of real clicks.
func withUserGesture(p *runtime.EvaluateParams) { p.UserGesture = new(true) }

// waitSDKReady waits for a page's window.sdkReady (its module has imported the SDK).
func waitSDKReady() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`window.sdkReady`, chromedp.EvalAwaitPromise)
}

// clickConnect clicks the page's #go button with real mouse events, as a user does.
func clickConnect() chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS("#go"))
}

// collectGarbage runs a full V8 garbage collection, twice so that what the first one made
// collectable (weak references, finalization) is gone too, before the heap is read.
func collectGarbage() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for range 2 {
			if _, err := cdp.Call(ctx, t, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
				return err
			}
		}
		return nil
	})
}

// heapUsed is the page's used JavaScript heap in bytes (Runtime.getHeapUsage); wasm linear
// memory is an ArrayBuffer backing store and is not in it.
func heapUsed() chromedp.Action[float64] {
	return func(ctx context.Context, t *chromedp.Target) (float64, error) {
		r, err := cdp.Call(ctx, t, runtime.GetHeapUsage, cdp.Empty{})
		return r.UsedSize, err
	}
}

// closePopup closes a popup that is still open, so that the next run does not share the
// machine with it; one that is already gone is fine.
func (e *env) closePopup(id target.ID) error {
	_, err := chromedp.CallBrowser(e.browser, target.CloseTarget, target.CloseTargetParams{TargetID: id})
	if err == nil {
		return nil
	}
	targets, lerr := chromedp.Targets(e.browser)
	if lerr != nil {
		return lerr
	}
	for _, ti := range targets {
		if ti.TargetID == id {
			return fmt.Errorf("bench: close the popup: %w", err)
		}
	}
	return nil
}
