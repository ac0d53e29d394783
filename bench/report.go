package main

import (
	"fmt"
	"math"
	"os"
	"strings"
	"time"
)

// row is one line of the table: a figure of ours against its baseline from the same run.
type row struct {
	figure, ours, baseline, ratio string
	verdict                       string  // the budget or goal and whether it is met; "" for none
	lo, hi                        float64 // the ratio's 95% interval, for ratios of times
	over                          bool    // the figure misses its budget or goal
	hint                          string  // what meeting it would take (shown when over)
}

// timed builds a row for times in ms: medians with min–max, the ratio of the medians and its
// 95% interval, which says whether a ratio near a budget is a difference or noise.
func timed(figure string, ours samples, baseName string, base samples) row {
	lo, hi := ratioInterval(ours, base)
	return row{figure: figure, ours: msOf(ours), baseline: baseName + ": " + msOf(base),
		ratio: fmt.Sprintf("%.3f (%.2f–%.2f)", ours.median()/base.median(), lo, hi), lo: lo, hi: hi}
}

// budget checks a ratio against the budget: ours may be at most limit × the baseline.
// Budgets are the only verdicts the bench gives on times: absolute times depend on the machine.
// The verdict is on the ratio itself; when the ratio's interval reaches across the limit, it
// says so, since another run could then land on the other side.
func (r row) budget(ratio, limit float64, hint string) row {
	r.over, r.hint = ratio > limit, hint
	r.verdict = fmt.Sprintf("≤ %.2f: OK", limit)
	if r.over {
		r.verdict = fmt.Sprintf("≤ %.2f: **OVER** by %.1f%%", limit, (ratio/limit-1)*100)
	}
	if r.hi > r.lo && r.lo <= limit && limit < r.hi {
		r.verdict += ", within noise"
	}
	return r
}

// atLeast checks a budget on a throughput: ours must be at least limit × the baseline.
func (r row) atLeast(ratio, limit float64, hint string) row {
	r.over, r.hint = ratio < limit, hint
	r.verdict = fmt.Sprintf("≥ %.2f: OK", limit)
	if r.over {
		r.verdict = fmt.Sprintf("≥ %.2f: **UNDER** by %.1f%%", limit, (1-ratio/limit)*100)
	}
	return r
}

// noGrowth checks the memory goal: growth within noise (allowance), after forced GC.
func (r row) noGrowth(growth, allowance float64, unit, hint string) row {
	r.over, r.hint = growth > allowance, hint
	goal := fmt.Sprintf("growth ≤ %g %s", allowance, unit)
	if allowance == 0 {
		goal = "zero growth"
	}
	r.verdict = goal + ": OK"
	if r.over {
		r.verdict = fmt.Sprintf("%s: **OVER** (%+g %s)", goal, math.Round(growth*10)/10, unit)
	}
	return r
}

func ratio(ours, baseline float64) string {
	if baseline == 0 {
		return "—"
	}
	return fmt.Sprintf("%.3f", ours/baseline)
}

// bytesOf prints a size with thousands separators.
func bytesOf(n int) string { return thousands(n) + " B" }

func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func triple(f fileSizes) string {
	return fmt.Sprintf("%s / %s / %s B", thousands(f.raw), thousands(f.gzip), thousands(f.brotli))
}

func msOf(s samples) string { return s.spread("%.1f", " ms") }

const mib = 1 << 20

// results gathers every section's figures for the table.
type results struct {
	sizes     sizeFigures
	wasmFlags string
	start     startFigures
	flows     flowFigures
	mem       memFigures // given-up flows
	memDone   memFigures // completed flows
	net       netFigures
	load      loadFigures
	goApp     goAppFigures
	apps      appFigures
}

func (res results) rows() []row {
	var rows []row
	rows = append(rows, res.sizeRows()...)
	rows = append(rows, res.startRows()...)
	rows = append(rows, res.netRows()...)
	rows = append(rows, res.flowRows()...)
	rows = append(rows, res.mem.rows()...)
	rows = append(rows, res.memDone.rows()...)
	rows = append(rows, res.loadRows()...)
	rows = append(rows, res.goAppRows()...)
	return append(rows, res.appRows()...)
}

