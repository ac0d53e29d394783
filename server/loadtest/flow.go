// Package loadtest drives complete OAuth flows against a running dev server over HTTP, as a
// browser and an app backend would, and checks that every flow got its own connection. The
// load test in make test, the server figures of make bench (bench/load.go), cmd/nango-load and
// the kill -9 test of cmd/nango-dev all use it.
package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
)

// Target is the dev server under load: its API origin and secret key, and the integration the
// flows connect (a popup OAUTH2 one backed by the mock provider).
type Target struct {
	APIURL      string
	SecretKey   string
	Integration string            // default "zendesk"
	Params      map[string]string // connection config; default subdomain=acme
}

func (t Target) withDefaults() Target {
	if t.Integration == "" {
		t.Integration = "zendesk"
		if t.Params == nil {
			t.Params = map[string]string{"subdomain": "acme"}
		}
	}
	return t
}

// FlowResult is what one flow did.
type FlowResult struct {
	Index     int
	EndUserID string
	// ConnectionID is set once the callback page was fully received with a success: from then
	// on the server has promised the connection.
	ConnectionID string
	Duration     time.Duration // the whole flow, read-back included
	Err          error         // the first step that failed
	Misrouted    bool          // the read-back showed another flow's end user
}

// connectionIDInPage reads the id from the callback page's message (docs/wire.md §1): the
// first "connectionId":"…" whose value has no quote or escape. A scan rather than a regexp:
// the driver runs in the process the bench measures.
func connectionIDInPage(page []byte) (string, bool) {
	const key = `"connectionId":"`
	for rest := page; ; {
		at := bytes.Index(rest, []byte(key))
		if at < 0 {
			return "", false
		}
		rest = rest[at+len(key):]
		if end := bytes.IndexAny(rest, `"\`); end > 0 && rest[end] == '"' {
			return string(rest[:end]), true
		}
	}
}

// newFlowClient is a browser for one flow: its own cookies (the state cookie), no automatic
// redirects (each hop is checked), and the shared transport.
func newFlowClient(transport http.RoundTripper) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:           jar,
		Transport:     transport,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// RunFlow runs flow i of run runID: connect session (the backend), /oauth/connect, consent
// page, approval, callback page (the popup), then the backend reads the connection back.
func RunFlow(ctx context.Context, transport http.RoundTripper, t Target, runID string, i int) FlowResult {
	t = t.withDefaults()
	start := time.Now()
	res := FlowResult{Index: i, EndUserID: fmt.Sprintf("load-%s-%d", runID, i)}
	fail := func(step string, err error) FlowResult {
		res.Err, res.Duration = fmt.Errorf("flow %d: %s: %w", i, step, err), time.Since(start)
		return res
	}
	c := newFlowClient(transport)
	token, err := createSession(ctx, c, t, runID, i, res.EndUserID)
	if err != nil {
		return fail("connect session", err)
	}
	q := url.Values{"connect_session_token": {token}}
	for k, v := range t.Params {
		q.Set("params["+k+"]", v)
	}
	consentURL, err := expectRedirect(ctx, c, http.MethodGet, t.APIURL+"/oauth/connect/"+url.PathEscape(t.Integration)+"?"+q.Encode(), nil, http.StatusFound)
	if err != nil {
		return fail("oauth connect", err)
	}
	if err := expectPage(ctx, c, consentURL.String(), func([]byte) error { return nil }); err != nil {
		return fail("consent page", err)
	}
	form := url.Values{"query": {consentURL.RawQuery}, "decision": {"approve"}}
	action := *consentURL
	action.RawQuery = ""
	callbackURL, err := expectRedirect(ctx, c, http.MethodPost, action.String(), strings.NewReader(form.Encode()), http.StatusSeeOther)
	if err != nil {
		return fail("consent approval", err)
	}
	err = expectPage(ctx, c, callbackURL.String(), func(page []byte) error {
		id, ok := connectionIDInPage(page)
		if !ok || !bytes.Contains(page, []byte("nango_oauth_callback_success")) {
			return fmt.Errorf("no success message in the page")
		}
		res.ConnectionID = id
		return nil
	})
	if err != nil {
		return fail("callback page", err)
	}
	conn, err := readConnection(ctx, c, t, res.ConnectionID)
	if err != nil {
		return fail("read-back", err)
	}
	res.Misrouted = conn.EndUser.ID != res.EndUserID || conn.Tags["loadtest_flow"] != strconv.Itoa(i)
	res.Duration = time.Since(start)
	return res
}

// sessionRequest is the body of POST /connect/sessions the driver sends: a struct, not maps, and
// JSON v2 for its requests and responses, so that the driver's own JSON costs no more than it
// must (it shares the bench's process with the server it measures).
type sessionRequest struct {
	EndUser sessionEndUser `json:"end_user"`
	Tags    sessionTags    `json:"tags"`
}

type sessionEndUser struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
}

type sessionTags struct {
	Run  string `json:"loadtest_run"`
	Flow string `json:"loadtest_flow"`
}

func createSession(ctx context.Context, c *http.Client, t Target, runID string, i int, endUserID string) (string, error) {
	body, _ := jsonv2.Marshal(sessionRequest{
		EndUser: sessionEndUser{ID: endUserID, DisplayName: "Load " + strconv.Itoa(i)},
		Tags:    sessionTags{Run: runID, Flow: strconv.Itoa(i)},
	})
	var out struct {
		Data struct {
			Token string `json:"token"`
		} `json:"data"`
	}
	if err := backendJSON(ctx, c, t, http.MethodPost, "/connect/sessions", bytes.NewReader(body), http.StatusCreated, &out); err != nil {
		return "", err
	}
	return out.Data.Token, nil
}

// Connection is the part of GET /connection/{id} the checks read.
type Connection struct {
	ConnectionID      string            `json:"connection_id"`
	ProviderConfigKey string            `json:"provider_config_key"`
	Tags              map[string]string `json:"tags"`
	EndUser           struct {
		ID string `json:"id"`
	} `json:"end_user"`
}

func readConnection(ctx context.Context, c *http.Client, t Target, id string) (*Connection, error) {
	var conn Connection
	path := "/connection/" + url.PathEscape(id) + "?provider_config_key=" + url.QueryEscape(t.Integration)
	if err := backendJSON(ctx, c, t, http.MethodGet, path, nil, http.StatusOK, &conn); err != nil {
		return nil, err
	}
	return &conn, nil
}

// backendJSON is a call of the app's backend: the secret key, JSON in and out.
func backendJSON(ctx context.Context, c *http.Client, t Target, method, path string, body io.Reader, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, t.APIURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+t.SecretKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return readBody(resp, func(data []byte) error {
		if resp.StatusCode != want {
			return fmt.Errorf("%s %s: status %d: %.200s", method, path, resp.StatusCode, data)
		}
		return jsonv2.Unmarshal(data, out)
	})
}

func expectRedirect(ctx context.Context, c *http.Client, method, rawURL string, body io.Reader, want int) (*url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		data, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("status %d, want %d: %.200s", resp.StatusCode, want, data)
	}
	_, _ = io.Copy(io.Discard, resp.Body) // as a browser, which shows a redirect's body to no one
	return resp.Location()
}

// expectPage reads a whole 200 page and hands it to check: a page cut short by a dying server
// is an error.
func expectPage(ctx context.Context, c *http.Client, rawURL string, check func(page []byte) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return readBody(resp, func(data []byte) error {
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d: %.200s", resp.StatusCode, data)
		}
		return check(data)
	})
}

// bodyBuffers hold the bodies the driver reads: it runs in the process the bench measures,
// where its garbage would be collected with the server's.
var bodyBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 8<<10)) }}

// readBody reads a whole body into a pooled buffer and hands it to use, which must not keep it.
func readBody(resp *http.Response, use func(body []byte) error) error {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer bodyBuffers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return err
	}
	return use(buf.Bytes())
}
