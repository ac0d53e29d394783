package main

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/nango-wasm/nango-wasm/internal/harness"
)

// slowNetwork is the throttled network of section 2b: 10 Mbit/s each way and 40 ms added to
// every request (CDP network emulation, in the page's renderer). On loopback nango.wasm's bytes
// cost almost nothing to move; here they cost what they would on a modest connection.
var slowNetwork = network.Conditions{Latency: 40, DownloadThroughput: 10e6 / 8, UploadThroughput: 10e6 / 8}

// netFigures are section 2b: start-up of nango-wasm and of the real @nangohq/frontend, cold,
// under slowNetwork, and the main-thread time of nango.js's idle prewarm in those loads.
type netFigures struct {
	cold         map[string]samples // by SDK: ms from navigation start to `new Nango()` done
	prewarm      samples            // ms, ours only
	prewarmTasks int                // the most idle tasks one load ran
	rounds       int
}

// idleWork is what start.html's window.prewarmed resolves with.
type idleWork struct {
	Ms    float64 `json:"ms"`
	Tasks int     `json:"tasks"`
}

// measureThrottledStartup loads start.html cold (a new browser context) under slowNetwork,
// rounds times per SDK, alternating which goes first. After a load of nango-wasm it waits for
// the idle prewarm and notes how long it held the main thread.
func (e *env) measureThrottledStartup(rounds int) (netFigures, error) {
	f := netFigures{cold: map[string]samples{}, rounds: rounds}
	token, err := e.newSession()
	if err != nil {
		return f, err
	}
	for i := range rounds {
		for j := range flowSDKs {
			sdk := flowSDKs[(i+j)%len(flowSDKs)]
			at, idle, err := e.throttledColdStart(sdk, token)
			if err != nil {
				return f, fmt.Errorf("throttled start-up %s, round %d: %w", sdk, i+1, err)
			}
			f.cold[sdk] = append(f.cold[sdk], at)
			if sdk == "ours" {
				f.prewarm, f.prewarmTasks = append(f.prewarm, idle.Ms), max(f.prewarmTasks, idle.Tasks)
			}
		}
	}
	return f, nil
}

func (e *env) throttledColdStart(sdk, token string) (at float64, idle idleWork, err error) {
	ctx, cancel, err := harness.OpenTab(e.browser, chromedp.WithNewBrowserContext())
	if err != nil {
		return 0, idle, err
	}
	defer cancel()
	// As in coldStart: the renderer is up before the timed navigation, then the network slows.
	if err := harness.Step(ctx, chromedp.Navigate(e.pageURL("blank.html", nil)), throttle(slowNetwork)); err != nil {
		return 0, idle, err
	}
	time.Sleep(quietBeforeCold)
	res, err := loadAndTime(ctx, e.pageURL("start.html", url.Values{"sdk": {sdk}, "token": {token}}))
	if err != nil {
		return 0, idle, err
	}
	if sdk == "ours" {
		if idle, err = harness.Value(ctx, awaitValue[idleWork](`window.prewarmed`)); err != nil {
			return 0, idle, fmt.Errorf("waiting for the idle prewarm: %w", err)
		}
	}
	return res.At, idle, nil
}

// throttle applies network conditions to every request of the tab.
func throttle(c network.Conditions) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule,
			network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{&c}})
		return err
	})
}

func (res results) netRows() []row {
	n := res.net
	if len(n.cold["ours"]) == 0 {
		return nil
	}
	mbps := slowNetwork.DownloadThroughput * 8 / 1e6
	return []row{
		timed(fmt.Sprintf("2b · start-up cold under a throttled network (%g Mbit/s, +%g ms per request): navigation start → `new Nango()` done", mbps, slowNetwork.Latency),
			n.cold["ours"], "@nangohq/frontend", n.cold["anchor"]),
		{figure: fmt.Sprintf("2b · main-thread time of nango.js's idle prewarm and the collection it asks for (up to %d idle task(s) after start-up; in the throttled cold loads)", n.prewarmTasks),
			ours: msOf(n.prewarm), baseline: "@nangohq/frontend has none", ratio: "—"},
	}
}