// sizeBudget is the size budget: nango.wasm brotli at most this × the floor as built
// before nango.wasm patched safejs and post-linked its output.
const sizeBudget = 0.90

func (res results) sizeRows() []row {
	s := res.sizes
	wasm := func(name string, ours, floor int) row {
		return row{figure: "1 · `nango.wasm` " + name, ours: bytesOf(ours), baseline: "floor: " + bytesOf(floor), ratio: ratio(float64(ours), float64(floor))}
	}
	stronger := func(name string, base fileSizes) row {
		return row{figure: "1 · `nango.wasm` brotli against " + name + ", post-linked as nango.wasm is", ours: bytesOf(s.wasm.brotli),
			baseline: bytesOf(base.brotli), ratio: ratio(float64(s.wasm.brotli), float64(base.brotli))}
	}
	return []row{
		wasm("raw", s.wasm.raw, s.floor.raw),
		wasm("gzip -9", s.wasm.gzip, s.floor.gzip),
		wasm("brotli -q 11", s.wasm.brotli, s.floor.brotli).budget(float64(s.wasm.brotli)/float64(s.floor.brotli), sizeBudget,
			"find what nango.wasm links beyond the floor (go tool nm -size -sort size of a build without -s -w) and drop it or leave it to the browser's APIs"),
		stronger("the same floor", s.floorPostlinked),
		stronger("a `syscall/js` hello (bench/jshello)", s.jsHello),
		stronger("an empty `main` (bench/emptymain)", s.emptyMain),
		{figure: "1 · `nango.wasm` raw / gzip / brotli, post-linked (tools/wasmmerge)", ours: triple(s.wasm), baseline: "as Go's linker wrote it: " + triple(s.linked),
			ratio: ratio(float64(s.wasm.brotli), float64(s.linked.brotli)) + " (brotli)"},
		{figure: "1 · glue `nango.js` raw / gzip / brotli", ours: triple(s.glue), baseline: "`wasm_exec.js`: " + triple(s.wasmExec),
			ratio: ratio(float64(s.glue.brotli), float64(s.wasmExec.brotli)) + " (brotli)"},
		{figure: "1 · reference: what a page downloads, brotli (`nango.wasm` + `nango.js`)", ours: bytesOf(s.wasm.brotli + s.glue.brotli),
			baseline: "@nangohq/frontend, esbuild --minify: " + triple(s.anchor), ratio: fmt.Sprintf("%.0f×", float64(s.wasm.brotli+s.glue.brotli)/float64(s.anchor.brotli))},
	}
}

func (res results) startRows() []row {
	st := res.start
	hint := "start-up follows the wasm's size (download and compile) and the work before ready(): shrink the wasm, and do less in package init and main before ready()"
	var rows []row
	for _, k := range []struct {
		name  string
		m     map[string]samples
		limit float64
	}{
		{"cold (new browser context)", st.cold, 1.0},
		{"reload at once (HTTP cache 304, wasm compiled again)", st.reload, 1.05},
		{"warm (HTTP cache 304 and compiled wasm cached)", st.warm, 1.05},
	} {
		r := timed("2 · start-up "+k.name+": navigation start → `ready()` resolved and `new Nango()` done", k.m["ours"], "floor, ready() resolved", k.m["floor"])
		rows = append(rows, r.budget(k.m["ours"].median()/k.m["floor"].median(), k.limit, hint))
	}
	for _, k := range []struct {
		name string
		m    map[string]samples
	}{{"cold", st.cold}, {"warm", st.warm}} {
		rows = append(rows, timed("2 · start-up "+k.name+" with the README's preload snippet (extra)", k.m["ours+preload"], "ours without it", k.m["ours"]))
	}
	return rows
}

