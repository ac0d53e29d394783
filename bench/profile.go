package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
)

// clickHandler is the name of flow.html's click handler: the samples under it are the click's
// work (auth() and window.open), the figure -profile breaks down.
const clickHandler = "appClicks"

// profileSamplingUS is V8's sampling interval while profiling, in microseconds: fine enough to
// see a 1 ms call, coarse enough not to slow it much.
const profileSamplingUS = 25

// startProfile starts V8's CPU profiler in a tab (-profile).
func startProfile() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, profiler.Enable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: profileSamplingUS}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, profiler.Start, cdp.Empty{})
		return err
	})
}

// stopProfile stops the profiler and returns what it recorded.
func stopProfile() chromedp.Action[*profiler.Profile] {
	return func(ctx context.Context, t *chromedp.Target) (*profiler.Profile, error) {
		r, err := cdp.Call(ctx, t, profiler.Stop, cdp.Empty{})
		return r.Profile, err
	}
}

// writeProfile saves a profile as DIR/NAME.cpuprofile (Chromium DevTools' Performance panel and
// speedscope open it) and prints where the click handler's time went, per click.
func writeProfile(w io.Writer, dir, name string, p *profiler.Profile, clicks int) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	file := filepath.Join(dir, name+".cpuprofile")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s: %s\n", name, file)
	summarizeClicks(w, p, clicks)
	return nil
}

// summarizeClicks prints the time sampled under the click handler, per click: by the function
// on top of the stack (self time), and by the handler's callees (what each of its calls cost,
// callees included).
func summarizeClicks(w io.Writer, p *profiler.Profile, clicks int) {
	parent := map[int64]int64{}
	byID := map[int64]*profiler.ProfileNode{}
	for _, n := range p.Nodes {
		byID[n.ID] = n
		for _, c := range n.Children {
			parent[c] = n.ID
		}
	}
	label := func(n *profiler.ProfileNode) string {
		f := n.CallFrame
		name := cmp.Or(f.FunctionName, "(anonymous)")
		if f.URL == "" {
			return name
		}
		return fmt.Sprintf("%s %s:%d", name, filepath.Base(f.URL), f.LineNumber+1)
	}
	self, callee := map[string]float64{}, map[string]float64{}
	var total float64
	for i, id := range p.Samples {
		if i+1 >= len(p.TimeDeltas) {
			break
		}
		// A sample's time is the gap to the next one (V8's own convention in DevTools).
		us := float64(p.TimeDeltas[i+1])
		var stack []*profiler.ProfileNode
		for n, ok := byID[id]; ok; n, ok = byID[parent[n.ID]] {
			stack = append(stack, n)
			if parent[n.ID] == 0 {
				break
			}
		}
		at := slices.IndexFunc(stack, func(n *profiler.ProfileNode) bool { return n.CallFrame.FunctionName == clickHandler })
		if at < 0 {
			continue
		}
		total += us
		self[label(stack[0])] += us
		if at > 0 {
			callee[label(stack[at-1])] += us
		} else {
			callee["(the handler itself)"] += us
		}
	}
	per := func(us float64) string { return fmt.Sprintf("%7.3f ms", us/1000/float64(max(clicks, 1))) }
	fmt.Fprintf(w, "  under %s: %s per click (%d clicks, sampled every %d µs)\n", clickHandler, per(total), clicks, profileSamplingUS)
	for _, part := range []struct {
		title string
		m     map[string]float64
	}{{"by the handler's callee (callees included)", callee}, {"by function (self time)", self}} {
		fmt.Fprintf(w, "  %s:\n", part.title)
		keys := slices.SortedFunc(maps.Keys(part.m), func(a, b string) int { return cmp.Compare(part.m[b], part.m[a]) })
		for i, k := range keys {
			if i == 25 {
				fmt.Fprintf(w, "    … %d more\n", len(keys)-i)
				break
			}
			fmt.Fprintf(w, "    %s  %s\n", per(part.m[k]), strings.TrimSpace(k))
		}
	}
}
