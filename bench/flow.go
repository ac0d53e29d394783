package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/nango-wasm/nango-wasm/internal/harness"
)

// flowRun is what flow.html noted for one click (times in ms since navigation start).
type flowRun struct {
	ClickAt      float64 `json:"clickAt"`    // the click event's timeStamp
	CallAt       float64 `json:"callAt"`     // the handler calls auth()
	ReturnedAt   float64 `json:"returnedAt"` // auth() has returned, still inside the click's task
	OpenMs       float64 `json:"openMs"`     // time inside window.open during the call
	SettledAt    float64 `json:"settledAt"`  // the promise's handler ran
	Trusted      bool    `json:"trusted"`    // a real input event, not a script's click()
	PopupOpen    bool    `json:"popupOpen"`  // nango.win.modal was an open Window right after auth()
	OK           bool    `json:"ok"`
	Type         string  `json:"type"`
	Message      string  `json:"message"`
	ConnectionID string  `json:"connectionId"`
}

// flowFigures are sections 3 and 4: per SDK, click → popup open and click → resolved, in ms.
type flowFigures struct {
	clickToPopup, roundTrip map[string]samples
	ownWork                 map[string]samples // auth()'s time without window.open's
	firstClick              map[string]samples // round trip of the first click of a fresh page
	firstClickNoGrace       map[string]samples // the same, clicked as soon as the SDK is ready
	runs, firstRuns         int
}

// firstClickPause is how long after the SDK is ready a fresh page is clicked: a person takes
// longer than this to click, and it is the idle time nango.js uses to prewarm nango.wasm.
const firstClickPause = 500 * time.Millisecond

// flowSDKs are the two SDKs timed on the same page: ours and the real @nangohq/frontend.
var flowSDKs = []string{"ours", "anchor"}

// measureFlows runs complete OAuth flows with real clicks, the mock provider approving by itself
// (the auto_approve fault), runs times per SDK, alternating which SDK goes first, after one
// warm-up flow each. Each SDK has its own tab and connect session on the same server.
func (e *env) measureFlows(runs, firstRuns int) (flowFigures, error) {
	f := flowFigures{clickToPopup: map[string]samples{}, roundTrip: map[string]samples{}, ownWork: map[string]samples{},
		firstClick: map[string]samples{}, firstClickNoGrace: map[string]samples{}, runs: runs, firstRuns: firstRuns}
	if err := e.measureFirstClicks(&f); err != nil {
		return f, err
	}
	tabs := map[string]context.Context{}
	for _, sdk := range flowSDKs {
		token, err := e.newSession()
		if err != nil {
			return f, err
		}
		tab, cancel, err := harness.OpenTab(e.browser)
		if err != nil {
			return f, err
		}
		defer cancel()
		if err := harness.Step(tab, chromedp.Navigate(e.pageURL("flow.html", url.Values{"sdk": {sdk}, "token": {token}})), waitSDKReady()); err != nil {
			return f, fmt.Errorf("flow page (%s): %w", sdk, err)
		}
		tabs[sdk] = tab
		if _, err := e.flowOnce(tab); err != nil { // warm-up, not counted
			return f, fmt.Errorf("%s: warm-up flow: %w", sdk, err)
		}
		if e.profileDir != "" {
			if err := harness.Step(tab, startProfile()); err != nil {
				return f, fmt.Errorf("%s: starting the profiler: %w", sdk, err)
			}
		}
	}
	for i := range runs {
		for j := range flowSDKs {
			sdk := flowSDKs[(i+j)%len(flowSDKs)]
			r, err := e.flowOnce(tabs[sdk])
			if err != nil {
				return f, fmt.Errorf("%s: flow %d: %w", sdk, i+1, err)
			}
			f.clickToPopup[sdk] = append(f.clickToPopup[sdk], r.ReturnedAt-r.ClickAt)
			f.roundTrip[sdk] = append(f.roundTrip[sdk], r.SettledAt-r.ClickAt)
			f.ownWork[sdk] = append(f.ownWork[sdk], r.ReturnedAt-r.CallAt-r.OpenMs)
		}
	}
	if e.profileDir != "" {
		for _, sdk := range flowSDKs {
			p, err := harness.Value(tabs[sdk], stopProfile())
			if err != nil {
				return f, fmt.Errorf("%s: stopping the profiler: %w", sdk, err)
			}
			if err := writeProfile(os.Stdout, e.profileDir, sdk, p, runs); err != nil {
				return f, err
			}
		}
	}
	return f, nil
}

