package main

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/nango-wasm/nango-wasm/internal/harness"
)

// memPoint is the page's memory after some calls, read after a forced garbage collection.
type memPoint struct {
	calls      int
	jsHeap     float64 // used JS heap of the page's isolate, bytes
	wasmMemory float64 // nango.wasm's linear memory, bytes
	liveFuncs  int     // js.Funcs nango.wasm holds
}

// debugStats is the glue's debugStats().
type debugStats struct {
	LiveFuncs       int     `json:"liveFuncs"`
	WasmMemoryBytes float64 `json:"wasmMemoryBytes"`
}

// cycleResult is what memory.html's cycle(i) settled with.
type cycleResult struct {
	PopupOpen bool   `json:"popupOpen"`
	Type      string `json:"type"`
}

// memFigures are section 5: for each page, the live js.Funcs before any call, and the memory
// after 1 call, every checkEvery calls, and after the last.
type memFigures struct {
	liveAtStart []int
	points      [][]memPoint
	calls, reps int
	what        string // what each call does, for the table
}

// A memory page's calls: given up (memory.html's cycle) or completed (its complete).
var (
	givenUp   = memCall{"`auth()` calls given up (abort / clear)", `window.cycle(%d)`, "aborted"}
	completed = memCall{"completed flows (`auth()` resolved with a connection)", `window.complete(%d)`, "resolved"}
)

type memCall struct {
	what, expr, want string
}

// checkEvery spaces the intermediate readings, which show whether growth is steady (a leak) or
// a sawtooth (memory that a garbage collector gives back later).
const checkEvery = 100

// settleTime covers clear()'s delayed popup close (500 ms, as the anchor's) before a reading.
const settleTime = 700 * time.Millisecond

// measureMemory runs, in reps fresh tabs, calls auth() calls that each open a popup and are
// then given up (aborted through the signal or cleared) or completed, and reads the JS heap, the
// wasm memory and the live js.Funcs after the first call, every checkEvery calls and after the
// last. Each call is evaluated with a user gesture of its own, since each popup needs one.
func (e *env) measureMemory(c memCall, calls, reps int) (memFigures, error) {
	f := memFigures{calls: calls, reps: reps, what: c.what}
	token, err := e.newSession()
	if err != nil {
		return f, err
	}
	for range reps {
		start, points, err := e.memoryOnce(e.pageURL("memory.html", url.Values{"token": {token}}), c, calls)
		if err != nil {
			return f, err
		}
		f.liveAtStart, f.points = append(f.liveAtStart, start), append(f.points, points)
	}
	return f, nil
}

func (e *env) memoryOnce(pageURL string, c memCall, calls int) (int, []memPoint, error) {
	tab, cancel, err := harness.OpenTab(e.browser)
	if err != nil {
		return 0, nil, err
	}
	defer cancel()
	if err := harness.Step(tab, chromedp.Navigate(pageURL), waitSDKReady()); err != nil {
		return 0, nil, fmt.Errorf("memory page: %w", err)
	}
	start, err := harness.Value(tab, chromedp.Evaluate[debugStats](`window.debugStats()`))
	if err != nil {
		return 0, nil, fmt.Errorf("memory: debugStats: %w", err)
	}
	var points []memPoint
	for i := range calls {
		if err := c.once(tab, i); err != nil {
			return 0, nil, err
		}
		if n := i + 1; n == 1 || n%checkEvery == 0 || n == calls {
			p, err := readMemory(tab)
			if err != nil {
				return 0, nil, err
			}
			p.calls = n
			points = append(points, p)
		}
	}
	return start.LiveFuncs, points, nil
}

// once runs call i under a user gesture and checks it opened its popup and settled as it should.
func (c memCall) once(tab context.Context, i int) error {
	r, err := harness.Value(tab, chromedp.Evaluate[cycleResult](fmt.Sprintf(c.expr, i), chromedp.EvalAwaitPromise, withUserGesture))
	if err != nil {
		return fmt.Errorf("memory: auth() call %d: %w", i+1, err)
	}
	if !r.PopupOpen || r.Type != c.want {
		return fmt.Errorf("memory: auth() call %d: popup open %v, settled with %q (want an open popup, then %s)", i+1, r.PopupOpen, r.Type, c.want)
	}
	return nil
}

// readMemory lets pending popup closes finish, collects garbage and reads the page's memory.
func readMemory(tab context.Context) (memPoint, error) {
	time.Sleep(settleTime)
	if err := harness.Step(tab, collectGarbage()); err != nil {
		return memPoint{}, fmt.Errorf("memory: collect garbage: %w", err)
	}
	heap, err := harness.Value(tab, heapUsed())
	if err != nil {
		return memPoint{}, fmt.Errorf("memory: heap usage: %w", err)
	}
	s, err := harness.Value(tab, chromedp.Evaluate[debugStats](`window.debugStats()`))
	if err != nil {
		return memPoint{}, fmt.Errorf("memory: debugStats: %w", err)
	}
	return memPoint{jsHeap: heap, wasmMemory: s.WasmMemoryBytes, liveFuncs: s.LiveFuncs}, nil
}
