package engines

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// webDriver is a client of classic (W3C, HTTP) WebDriver, for the few commands the scenarios
// need. No maintained Go client exists (see the package documentation); each command is one JSON
// request.
type webDriver struct {
	base    string // http://127.0.0.1:port
	session string
}

// elementKey is the key of a web element reference (W3C WebDriver §12.1).
const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// wdError is an error answer (W3C WebDriver §6.6).
type wdError struct {
	Code    string `json:"error"`
	Message string `json:"message"`
}

func (e *wdError) Error() string { return "webdriver: " + e.Code + ": " + e.Message }

// do sends one command and decodes its "value" into out.
func (wd *webDriver) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	url := wd.base + "/session"
	if wd.session != "" {
		url += "/" + wd.session
	}
	req, err := http.NewRequestWithContext(ctx, method, url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	started := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("webdriver: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	debugf("webdriver %s %s %s: %s", method, path, time.Since(started).Round(time.Millisecond), res.Status)
	var answer struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil {
		return fmt.Errorf("webdriver: %s %s: %s: %w", method, path, res.Status, err)
	}
	if res.StatusCode != http.StatusOK {
		wdErr := &wdError{}
		if err := json.Unmarshal(answer.Value, wdErr); err != nil || wdErr.Code == "" {
			return fmt.Errorf("webdriver: %s %s: %s: %s", method, path, res.Status, answer.Value)
		}
		return wdErr
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(answer.Value, out)
}

// newSession starts a session with the given capabilities and returns the browser's version.
func (wd *webDriver) newSession(ctx context.Context, alwaysMatch map[string]any) (version string, err error) {
	var created struct {
		SessionID    string `json:"sessionId"`
		Capabilities struct {
			BrowserVersion string `json:"browserVersion"`
		} `json:"capabilities"`
	}
	if err := wd.do(ctx, http.MethodPost, "", map[string]any{"capabilities": map[string]any{"alwaysMatch": alwaysMatch}}, &created); err != nil {
		return "", err
	}
	wd.session = created.SessionID
	return created.Capabilities.BrowserVersion, nil
}

func (wd *webDriver) deleteSession(ctx context.Context) error {
	return wd.do(ctx, http.MethodDelete, "", nil, nil)
}

func (wd *webDriver) newWindow(ctx context.Context) (handle string, err error) {
	var w struct {
		Handle string `json:"handle"`
	}
	err = wd.do(ctx, http.MethodPost, "/window/new", map[string]string{"type": "window"}, &w)
	return w.Handle, err
}

func (wd *webDriver) windowHandles(ctx context.Context) ([]string, error) {
	var handles []string
	err := wd.do(ctx, http.MethodGet, "/window/handles", nil, &handles)
	return handles, err
}

func (wd *webDriver) switchToWindow(ctx context.Context, handle string) error {
	return wd.do(ctx, http.MethodPost, "/window", map[string]string{"handle": handle}, nil)
}

// closeWindow closes the current window.
func (wd *webDriver) closeWindow(ctx context.Context) error {
	return wd.do(ctx, http.MethodDelete, "/window", nil, nil)
}

func (wd *webDriver) navigate(ctx context.Context, url string) error {
	return wd.do(ctx, http.MethodPost, "/url", map[string]string{"url": url}, nil)
}

// findElement returns the reference of the first element that matches a CSS selector.
func (wd *webDriver) findElement(ctx context.Context, selector string) (string, error) {
	var el map[string]string
	if err := wd.do(ctx, http.MethodPost, "/element", map[string]string{"using": "css selector", "value": selector}, &el); err != nil {
		return "", err
	}
	return el[elementKey], nil
}

// clickElement scrolls the element into view and clicks its centre with the platform's own input
// events: trusted, as a user's click.
func (wd *webDriver) clickElement(ctx context.Context, element string) error {
	return wd.do(ctx, http.MethodPost, "/element/"+element+"/click", map[string]any{}, nil)
}

// executeScript runs a function body; a promise it returns is awaited (W3C WebDriver §13.2.1).
func (wd *webDriver) executeScript(ctx context.Context, body string, out any) error {
	return wd.do(ctx, http.MethodPost, "/execute/sync", map[string]any{"script": body, "args": []any{}}, out)
}
