// Package webtest holds what the dev server's tests share to speak HTTP to its origins as a
// browser and a backend do: a popup-like client, requests that return the whole response, the
// consent form of the mock provider, and readers for what the callback page posts and what the
// SDK's WebSocket sends. It is imported by tests only.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"
)

// Browser is an HTTP client that acts like the popup: it keeps cookies but does not follow
// redirects, so each hop can be inspected.
func Browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// PopupHeaders are what Chromium sends on the popup's navigation to /oauth/connect.
var PopupHeaders = map[string]string{
	"Referer":        "http://app.test:3000/",
	"Sec-Fetch-Dest": "document",
	"Accept":         "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}

// SameOriginJSON are the headers of the demo page's own fetch to its backend at origin.
func SameOriginJSON(origin string) map[string]string {
	return map[string]string{"Content-Type": "application/json", "Origin": origin, "Sec-Fetch-Site": "same-origin"}
}

// Response is a whole response, read.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body as a JSON object.
func (r Response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Body), &v), r.Body)
	return v
}

// Envelope is the error object of Nango's {"error":{"code","message"}} envelope.
func (r Response) Envelope(t *testing.T) map[string]any {
	t.Helper()
	e, ok := r.JSON(t)["error"].(map[string]any)
	require.True(t, ok, r.Body)
	return e
}

// Do sends a request with the given headers and reads the whole response.
func Do(t *testing.T, c *http.Client, method, rawURL string, body io.Reader, headers map[string]string) Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, body)
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: string(data)}
}

// Get is Do for a GET without a body.
func Get(t *testing.T, c *http.Client, rawURL string, headers map[string]string) Response {
	t.Helper()
	return Do(t, c, http.MethodGet, rawURL, nil, headers)
}

// DemoEndUser is a session body with an end user, an organization and a tag.
const DemoEndUser = `{"end_user":{"id":"user-1","email":"jane@example.com","display_name":"Jane"},"organization":{"id":"org-1","display_name":"Acme"},"tags":{"plan":"pro"}}`

// APIHost is where a test reaches the Nango API stand-in: the whole dev server, or the API host
// alone.
type APIHost interface {
	APIURL() string
	SecretKey() string
}

// CreateSession asks the API host for a connect session token with the secret key.
func CreateSession(t *testing.T, h APIHost, body string) string {
	t.Helper()
	resp := Do(t, http.DefaultClient, http.MethodPost, h.APIURL()+"/connect/sessions", strings.NewReader(body),
		map[string]string{"Authorization": "Bearer " + h.SecretKey(), "Content-Type": "application/json"})
	require.Equal(t, http.StatusCreated, resp.Status, resp.Body)
	return resp.JSON(t)["data"].(map[string]any)["token"].(string)
}

// PostReconnect sends POST /connect/sessions/reconnect with the credential auth ("" sends
// none) and the query, if any.
func PostReconnect(t *testing.T, h APIHost, auth, query, body string) Response {
	t.Helper()
	u := h.APIURL() + "/connect/sessions/reconnect"
	if query != "" {
		u += "?" + query
	}
	headers := map[string]string{"Content-Type": "application/json"}
	if auth != "" {
		headers["Authorization"] = "Bearer " + auth
	}
	return Do(t, http.DefaultClient, http.MethodPost, u, strings.NewReader(body), headers)
}

// ReconnectSession asks for a reconnect session token with the secret key.
func ReconnectSession(t *testing.T, h APIHost, body string) string {
	t.Helper()
	resp := PostReconnect(t, h, h.SecretKey(), "", body)
	require.Equal(t, http.StatusCreated, resp.Status, resp.Body)
	return resp.JSON(t)["data"].(map[string]any)["token"].(string)
}

// ConnectURL is the popup's first URL for an integration, with extra query pairs.
func ConnectURL(h APIHost, key, token, extra string) string {
	u := h.APIURL() + "/oauth/connect/" + key + "?connect_session_token=" + token
	if extra != "" {
		u += "&" + extra
	}
	return u
}

// PostAuth sends a custom-auth POST as the SDK's triggerAuth does: the session token in the
// query, JSON content type, from the app's origin.
func PostAuth(t *testing.T, h APIHost, path, key, token, query, body string) Response {
	t.Helper()
	u := h.APIURL() + path + "/" + key + "?connect_session_token=" + token
	if query != "" {
		u += "&" + query
	}
	return Do(t, http.DefaultClient, http.MethodPost, u, strings.NewReader(body),
		map[string]string{"Content-Type": "application/json", "Origin": "http://app.test:3000"})
}

