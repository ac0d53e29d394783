package engines

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// FirefoxPath is Debian's Firefox ESR. Debian has no geckodriver: the tests speak WebDriver BiDi to
// the remote agent built into Firefox (--remote-debugging-port).
const FirefoxPath = "/usr/bin/firefox-esr"

// firefoxPrefs is the test profile's user.js.
//
// The remote agent's recommended preferences turn the popup blocker off
// (dom.disable_open_during_load=false) unless the profile sets it: a popup opened outside a click
// would then pass unseen. The proxy sends every request for a host that is not loopback to a port
// where nothing listens (Firefox never proxies loopback), and the lookups Firefox makes of its own
// are off, so the browser reaches no other address.
const firefoxPrefs = `user_pref("dom.disable_open_during_load", true);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.proxy.type", 1);
user_pref("network.proxy.share_proxy_settings", true);
user_pref("network.proxy.http", "127.0.0.1");
user_pref("network.proxy.http_port", 9);
user_pref("network.proxy.ssl", "127.0.0.1");
user_pref("network.proxy.ssl_port", 9);
user_pref("browser.shell.checkDefaultBrowser", false);
`

type firefox struct {
	c       *bidi
	version string
	stop    []func()

	mu     sync.Mutex
	errors map[string][]string // page errors by browsing context
}

// StartFirefox starts Firefox headless with a fresh profile and opens a BiDi session.
func StartFirefox(ctx context.Context) (Browser, error) {
	if _, err := os.Stat(FirefoxPath); err != nil {
		return nil, fmt.Errorf("firefox: %s is missing (make test installs firefox-esr): %w", FirefoxPath, err)
	}
	b := &firefox{errors: map[string][]string{}}
	url, err := b.launch(ctx)
	if err != nil {
		b.Close()
		return nil, err
	}
	if b.c, err = dialBiDi(ctx, url+"/session"); err != nil {
		b.Close()
		return nil, err
	}
	b.stop = append(b.stop, func() { _ = b.c.close() })
	var session struct {
		Capabilities struct {
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := b.c.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, &session); err != nil {
		b.Close()
		return nil, err
	}
	b.version = session.Capabilities.BrowserVersion
	b.c.listen(b.recordPageError)
	if err := b.c.call(ctx, "session.subscribe", map[string]any{"events": []string{"browsingContext.contextCreated", "log.entryAdded"}}, nil); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// launch starts Firefox and returns the WebSocket URL its remote agent prints on stderr.
func (b *firefox) launch(ctx context.Context) (string, error) {
	profile, err := os.MkdirTemp("", "nango-engines-firefox-")
	if err != nil {
		return "", err
	}
	b.stop = append(b.stop, func() { _ = os.RemoveAll(profile) })
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(firefoxPrefs), 0o644); err != nil {
		return "", err
	}
	cmd := exec.Command(FirefoxPath, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0", "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return "", err
	}
	browser, err := startProcess(cmd)
	if err != nil {
		return "", fmt.Errorf("firefox: start: %w", err)
	}
	b.stop = append(b.stop, browser.stop)
	const listening = "WebDriver BiDi listening on "
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			if url, ok := strings.CutPrefix(lines.Text(), listening); ok {
				found <- url
				break
			}
		}
		close(found)
		_, _ = io.Copy(io.Discard, stderr) // keep reading, or Firefox blocks on a full pipe
	}()
	select {
	case url, ok := <-found:
		if !ok {
			return "", errors.New("firefox: exited before its remote agent listened")
		}
		return url, nil
	case <-ctx.Done():
		return "", fmt.Errorf("firefox: waiting for the remote agent: %w", ctx.Err())
	}
}

// recordPageError keeps the errors a page logs or throws, by browsing context.
func (b *firefox) recordPageError(method string, params json.RawMessage) {
	if method != "log.entryAdded" {
		return
	}
	var entry struct {
		Type   string `json:"type"` // console or javascript (an uncaught exception)
		Level  string `json:"level"`
		Text   string `json:"text"`
		Source struct {
			Context string `json:"context"`
		} `json:"source"`
	}
	if json.Unmarshal(params, &entry) != nil || entry.Level != "error" {
		return
	}
	b.mu.Lock()
	b.errors[entry.Source.Context] = append(b.errors[entry.Source.Context], entry.Type+": "+entry.Text)
	b.mu.Unlock()
}

func (b *firefox) Name() string    { return "firefox" }
func (b *firefox) Version() string { return b.version }

func (b *firefox) Close() error {
	if b.c != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = b.c.call(ctx, "session.end", map[string]any{}, nil)
		cancel()
	}
	for i := len(b.stop) - 1; i >= 0; i-- {
		b.stop[i]()
	}
	b.stop = nil
	return nil
}

