package engines

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WebKitDriverPath is WebKitGTK's WebDriver (Debian's webkit2gtk-driver); it starts MiniBrowser,
// WebKitGTK's own browser, which has no headless mode: it runs in a virtual X server (Debian's xvfb).
const (
	WebKitDriverPath = "/usr/bin/WebKitWebDriver"
	XvfbPath         = "/usr/bin/Xvfb"
)

type webkit struct {
	wd      *webDriver
	version string
	stop    []func()

	// The session has one current window, which every command acts on: one command at a time.
	mu      sync.Mutex
	current string
	home    string   // the session's first window, kept open: new windows are opened from it
	idle    []string // windows NewTab opened and Close emptied, for the next NewTab
}

// StartWebKit starts a virtual X server, WebKitWebDriver on a free loopback port, and a session,
// which launches MiniBrowser.
func StartWebKit(ctx context.Context) (Browser, error) {
	for _, path := range []string{WebKitDriverPath, XvfbPath} {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("webkit: %s is missing (make test installs webkit2gtk-driver and xvfb): %w", path, err)
		}
	}
	b := &webkit{}
	display, err := b.startXvfb(ctx)
	if err != nil {
		b.Close()
		return nil, err
	}
	if err := b.startDriver(ctx, display); err != nil {
		b.Close()
		return nil, err
	}
	// MiniBrowser is the default browser of WebKitGTK's driver; its popup blocker stays on. The
	// proxy, where nothing listens, keeps it from reaching any address but loopback ones.
	b.version, err = b.wd.newSession(ctx, map[string]any{
		"webkitgtk:browserOptions": map[string]any{},
		"proxy": map[string]any{
			"proxyType": "manual", "httpProxy": "127.0.0.1:9", "sslProxy": "127.0.0.1:9",
			"noProxy": []string{"127.0.0.1", "localhost"},
		},
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("webkit: new session: %w", err)
	}
	b.stop = append(b.stop, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = b.wd.deleteSession(ctx)
	})
	handles, err := b.wd.windowHandles(ctx)
	if err == nil && len(handles) != 1 {
		err = fmt.Errorf("%d windows", len(handles))
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("webkit: the session's first window: %w", err)
	}
	b.home, b.current = handles[0], handles[0]
	return b, nil
}

// startXvfb starts a virtual X server on a display number it picks itself (-displayfd), so that
// runs side by side never race for one.
func (b *webkit) startXvfb(ctx context.Context) (display string, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	cmd := exec.Command(XvfbPath, "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	xvfb, err := startProcess(cmd)
	w.Close()
	if err != nil {
		return "", fmt.Errorf("webkit: start Xvfb: %w", err)
	}
	b.stop = append(b.stop, xvfb.stop)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			return "", errors.New("webkit: Xvfb exited before it chose a display")
		}
		return ":" + n, nil
	case <-ctx.Done():
		return "", fmt.Errorf("webkit: waiting for Xvfb: %w", ctx.Err())
	}
}

// startDriver starts WebKitWebDriver on a free loopback port and waits until it answers. The port
// is picked before the driver binds it: if another program took it meanwhile, the driver exits,
// and startDriver tries another port.
func (b *webkit) startDriver(ctx context.Context, display string) error {
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return err
		}
		cmd := exec.Command(WebKitDriverPath, "--host=local", "--port="+strconv.Itoa(port))
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		driver, err := startProcess(cmd)
		if err != nil {
			return fmt.Errorf("webkit: start WebKitWebDriver: %w", err)
		}
		wd := &webDriver{base: "http://127.0.0.1:" + strconv.Itoa(port)}
		if answered(ctx, wd.base+"/status", driver.exited) {
			b.wd = wd
			b.stop = append(b.stop, driver.stop)
			return nil
		}
		driver.stop()
		if ctx.Err() != nil || attempt == 3 {
			return fmt.Errorf("webkit: WebKitWebDriver did not answer (%d tries): %w", attempt, ctx.Err())
		}
	}
}