// measureFirstClicks times the round trip of the first click of a freshly loaded page, which is
// what a person meets (one connect per visit): firstRuns fresh tabs per SDK, alternating, clicked
// firstClickPause after the SDK is ready, and as many clicked at once (no idle time for the
// prewarm: the worst case, a click that was waiting for the page).
func (e *env) measureFirstClicks(f *flowFigures) error {
	token, err := e.newSession()
	if err != nil {
		return err
	}
	for i := range f.firstRuns {
		for _, pause := range []time.Duration{firstClickPause, 0} {
			for j := range flowSDKs {
				sdk := flowSDKs[(i+j)%len(flowSDKs)]
				r, err := e.firstClick(sdk, token, pause)
				if err != nil {
					return fmt.Errorf("%s: first click %d (%s after ready): %w", sdk, i+1, pause, err)
				}
				if pause == 0 {
					f.firstClickNoGrace[sdk] = append(f.firstClickNoGrace[sdk], r.SettledAt-r.ClickAt)
				} else {
					f.firstClick[sdk] = append(f.firstClick[sdk], r.SettledAt-r.ClickAt)
				}
			}
		}
	}
	return nil
}

// firstClick loads flow.html in a fresh tab and clicks Connect pause after the SDK is ready.
func (e *env) firstClick(sdk, token string, pause time.Duration) (flowRun, error) {
	tab, cancel, err := harness.OpenTab(e.browser)
	if err != nil {
		return flowRun{}, err
	}
	defer cancel()
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(e.pageURL("flow.html", url.Values{"sdk": {sdk}, "token": {token}})), waitSDKReady()}
	if pause > 0 {
		steps = append(steps, chromedp.Sleep(pause))
	}
	if err := harness.Step(tab, steps...); err != nil {
		return flowRun{}, fmt.Errorf("loading the page: %w", err)
	}
	return e.flowOnce(tab)
}

// flowOnce clicks Connect, checks that the popup was open when auth() returned inside the
// click's task, waits for the promise, and closes the popup if it is still there.
func (e *env) flowOnce(tab context.Context) (flowRun, error) {
	popups := harness.WatchPopup(tab)
	if err := harness.Step(tab, clickConnect()); err != nil {
		return flowRun{}, fmt.Errorf("clicking Connect: %w", err)
	}
	id, err := harness.WaitPopup(popups)
	if err != nil {
		return flowRun{}, err
	}
	r, err := harness.Value(tab, awaitValue[flowRun](`window.last.then(() => window.runs.at(-1))`))
	if err != nil {
		return r, fmt.Errorf("waiting for auth() to settle: %w", err)
	}
	switch {
	case !r.Trusted:
		return r, fmt.Errorf("the click was not a real input event")
	case r.OpenMs <= 0:
		return r, fmt.Errorf("auth() did not call window.open through the page's window (its timing would be wrong)")
	case !r.PopupOpen:
		return r, fmt.Errorf("the popup was not open when auth() returned inside the click (it must open within the click's task)")
	case !r.OK:
		return r, fmt.Errorf("auth() rejected: %s: %s", r.Type, r.Message)
	case r.ConnectionID == "":
		return r, fmt.Errorf("auth() resolved without a connectionId")
	}
	// The result is in; a popup that has not closed itself yet is closed now, so the next run
	// does not share the machine with it.
	return r, e.closePopup(id)
}
