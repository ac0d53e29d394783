package e2e

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// PageErrors collects the uncaught exceptions and console.error calls of a tab.
type PageErrors struct {
	mu   sync.Mutex
	msgs []string
}

// WatchPageErrors collects the page errors of the tab of ctx until ctx ends.
func WatchPageErrors(ctx context.Context) *PageErrors {
	p := &PageErrors{}
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	consoles := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			p.add("uncaught exception: " + ev.ExceptionDetails.Text + " " + describe(ev.ExceptionDetails.Exception))
		}
	}()
	go func() {
		for ev, err := range consoles {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, describe(a))
				}
				p.add("console.error: " + strings.Join(parts, " "))
			}
		}
	}()
	return p
}

func (p *PageErrors) add(s string) { p.mu.Lock(); p.msgs = append(p.msgs, s); p.mu.Unlock() }

// List returns the errors collected so far.
func (p *PageErrors) List() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.msgs)
}

func describe(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if len(o.Value) > 0 {
		return string(o.Value)
	}
	return o.Description
}
