package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/nango-wasm/nango-wasm/internal/harness"
)

// Section 8: what importing the SDK costs an app. The app is the esbuild fixture app (e2e/apps,
// make apps), built and minified twice from the same source: on nango-wasm (app.html) and on
// @nangohq/frontend (app-anchor.html). make bench precompresses both, as a CDN would send them.

// appDir is where make bench puts the two builds (dist/bench/app); the baseline's entry is
// src/nangohq-frontend.js, a name that cannot clash with the SDK's files served beside it.
const appDir = "bench/app"

// appPages are the two builds by SDK.
var appPages = map[string]string{"ours": "app.html", "anchor": "app-anchor.html"}

// appNetwork is a network the app loads over: loopback as it is, or throttled by Chromium.
type appNetwork struct {
	name     string
	throttle *network.Conditions // nil: loopback
}

// appNetworks: loopback, and a modest connection (10 Mbit/s down and up, 40 ms from request to
// response headers) emulated by Chromium for the app's tab. Popups are new tabs and not
// throttled.
var appNetworks = []appNetwork{
	{name: "loopback"},
	{name: "10 Mbit/s, 40 ms RTT", throttle: &slowNetwork},
}

// appRun is what the fixture app (e2e/apps/shared/app.js) reports of one load and one click.
type appRun struct {
	AppStartedAt float64 `json:"appStartedAt"` // ms since navigation start: the app's first line
	SDKReadyAt   float64 `json:"sdkReadyAt"`   // ready() resolved (nango-wasm only)
	Click        struct {
		ClickAt      float64 `json:"clickAt"`
		SettledAt    float64 `json:"settledAt"`
		Trusted      bool    `json:"trusted"`
		ReadyAtClick bool    `json:"readyAtClick"`
		PopupOpen    bool    `json:"popupOpen"`
		OK           bool    `json:"ok"`
		Type         string  `json:"type"`
		Message      string  `json:"message"`
	} `json:"click"`
}

// appFigures are section 8's samples, by network and SDK.
type appFigures struct {
	firstLine map[string]map[string]samples // navigation start → the app's first line
	ready     map[string]samples            // navigation start → ready() resolved, ours
	early     map[string]samples            // throttled: click right after start → resolved
	clicks    int                           // early clicks of ours
	popupOpen int                           // of which the popup was open inside the click
	notReady  int                           // of which nango.wasm was not ready at the click
	rounds    int
}

// earlyArgs makes the early click's flow approve by itself at the mock provider.
const earlyArgs = `["zendesk",{"params":{"subdomain":"acme"},"authorization_params":{"nango_dev_fault":"auto_approve"}}]`

// measureApps loads each build cold (a new browser context each time) on each network, rounds
// times, interleaved and rotating. On the throttled network the app is clicked as soon as its
// first line has run, before nango.wasm can have arrived; the popup must be open within the
// click's task and the flow must resolve.
func (e *env) measureApps(rounds int) (appFigures, error) {
	f := appFigures{firstLine: map[string]map[string]samples{}, ready: map[string]samples{}, early: map[string]samples{}, rounds: rounds}
	token, err := e.newSession()
	if err != nil {
		return f, err
	}
	type load struct {
		net appNetwork
		sdk string
	}
	var loads []load
	for _, n := range appNetworks {
		f.firstLine[n.name] = map[string]samples{}
		for _, sdk := range flowSDKs {
			loads = append(loads, load{n, sdk})
		}
	}
	for r := range rounds {
		for i := range loads {
			l := loads[(r+i)%len(loads)]
			run, err := e.appLoad(l.net, l.sdk, token)
			if err != nil {
				return f, fmt.Errorf("app start-up (%s, %s): %w", l.sdk, l.net.name, err)
			}
			f.firstLine[l.net.name][l.sdk] = append(f.firstLine[l.net.name][l.sdk], run.AppStartedAt)
			if l.sdk == "ours" {
				f.ready[l.net.name] = append(f.ready[l.net.name], run.SDKReadyAt)
			}
			if l.net.throttle == nil {
				continue
			}
			f.early[l.sdk] = append(f.early[l.sdk], run.Click.SettledAt-run.Click.ClickAt)
			if l.sdk == "ours" {
				f.clicks++
				f.popupOpen += count(run.Click.PopupOpen)
				f.notReady += count(!run.Click.ReadyAtClick)
			}
		}
	}
	if f.notReady == 0 {
		return f, fmt.Errorf("app start-up: nango.wasm was ready at every early click; the throttle did not hold it back")
	}
	return f, nil
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}