func (res results) flowRows() []row {
	fl := res.flows
	n := len(fl.clickToPopup["ours"]) + len(fl.clickToPopup["anchor"])
	rt := timed("4 · round trip: click → promise resolved, whole OAuth flow, consent auto-approved (a page's later clicks)", fl.roundTrip["ours"], "@nangohq/frontend", fl.roundTrip["anchor"])
	first := timed(fmt.Sprintf("4 · round trip of the first click of a freshly loaded page (clicked %s after ready)", firstClickPause), fl.firstClick["ours"], "@nangohq/frontend", fl.firstClick["anchor"])
	firstAtOnce := timed("4 · round trip of the first click of a freshly loaded page, clicked as soon as it is ready (no grace)", fl.firstClickNoGrace["ours"], "@nangohq/frontend", fl.firstClickNoGrace["anchor"])
	rtHint := "both SDKs make the same HTTP hops, so the difference is nango.wasm's own time on the path: its synchronous work in auth() (row 3) and in handling the socket's frames; " +
		"a first click also pays for compiling what the idle prewarm did not reach, and a click within 200 ms of ready() comes before the prewarm, which waits that long so as not to hold up a reload"
	return []row{
		timed(fmt.Sprintf("3 · click → popup open: `event.timeStamp` → `auth()` returned; popup open within the click's task in %d/%d clicks (asserted)", n, n),
			fl.clickToPopup["ours"], "@nangohq/frontend", fl.clickToPopup["anchor"]),
		timed("3 · of which `auth()`'s own work (the call without `window.open`)", fl.ownWork["ours"], "@nangohq/frontend", fl.ownWork["anchor"]).
			budget(fl.ownWork["ours"].median()/fl.ownWork["anchor"].median(), 1.5,
				"not fewer bridge calls: wiring the flow in JavaScript (no js.Func, 62 → 39 bridge calls per auth(); branch dispatch) measured the same, and a call into Go costs ~0.03 ms; what is left is running the click path's Go code cold (~1 ms per call 30 ms apart with the window and socket stubbed, against ~0.2 ms for the anchor, at either of V8's tiers): far fewer Go instructions on that path (the options' object model, the query string and the URL, built and allocated per call), or the click's work done in JavaScript"),
		first.budget(fl.firstClick["ours"].median()/fl.firstClick["anchor"].median(), 1.0, rtHint),
		firstAtOnce.budget(fl.firstClickNoGrace["ours"].median()/fl.firstClickNoGrace["anchor"].median(), 1.0, rtHint),
		rt.budget(fl.roundTrip["ours"].median()/fl.roundTrip["anchor"].median(), 1.0, rtHint),
	}
}

// memSeries is one memory figure at every reading, medians over the pages.
func (m memFigures) series(value func(memPoint) float64) (calls []int, medians []float64) {
	if len(m.points) == 0 {
		return nil, nil
	}
	for i, p := range m.points[0] {
		var s samples
		for _, page := range m.points {
			if i < len(page) {
				s = append(s, value(page[i]))
			}
		}
		calls, medians = append(calls, p.calls), append(medians, s.median())
	}
	return calls, medians
}

func seriesOf(calls []int, values []float64, format string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("%d: "+format, calls[i], v)
	}
	return strings.Join(parts, ", ")
}

