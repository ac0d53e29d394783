package main

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/nango-wasm/nango-wasm/internal/harness"
)

// startVariant is one page whose start-up is timed.
type startVariant struct {
	name string
	page string
	q    url.Values
}

// startVariants: nango-wasm, the floor loaded by the same glue path (nango.js with
// NANGO_WASM_URL), and nango-wasm behind the README's preload snippet.
func startVariants(token string) []startVariant {
	return []startVariant{
		{"ours", "start.html", url.Values{"token": {token}}},
		{"floor", "start.html", url.Values{"wasm": {"/sdk/floor.wasm"}}},
		{"ours+preload", "start-preload.html", url.Values{"token": {token}}},
	}
}

// startResult is what start.html reports once the SDK is usable.
type startResult struct {
	At          float64 `json:"at"`          // ms since navigation start
	WasmFetches int     `json:"wasmFetches"` // 1 unless a preload went unused
	WasmEncoded int     `json:"wasmEncodedBytes"`
	Loaded      bool    `json:"loaded"` // a wasm runs behind the glue
}

// startFigures are section 2's samples per variant, in ms since navigation start:
//   - cold: a new browser context (empty HTTP cache, a new renderer);
//   - reload: right after the cold load: the HTTP cache answers (304) but V8 has not yet
//     cached the compiled wasm, which it does a moment after compiling;
//   - warm: a returning visitor: HTTP cache and compiled code cache both warm.
type startFigures struct {
	cold, reload, warm map[string]samples
	rounds, warms      int
	preloadMissed      int             // preloaded loads that fetched the wasm twice
	codings            map[string]bool // how the wasm went over the wire in cold loads
}

// codeCacheDelay is how long a tab waits after its cold load before its warm loads. V8 writes
// a compiled wasm module to Chromium's code cache only once the module has been idle for a
// while after compiling (about 2 s); a reload sooner compiles again.
const codeCacheDelay = 2500 * time.Millisecond

// quietBeforeCold lets the background work of the loads before (V8 tiering up and caching
// their wasm, a disposed browser context's processes exiting) finish before a cold load is
// timed: on 2 cores it otherwise lands in the middle of the next load, and in a trial it doubled
// the slowest cold loads.
const quietBeforeCold = 300 * time.Millisecond

// startTab is a tab that has had its cold load and waits for its warm ones.
type startTab struct {
	v      startVariant
	url    string
	ctx    context.Context
	cancel context.CancelFunc
	loaded time.Time
}

// measureStartup loads each variant cold in a new browser context per round, reloads it at
// once, and warm-loads it warms times once codeCacheDelay has passed. The waits overlap: a
// round's tabs wait while the next round's cold loads run. Variants are interleaved and their
// order rotates every round, so drift in the machine's load spreads over all of them.
func (e *env) measureStartup(rounds, warms int, sizes sizeFigures) (startFigures, error) {
	f := startFigures{cold: map[string]samples{}, reload: map[string]samples{}, warm: map[string]samples{}, rounds: rounds, warms: warms, codings: map[string]bool{}}
	token, err := e.newSession()
	if err != nil {
		return f, err
	}
	variants := startVariants(token)
	var opened, waiting []*startTab
	defer func() {
		for _, t := range opened {
			t.cancel() // closes the tab and disposes of its browser context and cache
		}
	}()
	for r := range rounds + 1 {
		var next []*startTab
		for i := range variants {
			if r == rounds {
				break // the last pass only warm-loads the previous round's tabs
			}
			t, err := e.coldStart(variants[(r+i)%len(variants)], &f, sizes)
			if t != nil {
				opened, next = append(opened, t), append(next, t)
			}
			if err != nil {
				return f, err
			}
		}
		for _, t := range waiting {
			if err := e.warmStarts(t, warms, &f); err != nil {
				return f, err
			}
			t.cancel()
		}
		waiting = next
	}
	if len(f.codings) != 1 {
		return f, fmt.Errorf("start-up: the wasm files went over the wire in different codings (%v): the loads are not comparable", f.codings)
	}
	return f, nil
}

// coldStart opens a variant in a new browser context, then reloads it once at once. The context
// first shows a blank page of the app's origin, so the renderer process is up before the timed
// navigation: launching it is the browser's cost, the same for any page, and the noisiest part
// of a cold navigation on a busy machine.
func (e *env) coldStart(v startVariant, f *startFigures, sizes sizeFigures) (*startTab, error) {
	ctx, cancel, err := harness.OpenTab(e.browser, chromedp.WithNewBrowserContext())
	if err != nil {
		return nil, err
	}
	t := &startTab{v: v, url: e.pageURL(v.page, v.q), ctx: ctx, cancel: cancel}
	if err := harness.Step(ctx, chromedp.Navigate(e.pageURL("blank.html", nil))); err != nil {
		return t, fmt.Errorf("start-up %s, blank page: %w", v.name, err)
	}
	time.Sleep(quietBeforeCold)
	cold, err := loadAndTime(ctx, t.url)
	if err != nil {
		return t, fmt.Errorf("start-up %s, cold: %w", v.name, err)
	}
	t.loaded = time.Now()
	reload, err := loadAndTime(ctx, t.url)
	if err != nil {
		return t, fmt.Errorf("start-up %s, reload: %w", v.name, err)
	}
	wasm := sizes.wasm
	if v.name == "floor" {
		wasm = sizes.floor
	}
	f.codings[wasm.coding(cold.WasmEncoded)] = true
	f.cold[v.name] = append(f.cold[v.name], cold.At)
	f.reload[v.name] = append(f.reload[v.name], reload.At)
	f.notePreload(v, cold, reload)
	return t, nil
}

// warmStarts loads a tab's page again, once its compiled wasm can be in the code cache.
func (e *env) warmStarts(t *startTab, warms int, f *startFigures) error {
	time.Sleep(time.Until(t.loaded.Add(codeCacheDelay)))
	for range warms {
		w, err := loadAndTime(t.ctx, t.url)
		if err != nil {
			return fmt.Errorf("start-up %s, warm: %w", t.v.name, err)
		}
		f.warm[t.v.name] = append(f.warm[t.v.name], w.At)
		f.notePreload(t.v, w)
	}
	return nil
}

func (f *startFigures) notePreload(v startVariant, loads ...startResult) {
	for _, l := range loads {
		if v.name == "ours+preload" && l.WasmFetches > 1 {
			f.preloadMissed++
		}
	}
}

// loadAndTime navigates to a start-up page and reads when the SDK became usable.
func loadAndTime(tab context.Context, pageURL string) (startResult, error) {
	if err := harness.Step(tab, chromedp.Navigate(pageURL)); err != nil {
		return startResult{}, err
	}
	res, err := harness.Value(tab, awaitValue[startResult](`window.started`))
	if err != nil {
		return res, err
	}
	if !res.Loaded {
		return res, fmt.Errorf("the page's wasm did not start (%s)", pageURL)
	}
	return res, nil
}