// appLoad opens one build in a new browser context on a network and reads when its first line
// ran; on a throttled network it also clicks Connect at once and waits for the result.
func (e *env) appLoad(n appNetwork, sdk, token string) (appRun, error) {
	var run appRun
	tab, cancel, err := harness.OpenTab(e.browser, chromedp.WithNewBrowserContext())
	if err != nil {
		return run, err
	}
	defer cancel()
	if err := harness.Step(tab, chromedp.Navigate(e.pageURL("blank.html", nil))); err != nil {
		return run, err
	}
	if n.throttle != nil {
		if err := harness.Step(tab, throttle(*n.throttle)); err != nil {
			return run, fmt.Errorf("throttle: %w", err)
		}
	}
	time.Sleep(quietBeforeCold)
	q := url.Values{"token": {token}, "args": {earlyArgs}}
	if err := harness.Step(tab, chromedp.Navigate(e.pageURL(appPages[sdk], q))); err != nil {
		return run, err
	}
	started := `new Promise((resolve) => { const check = () => window.appStartedAt ? resolve() : setTimeout(check, 1); check(); })`
	if err := harness.Step(tab, chromedp.Evaluate[chromedp.Void](started, chromedp.EvalAwaitPromise)); err != nil {
		return run, err
	}
	if n.throttle != nil {
		if err := e.earlyClick(tab); err != nil {
			return run, err
		}
	}
	raw, err := harness.Value(tab, awaitValue[json.RawMessage](`window.sdkReady.then(() => ({ appStartedAt: window.appStartedAt, sdkReadyAt: window.sdkReadyAt, click: window.outcomes.at(-1) ?? {} }))`))
	if err != nil {
		return run, err
	}
	if err := json.Unmarshal(raw, &run); err != nil {
		return run, err
	}
	if n.throttle == nil {
		return run, nil
	}
	c := run.Click
	switch {
	case !c.Trusted:
		return run, fmt.Errorf("the click was not a real input event")
	case !c.PopupOpen:
		return run, fmt.Errorf("the popup was not open when auth() returned inside the click (ready at the click: %v)", c.ReadyAtClick)
	case !c.OK:
		return run, fmt.Errorf("auth() rejected: %s: %s", c.Type, c.Message)
	}
	return run, nil
}

// earlyClick clicks Connect with real input events, waits for the popup and for the flow to
// settle, and closes the popup if it is still there.
func (e *env) earlyClick(tab context.Context) error {
	popups := harness.WatchPopup(tab)
	if err := harness.Step(tab, chromedp.Click(chromedp.CSS("#connect"))); err != nil {
		return err
	}
	id, err := harness.WaitPopup(popups)
	if err != nil {
		return err
	}
	if _, err := harness.Value(tab, awaitValue[json.RawMessage](`window.last`)); err != nil {
		return fmt.Errorf("waiting for auth() to settle: %w", err)
	}
	return e.closePopup(id)
}

// appFiles lists the two builds' files (make bench: dist/bench/app), served flat under /sdk/
// next to the SDK: index.html and nangohq-frontend.html become app.html and app-anchor.html.
func (in inputs) appFiles() (map[string]string, error) {
	entries, err := os.ReadDir(in.path(appDir))
	if err != nil {
		return nil, fmt.Errorf("bench: %w (make bench builds it from make apps)", err)
	}
	files := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		served := name
		switch name {
		case "index.html":
			served = "app.html"
		case "nangohq-frontend.html":
			served = "app-anchor.html"
		}
		files[served] = filepath.Join(appDir, name)
	}
	if files["app.html"] == "" || files["app-anchor.html"] == "" {
		return nil, fmt.Errorf("bench: %s lacks index.html or nangohq-frontend.html", in.path(appDir))
	}
	return files, nil
}

func (res results) appRows() []row {
	a := res.apps
	hint := "what the app's first line waits for is the SDK's JavaScript (download, parse, its module's top level): keep the glue small and its top level free of work; nango.wasm must only start loading there"
	var rows []row
	for _, n := range appNetworks {
		m := a.firstLine[n.name]
		r := timed(fmt.Sprintf("8 · app start-up, %s: navigation start → the app's first line runs (esbuild app, cold, %d loads each)", n.name, a.rounds),
			m["ours"], "same app on @nangohq/frontend", m["anchor"])
		rows = append(rows, r.budget(m["ours"].median()/m["anchor"].median(), 1.05, hint))
	}
	for _, n := range appNetworks {
		rows = append(rows, timed(fmt.Sprintf("8 · %s: navigation start → `ready()` resolved (nango.wasm runs; in the background, the app is running)", n.name),
			a.ready[n.name], "the app's first line", a.firstLine[n.name]["ours"]))
	}
	rows = append(rows, timed(fmt.Sprintf("8 · %s: a click right after the app starts, before nango.wasm is ready (%d/%d clicks), popup open within the click's task in %d/%d (asserted); click → resolved, whole OAuth flow",
		appNetworks[1].name, a.notReady, a.clicks, a.popupOpen, a.clicks), a.early["ours"], "@nangohq/frontend, same click", a.early["anchor"]))
	return rows
}