func (m memFigures) rows() []row {
	calls, heap := m.series(func(p memPoint) float64 { return p.jsHeap / mib })
	_, wasm := m.series(func(p memPoint) float64 { return p.wasmMemory / mib })
	_, funcs := m.series(func(p memPoint) float64 { return float64(p.liveFuncs) })
	if len(calls) < 2 {
		return nil
	}
	last := len(calls) - 1
	peak := 0.0
	for _, h := range heap {
		peak = max(peak, h)
	}
	at := fmt.Sprintf("after %d %s", calls[last], m.what)
	heapRow := row{figure: "5 · JS heap " + at + "; readings after GC every " + fmt.Sprint(checkEvery) + " calls: " + seriesOf(calls, heap, "%.1f"),
		ours: fmt.Sprintf("%.2f MiB (highest reading %.1f MiB)", heap[last], peak), baseline: fmt.Sprintf("after 1: %.2f MiB", heap[0]), ratio: ratio(heap[last], heap[0])}
	wasmRow := row{figure: "5 · wasm linear memory " + at + "; readings: " + seriesOf(calls, wasm, "%.2f"),
		ours: fmt.Sprintf("%.2f MiB", wasm[last]), baseline: fmt.Sprintf("after 1: %.2f MiB", wasm[0]), ratio: ratio(wasm[last], wasm[0])}
	starts := samples{}
	for _, s := range m.liveAtStart {
		starts = append(starts, float64(s))
	}
	funcRow := row{figure: fmt.Sprintf("5 · live `js.Func`s %s (before any call: %.0f)", at, starts.max()),
		ours: fmt.Sprintf("%.0f", funcs[last]), baseline: fmt.Sprintf("after 1: %.0f", funcs[0]), ratio: fmt.Sprintf("%+.0f", funcs[last]-funcs[0])}
	funcRow = funcRow.noGrowth(funcs[last]-funcs[0], 0, "js.Funcs",
		"a listener, timer or promise callback of a flow is never released: the wasm leak tests (make test-wasm) count them per path")
	return []row{
		heapRow.noGrowth(heap[last]-heap[0], 1, "MiB", heapHint(heap)),
		wasmRow.noGrowth(wasm[last]-wasm[0], 1, "MiB", wasmHint(wasm)),
		funcRow,
	}
}

// heapHint reads the shape of the JS heap readings. A reading well below an earlier one means
// the heap is given back, late: objects kept alive by nango.wasm's js.Values until Go's garbage
// collector, paced by its own small heap, finalizes them (each closed popup window is ~185 KB).
func heapHint(heap []float64) string {
	for i := 1; i < len(heap); i++ {
		if heap[i] < heap[i-1]-4 {
			return "the readings are a sawtooth, not a leak: what the given-up flows left (their closed popup windows, ~185 KB each) " +
				"stays reachable through nango.wasm's js.Values until Go's GC finalizes them, which Go runs rarely on its small heap. " +
				"Releasing them when a flow ends does it: a runtime.GC() once the popup is closed (wasm/browser/runner_js.go, finish) kept the heap flat in a trial"
		}
	}
	return "the readings climb without falling back: something of every given-up flow stays reachable; a heap snapshot of the memory page after the calls shows what holds it"
}

// wasmHint reads the shape of the linear memory readings: Go's heap grows to its GC goal and
// linear memory never shrinks, so a plateau is pacing, a climb to the last reading a leak.
func wasmHint(wasm []float64) string {
	if n := len(wasm); n >= 3 && wasm[n-1] == wasm[n-2] {
		return "the readings reach a plateau: Go's heap grew to its GC goal (pacing, not a leak); collecting once a flow ends, as for the JS heap, keeps it near its start"
	}
	return "the readings still climb at the last one: the Go side keeps something of every given-up flow"
}

// serverBudget is the issue's: the dev server completes at least this share of the flows/s of
// a bare net/http handler serving as many requests per flow.
const serverBudget = 0.45

func (res results) loadRows() []row {
	ld := res.load
	flows := row{figure: fmt.Sprintf("6 · server: OAuth flows/s, in-memory store, %d flows, %d in flight", ld.flows, ld.concurrency),
		ours: ld.flowsPerSec.spread("%.0f", "/s"), baseline: fmt.Sprintf("bare net/http, %d requests per flow (as many as the dev server serves in one: the driver's %d, and %d server to server): ", ld.requests, ld.clientRequests, ld.requests-ld.clientRequests) + ld.ceilingFlowsPerSec.spread("%.0f", "/s"),
		ratio: ratio(ld.flowsPerSec.median(), ld.ceilingFlowsPerSec.median())}
	flows = flows.atLeast(ld.flowsPerSec.median()/ld.ceilingFlowsPerSec.median(), serverBudget,
		"profile the dev server under the driver (go test -cpuprofile on server/loadtest) and take the largest costs off a flow's path, keeping every hop")
	return []row{
		flows,
		{figure: "6 · server: p99 of a flow", ours: msOf(ld.p99), baseline: "bare net/http: " + msOf(ld.ceilingP99), ratio: ratio(ld.p99.median(), ld.ceilingP99.median())},
		{figure: "6 · server: CPU per flow (getrusage, the driver's and the server's; the machine's load hardly moves it)", ours: ld.cpuPerFlow.spread("%.0f", " µs"),
			baseline: "bare net/http: " + ld.ceilingCPUPerFlow.spread("%.0f", " µs"), ratio: ratio(ld.cpuPerFlow.median(), ld.ceilingCPUPerFlow.median())},
	}
}