// ReadConnection is GET /connection/{id} with the secret key.
func ReadConnection(t *testing.T, h APIHost, key, id string) Response {
	t.Helper()
	return Get(t, http.DefaultClient, h.APIURL()+"/connection/"+url.PathEscape(id)+"?provider_config_key="+key,
		map[string]string{"Authorization": "Bearer " + h.SecretKey()})
}

// DialSDKSocket opens the SDK's WebSocket at a path (and query) of the API host, from the app's
// origin, and returns it with the ws_client_id of its ack.
func DialSDKSocket(t *testing.T, h APIHost, path string) (*websocket.Conn, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(h.APIURL(), "http")+path, &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {"http://app.test:3000"}},
	})
	require.NoError(t, err)
	t.Cleanup(func() { conn.CloseNow() })
	ack := ReadFrame(t, conn)
	require.Equal(t, "connection_ack", ack["message_type"])
	id, _ := ack["ws_client_id"].(string)
	require.NotEmpty(t, id)
	return conn, id
}

var (
	hiddenQueryRE = regexp.MustCompile(`name="query" value="([^"]*)"`)
	formActionRE  = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	messageRE     = regexp.MustCompile(`var message = (\{.*\});`)
)

// Decide submits the consent form of a consent page (served from authorizeURL) with a decision,
// "approve" or "deny", as the page's buttons do, and returns the response: a redirect to the
// client's redirect_uri.
func Decide(t *testing.T, c *http.Client, authorizeURL string, page Response, decision string) Response {
	t.Helper()
	action := formActionRE.FindStringSubmatch(page.Body)
	query := hiddenQueryRE.FindStringSubmatch(page.Body)
	require.NotNil(t, action, page.Body)
	require.NotNil(t, query, page.Body)
	u, err := url.Parse(authorizeURL)
	require.NoError(t, err)
	form := url.Values{"query": {htmlUnescape(query[1])}, "decision": {decision}}
	return Do(t, c, http.MethodPost, u.Scheme+"://"+u.Host+htmlUnescape(action[1]), strings.NewReader(form.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

// DecideAtProvider opens the consent page at authorizeURL and clicks a button; it returns the
// URL the provider sends the popup back to.
func DecideAtProvider(t *testing.T, c *http.Client, authorizeURL, decision string) string {
	t.Helper()
	page := Get(t, c, authorizeURL, nil)
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	resp := Decide(t, c, authorizeURL, page, decision)
	require.Equal(t, http.StatusSeeOther, resp.Status, resp.Body)
	return resp.Header.Get("Location")
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// PostedMessage reads the message the callback page posts to its opener.
func PostedMessage(t *testing.T, page string) map[string]any {
	t.Helper()
	raw, ok := MessageScript(page)
	require.True(t, ok, page)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &v))
	return v
}

// MessageScript is the message as the callback page's script writes it (JSON, escaped for a
// script element), and whether the page has one.
func MessageScript(page string) (string, bool) {
	m := messageRE.FindStringSubmatch(page)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// ReadFrame reads one JSON frame of the SDK's WebSocket.
func ReadFrame(t *testing.T, conn *websocket.Conn) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, data, err := conn.Read(ctx)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(data, &v))
	return v
}

// RunNode runs script in Node with input as JSON on its standard input, and decodes what it
// writes to its standard output into out: for checks against JavaScript's own behaviour.
func RunNode(t *testing.T, script string, input, out any) {
	t.Helper()
	node, err := exec.LookPath("node")
	require.NoError(t, err, "this check compares with Node")
	data, err := json.Marshal(input)
	require.NoError(t, err)
	cmd := exec.Command(node, "-e", script)
	cmd.Stdin = bytes.NewReader(data)
	result, err := cmd.Output()
	require.NoError(t, err, "node: %s", script)
	require.NoError(t, json.Unmarshal(result, out), "node wrote %s", result)
}

// Emulator calls the emulator API (/emulator/...) of an API host with the secret key; body ""
// sends none.
func Emulator(t *testing.T, h APIHost, method, path, body string) Response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	return Do(t, http.DefaultClient, method, h.APIURL()+"/emulator/"+path, r,
		map[string]string{"Authorization": "Bearer " + h.SecretKey(), "Content-Type": "application/json"})
}
