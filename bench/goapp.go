package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"
)

// goAppFigures are section 7: the Go app of wasm/nango/example, a Go program compiled to wasm
// that uses package nango. Its sizes with the package and with bench/gobaseline standing in for
// it (the SDK's marginal cost to a Go app), and its click → popup against nango.js's, both
// apps clicked in turn on the same server.
type goAppFigures struct {
	with, without fileSizes
	clickToPopup  map[string]samples // "goapp" and "ours" (nango.js on flow.html)
	ownWork       map[string]samples // the click handler without window.open
	clicks        int
}

// goAppFiles are what make build and make bench write for section 7, served beside the SDK.
var goAppFiles = []string{"go-example.html", "go-example.wasm", "go-example.wasm.br", "go-example.wasm.gz"}

// goAppTiming instruments the Go app's page the way flow.html times nango.js: a capturing
// listener on window notes the click before the Go app's handler runs, a listener added to the
// button after the Go app's runs once that handler has returned, and window.open is timed, so
// that the handler's own work is the call's time without it.
const goAppTiming = `(() => {
	const runs = (window.runs = []);
	const nativeOpen = window.open;
	let inOpen = 0, opened = null;
	window.open = function timedOpen(...args) {
		const t = performance.now();
		try { return (opened = nativeOpen.apply(this, args)); } finally { inOpen += performance.now() - t; }
	};
	const button = document.getElementById('connect');
	window.addEventListener('click', (event) => {
		if (event.target !== button) return;
		inOpen = 0;
		opened = null;
		runs.push({ clickAt: event.timeStamp, trusted: event.isTrusted, callAt: performance.now() });
	}, true);
	button.addEventListener('click', () => Object.assign(runs.at(-1), {
		returnedAt: performance.now(), openMs: inOpen, popupOpen: opened != null && !opened.closed,
	}));
	return true;
})()`

// measureGoApp takes the Go app's sizes, then clicks it and nango.js's flow page in turn, clicks
// times each after one warm-up. Each click of the Go app is then cancelled with its Cancel
// button, which must end the attempt as aborted; nango.js's flows run to their end, as in
// section 3.
func (e *env) measureGoApp(clicks int) (goAppFigures, error) {
	f := goAppFigures{clickToPopup: map[string]samples{}, ownWork: map[string]samples{}, clicks: clicks}
	var err error
	if f.with, err = e.in.sizesOf("go-example.wasm"); err != nil {
		return f, err
	}
	if f.without, err = e.in.sizesOf("bench/go-example-baseline.wasm"); err != nil {
		return f, err
	}
	for _, name := range goAppFiles {
		if err := copyKeepingTime(e.in.path(name), filepath.Join(e.serveDir, name)); err != nil {
			return f, err
		}
	}
	token, err := e.newSession()
	if err != nil {
		return f, err
	}
	goTab, cancel, err := openTab(e.browser)
	if err != nil {
		return f, err
	}
	defer cancel()
	q := url.Values{"token": {token}, "integration": {"zendesk"}, "subdomain": {"acme"}}
	if err := do(goTab, chromedp.Navigate(e.pageURL("go-example.html", q)), chromedp.WaitEnabled(chromedp.CSS("#connect"))); err != nil {
		return f, fmt.Errorf("bench: the Go app did not start: %w", err)
	}
	if _, err := get(goTab, chromedp.Evaluate[bool](goAppTiming)); err != nil {
		return f, err
	}
	jsTab, cancelJS, err := openTab(e.browser)
	if err != nil {
		return f, err
	}
	defer cancelJS()
	if err := do(jsTab, chromedp.Navigate(e.pageURL("flow.html", url.Values{"sdk": {"ours"}, "token": {token}})), waitSDKReady()); err != nil {
		return f, fmt.Errorf("flow page: %w", err)
	}
	record := func(sdk string, r flowRun) {
		f.clickToPopup[sdk] = append(f.clickToPopup[sdk], r.ReturnedAt-r.ClickAt)
		f.ownWork[sdk] = append(f.ownWork[sdk], r.ReturnedAt-r.CallAt-r.OpenMs)
	}
	for i := range clicks + 1 { // the first round warms up both
		for j := range 2 {
			var r flowRun
			sdk := []string{"goapp", "ours"}[(i+j)%2]
			if sdk == "goapp" {
				r, err = e.goAppClick(goTab, i+1)
			} else {
				r, err = e.flowOnce(jsTab)
			}
			if err != nil {
				return f, fmt.Errorf("%s: click %d: %w", sdk, i+1, err)
			}
			if i > 0 {
				record(sdk, r)
			}
		}
	}
	return f, nil
}