// table renders the rows as one Markdown table, followed by how the figures were taken and,
// for each missed budget or goal, by how much and what meeting it would take.
func (res results) table(m machine, took time.Duration) string {
	var b strings.Builder
	rows := res.rows()
	b.WriteString(rowsTable(rows))
	st, fl, mem, ld := res.start, res.flows, res.mem, res.load
	fmt.Fprintf(&b, "\nTimes: median (min–max); a ratio of times is the ratio of the medians with its 95%% bootstrap interval. "+
		"Repeats: start-up %d cold loads per page, each in a new browser context, each followed by one reload at once and %d warm loads %s later; "+
		"throttled start-up %d cold loads per SDK; "+
		"first clicks %d fresh pages per SDK and per wait, interleaved; later clicks %d flows per SDK, interleaved, after one warm-up each; memory %d page(s) of %d calls, for each kind of call; server %d runs of each. "+
		"Sizes are exact; the floor is `bench/floor` built with `%s` in the same run. "+
		"Everything on loopback in headless Chromium with popup blocking on; make bench took %s.\n",
		st.rounds, st.warms, codeCacheDelay, res.net.rounds, fl.firstRuns, fl.runs, mem.reps, mem.calls, ld.reps, res.wasmFlags, took.Round(time.Second))
	for coding := range st.codings {
		fmt.Fprintf(&b, "\nIn every cold load, nango.wasm and the floor went over the wire %s, as the dev server sends them.\n", coding)
	}
	if st.preloadMissed > 0 {
		fmt.Fprintf(&b, "\nThe preload went unused in %d page load(s): the wasm was fetched twice.\n", st.preloadMissed)
	}
	fmt.Fprintf(&b, "\nMachine: %s.\n", m)
	over := 0
	for _, r := range rows {
		if !r.over {
			continue
		}
		over++
		_, figure, _ := strings.Cut(r.figure, " · ")
		figure, _, _ = strings.Cut(figure, ";")
		fmt.Fprintf(&b, "\nMISSED: %s: %s, %s. What it would take: %s.\n", figure, r.ratio, r.verdict, r.hint)
	}
	if over == 0 {
		b.WriteString("\nEvery budget and goal is met.\n")
	}
	return b.String()
}

// sectionHeading is the heading of the part of BENCH.md that make bench owns.
const sectionHeading = "## make bench"

// writeBenchMD replaces the make bench section of BENCH.md (from its heading up to the next
// "## " heading) with body, or inserts it after the title when there is none yet. The rest of
// the file is kept as it is.
// rowsTable is the Markdown table of rows.
func rowsTable(rows []row) string {
	var b strings.Builder
	b.WriteString("| figure | ours | baseline (same run) | ours / baseline | budget |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.figure, r.ours, r.baseline, r.ratio, r.verdict)
	}
	return b.String()
}

func writeBenchMD(path, body string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	section := sectionHeading + "\n\n" + strings.TrimRight(body, "\n") + "\n"
	start := strings.Index(text, sectionHeading+"\n")
	switch {
	case start >= 0:
		rest := ""
		if end := strings.Index(text[start+len(sectionHeading):], "\n## "); end >= 0 {
			rest = text[start+len(sectionHeading)+end+1:]
		}
		text = text[:start] + section + sep(rest) + rest
	case strings.HasPrefix(text, "# "):
		nl := strings.Index(text, "\n")
		rest := strings.TrimLeft(text[nl+1:], "\n")
		text = text[:nl+1] + "\n" + section + sep(rest) + rest
	default:
		text = "# Benchmarks\n\n" + section + sep(text) + text
	}
	return os.WriteFile(path, []byte(text), 0o644)
}

func sep(rest string) string {
	if rest == "" {
		return ""
	}
	return "\n"
}