func (b *firefox) NewTab(ctx context.Context) (Tab, error) {
	var created struct {
		Context string `json:"context"`
	}
	if err := b.c.call(ctx, "browsingContext.create", map[string]any{"type": "tab"}, &created); err != nil {
		return nil, err
	}
	return &firefoxTab{b: b, id: created.Context}, nil
}

type firefoxTab struct {
	b  *firefox
	id string // the browsing context
}

func (t *firefoxTab) Navigate(ctx context.Context, url string) error {
	return t.b.c.call(ctx, "browsingContext.navigate", map[string]any{"context": t.id, "url": url, "wait": "complete"}, nil)
}

// Eval evaluates with userActivation false (the protocol's default, spelled out: a client that
// sets it, as puppeteer does, hands the page a gesture and the next window.open passes).
func (t *firefoxTab) Eval(ctx context.Context, expression string) (json.RawMessage, error) {
	var res struct {
		Type   string `json:"type"` // success or exception
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := t.b.c.call(ctx, "script.evaluate", map[string]any{
		"expression":     asJSON(expression),
		"target":         map[string]any{"context": t.id},
		"awaitPromise":   true,
		"userActivation": false,
	}, &res)
	if err != nil {
		return nil, err
	}
	if res.Type != "success" {
		return nil, fmt.Errorf("firefox: %s: %s", expression, res.ExceptionDetails.Text)
	}
	return json.RawMessage(res.Result.Value), nil
}

// Click moves the mouse to the element's centre and presses and releases its button (input
// actions, dispatched as trusted events).
func (t *firefoxTab) Click(ctx context.Context, selector string) error {
	var found struct {
		Nodes []struct {
			SharedID string `json:"sharedId"`
		} `json:"nodes"`
	}
	err := t.b.c.call(ctx, "browsingContext.locateNodes", map[string]any{
		"context": t.id, "locator": map[string]any{"type": "css", "value": selector}, "maxNodeCount": 1,
	}, &found)
	if err != nil {
		return err
	}
	if len(found.Nodes) == 0 {
		return fmt.Errorf("firefox: no element matches %s", selector)
	}
	element := map[string]any{"type": "element", "element": map[string]any{"sharedId": found.Nodes[0].SharedID}}
	return t.b.c.call(ctx, "input.performActions", map[string]any{
		"context": t.id,
		"actions": []any{map[string]any{
			"type": "pointer", "id": "mouse", "parameters": map[string]any{"pointerType": "mouse"},
			"actions": []any{
				map[string]any{"type": "pointerMove", "x": 0, "y": 0, "origin": element},
				map[string]any{"type": "pointerDown", "button": 0},
				map[string]any{"type": "pointerUp", "button": 0},
			},
		}},
	}, nil)
}

// ClickForPopup clicks and waits for a top-level browsing context whose opener is this tab.
func (t *firefoxTab) ClickForPopup(ctx context.Context, selector string) (Tab, error) {
	opened := make(chan string, 1)
	stop := t.b.c.listen(func(method string, params json.RawMessage) {
		var created struct {
			Context        string  `json:"context"`
			Parent         *string `json:"parent"`
			OriginalOpener string  `json:"originalOpener"`
		}
		if method == "browsingContext.contextCreated" && json.Unmarshal(params, &created) == nil &&
			created.Parent == nil && created.OriginalOpener == t.id {
			select {
			case opened <- created.Context:
			default:
			}
		}
	})
	defer stop()
	if err := t.Click(ctx, selector); err != nil {
		return nil, err
	}
	select {
	case id := <-opened:
		return &firefoxTab{b: t.b, id: id}, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrNoPopup, ctx.Err())
	}
}

func (t *firefoxTab) Close(ctx context.Context) error {
	return t.b.c.call(ctx, "browsingContext.close", map[string]any{"context": t.id}, nil)
}

// contextInfo is what the scenarios read of a browsing context in browsingContext.getTree.
type contextInfo struct {
	Context string `json:"context"`
}

func (t *firefoxTab) WaitClosed(ctx context.Context) error {
	for {
		var tree struct {
			Contexts []contextInfo `json:"contexts"`
		}
		if err := t.b.c.call(ctx, "browsingContext.getTree", map[string]any{"maxDepth": 0}, &tree); err != nil {
			return err
		}
		if !slices.ContainsFunc(tree.Contexts, func(c contextInfo) bool { return c.Context == t.id }) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the window is still open: %w", ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

func (t *firefoxTab) PageErrors() []string {
	t.b.mu.Lock()
	defer t.b.mu.Unlock()
	return slices.Clone(t.b.errors[t.id])
}