// answered waits until url answers, and reports false if the program exited first or ctx ended.
func answered(ctx context.Context, url string, exited <-chan struct{}) bool {
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			return res.StatusCode == http.StatusOK
		}
		select {
		case <-exited:
			return false
		case <-ctx.Done():
			return false
		case <-time.After(pollInterval):
		}
	}
}

func (b *webkit) Name() string    { return "webkit" }
func (b *webkit) Version() string { return b.version }

func (b *webkit) Close() error {
	for i := len(b.stop) - 1; i >= 0; i-- {
		b.stop[i]()
	}
	b.stop = nil
	return nil
}

// NewTab reuses a window an earlier tab left, or opens one from the home window (WebDriver opens
// a window from the current one, which must still be open). WebKit takes seconds to hand a new
// window to WebDriver; a window emptied with about:blank holds nothing of the page it had.
func (b *webkit) NewTab(ctx context.Context) (Tab, error) {
	b.mu.Lock()
	if n := len(b.idle); n > 0 {
		handle := b.idle[n-1]
		b.idle = b.idle[:n-1]
		b.mu.Unlock()
		return &webkitTab{b: b, handle: handle, reusable: true}, nil
	}
	b.mu.Unlock()
	var handle string
	err := b.in(ctx, b.home, func() (err error) {
		handle, err = b.wd.newWindow(ctx)
		return err
	})
	return &webkitTab{b: b, handle: handle, reusable: true}, err
}

// in runs fn with the session's current window set to handle.
func (b *webkit) in(ctx context.Context, handle string, fn func() error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.current != handle {
		if err := b.wd.switchToWindow(ctx, handle); err != nil {
			return err
		}
		b.current = handle
	}
	return fn()
}

func (b *webkit) handles(ctx context.Context) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.wd.windowHandles(ctx)
}

type webkitTab struct {
	b        *webkit
	handle   string
	reusable bool // opened by NewTab, not by a page: Close empties it for the next NewTab
}

func (t *webkitTab) Navigate(ctx context.Context, url string) error {
	return t.b.in(ctx, t.handle, func() error { return t.b.wd.navigate(ctx, url) })
}

// Eval runs the expression as a script: WebKit's WebDriver does not grant it a user activation.
func (t *webkitTab) Eval(ctx context.Context, expression string) (json.RawMessage, error) {
	var out string
	err := t.b.in(ctx, t.handle, func() error { return t.b.wd.executeScript(ctx, "return "+asJSON(expression), &out) })
	return json.RawMessage(out), err
}

func (t *webkitTab) Click(ctx context.Context, selector string) error {
	return t.b.in(ctx, t.handle, func() error {
		el, err := t.b.wd.findElement(ctx, selector)
		if err != nil {
			return err
		}
		return t.b.wd.clickElement(ctx, el)
	})
}

// ClickForPopup clicks and waits for a window that was not there before the click. The scenarios
// of one engine run one after the other, so a new window is this tab's popup.
func (t *webkitTab) ClickForPopup(ctx context.Context, selector string) (Tab, error) {
	before, err := t.b.handles(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.Click(ctx, selector); err != nil {
		return nil, err
	}
	for {
		after, err := t.b.handles(ctx)
		if err != nil {
			return nil, err
		}
		for _, h := range after {
			if !slices.Contains(before, h) {
				return &webkitTab{b: t.b, handle: h}, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", ErrNoPopup, ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

func (t *webkitTab) Close(ctx context.Context) error {
	return t.b.in(ctx, t.handle, func() error {
		if t.reusable {
			if slices.Contains(t.b.idle, t.handle) {
				return nil // closed already
			}
			if err := t.b.wd.navigate(ctx, "about:blank"); err != nil {
				return err
			}
			t.b.idle = append(t.b.idle, t.handle)
			return nil
		}
		t.b.current = "" // no window is current once it is closed
		return t.b.wd.closeWindow(ctx)
	})
}

func (t *webkitTab) WaitClosed(ctx context.Context) error {
	for {
		handles, err := t.b.handles(ctx)
		if err != nil {
			return err
		}
		if !slices.Contains(handles, t.handle) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the window is still open: %w", ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

func (t *webkitTab) PageErrors() []string { return nil }