// goAppClick clicks the Go app's Connect, checks the popup was open when the Go handler returned
// inside the click's task, then cancels the attempt and closes the popup.
func (e *env) goAppClick(tab context.Context, attempt int) (flowRun, error) {
	popups := popupOf(tab)
	if err := do(tab, chromedp.Click(chromedp.CSS("#connect"))); err != nil {
		return flowRun{}, err
	}
	id, err := waitPopup(popups)
	if err != nil {
		return flowRun{}, err
	}
	r, err := get(tab, chromedp.Evaluate[flowRun](`window.runs.at(-1)`))
	if err != nil {
		return r, err
	}
	switch {
	case !r.Trusted:
		return r, fmt.Errorf("the click was not a real input event")
	case r.OpenMs <= 0:
		return r, fmt.Errorf("the Go app did not call window.open through the page's window (its timing would be wrong)")
	case !r.PopupOpen:
		return r, fmt.Errorf("the popup was not open when the Go handler returned inside the click")
	}
	ended, err := get(tab, awaitValue[string](fmt.Sprintf(`new Promise((resolve) => {
		document.getElementById('cancel').click();
		const line = document.getElementById('result');
		const check = () => line.dataset.attempt === '%d' && line.dataset.state === 'failed' ? resolve(line.dataset.type) : setTimeout(check, 10);
		check();
	})`, attempt)))
	if err != nil {
		return r, fmt.Errorf("waiting for Cancel to end the attempt: %w", err)
	}
	if ended != "aborted" {
		return r, fmt.Errorf("Cancel ended the attempt with %q, not aborted", ended)
	}
	return r, e.closePopup(id)
}

// sizesOf is a file's raw size and the sizes of the copies make compressed it into.
func (in inputs) sizesOf(name string) (fileSizes, error) {
	info, err := os.Stat(in.path(name))
	if err != nil {
		return fileSizes{}, fmt.Errorf("bench: %w (run make bench, which builds it)", err)
	}
	s := fileSizes{raw: int(info.Size())}
	for _, c := range compressors {
		n, err := precompressedSize(in.path(name), c, info.ModTime())
		if err != nil {
			return s, err
		}
		if c.suffix == ".gz" {
			s.gzip = n
		} else {
			s.brotli = n
		}
	}
	return s, nil
}

func (res results) goAppRows() []row {
	g, s := res.goApp, res.sizes
	if g.clicks == 0 {
		return nil
	}
	marginal := g.with.brotli - g.without.brotli
	n := len(g.clickToPopup["goapp"])
	return []row{
		{figure: fmt.Sprintf("7 · Go app (`wasm/nango/example`, plain `syscall/js`) raw / gzip / brotli: with package nango, against the same app with a do-nothing stand-in for it (`bench/gobaseline`); "+
			"the SDK's marginal cost to a Go app is %s brotli, where a JavaScript app downloads `nango.wasm`'s %s", bytesOf(marginal), bytesOf(s.wasm.brotli)),
			ours: triple(g.with), baseline: "without the SDK: " + triple(g.without), ratio: ratio(float64(g.with.brotli), float64(g.without.brotli)) + " (brotli)"},
		{figure: fmt.Sprintf("7 · reference: the Go app against the floor, a Go program that already links safejs and with it `fmt` and `reflect`, as many Go apps do: the SDK's cost once those are paid is %s brotli",
			bytesOf(g.with.brotli-s.floor.brotli)),
			ours: bytesOf(g.with.brotli), baseline: "floor: " + bytesOf(s.floor.brotli), ratio: ratio(float64(g.with.brotli), float64(s.floor.brotli))},
		timed(fmt.Sprintf("7 · Go app click → popup open: `event.timeStamp` → the Go click handler (`Client.Auth`) returned; popup open within the click's task in %d/%d clicks (asserted); "+
			"%d clicks of each app, interleaved, after one warm-up each", n, n, g.clicks),
			g.clickToPopup["goapp"], "nango.js (flow.html)", g.clickToPopup["ours"]),
		timed("7 · of which the Go click handler's own work (without `window.open`), `syscall/js`'s call into Go included", g.ownWork["goapp"], "nango.js's `auth()`", g.ownWork["ours"]),
	}
}
