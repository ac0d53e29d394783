package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// startServer runs the whole dev server on free ports.
func startServer(t *testing.T) *Server {
	t.Helper()
	return startConfigured(t, Config{})
}

// startConfigured runs the dev server with cfg on free ports (unless cfg names addresses).
func startConfigured(t *testing.T, cfg Config) *Server {
	t.Helper()
	for _, addr := range []*string{&cfg.AppAddr, &cfg.APIAddr, &cfg.ProviderAddr} {
		if *addr == "" {
			*addr = "127.0.0.1:0"
		}
	}
	if cfg.DistDir == "" {
		cfg.DistDir = t.TempDir()
	}
	srv, err := Start(t.Context(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		require.NoError(t, srv.Shutdown(ctx))
	})
	return srv
}

// browser is an HTTP client that acts like the popup: it keeps cookies but does not follow
// redirects, so each hop can be inspected.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.body), &v), r.body)
	return v
}

func do(t *testing.T, c *http.Client, method, rawURL string, body io.Reader, headers map[string]string) response {
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
	return response{status: resp.StatusCode, header: resp.Header, body: string(data)}
}

func get(t *testing.T, c *http.Client, rawURL string, headers map[string]string) response {
	t.Helper()
	return do(t, c, http.MethodGet, rawURL, nil, headers)
}

// createSession asks for a connect session token with the secret key.
func createSession(t *testing.T, srv *Server, body string) string {
	t.Helper()
	resp := do(t, http.DefaultClient, http.MethodPost, srv.APIURL()+"/connect/sessions", strings.NewReader(body),
		map[string]string{"Authorization": "Bearer " + srv.SecretKey(), "Content-Type": "application/json"})
	require.Equal(t, http.StatusCreated, resp.status, resp.body)
	data := resp.json(t)["data"].(map[string]any)
	return data["token"].(string)
}

const demoEndUser = `{"end_user":{"id":"user-1","email":"jane@example.com","display_name":"Jane"},"organization":{"id":"org-1","display_name":"Acme"},"tags":{"plan":"pro"}}`

// popupHeaders are what Chromium sends on the popup's navigation to /oauth/connect.
var popupHeaders = map[string]string{
	"Referer":        "http://app.test:3000/",
	"Sec-Fetch-Dest": "document",
	"Accept":         "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}

func connectURL(srv *Server, key, token, extra string) string {
	u := srv.APIURL() + "/oauth/connect/" + key + "?connect_session_token=" + token
	if extra != "" {
		u += "&" + extra
	}
	return u
}

var (
	hiddenQueryRE = regexp.MustCompile(`name="query" value="([^"]*)"`)
	formActionRE  = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	messageRE     = regexp.MustCompile(`var message = (\{.*\});`)
)

// decideAtProvider opens the consent page the API host redirected to and clicks a button;
// it returns the callback URL the provider sends the popup to.
func decideAtProvider(t *testing.T, c *http.Client, authorizeURL, decision string) string {
	t.Helper()
	page := get(t, c, authorizeURL, nil)
	require.Equal(t, http.StatusOK, page.status, page.body)
	action := formActionRE.FindStringSubmatch(page.body)
	query := hiddenQueryRE.FindStringSubmatch(page.body)
	require.NotNil(t, action, page.body)
	require.NotNil(t, query, page.body)
	u, err := url.Parse(authorizeURL)
	require.NoError(t, err)
	form := url.Values{"query": {htmlUnescape(query[1])}, "decision": {decision}}
	resp := do(t, c, http.MethodPost, u.Scheme+"://"+u.Host+htmlUnescape(action[1]), strings.NewReader(form.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	require.Equal(t, http.StatusSeeOther, resp.status, resp.body)
	return resp.header.Get("Location")
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// postedMessage reads the message the callback page posts to its opener.
func postedMessage(t *testing.T, page string) map[string]any {
	t.Helper()
	m := messageRE.FindStringSubmatch(page)
	require.NotNil(t, m, page)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(m[1]), &v))
	return v
}

// runFlow drives a popup from /oauth/connect to the callback page and returns the page.
func runFlow(t *testing.T, srv *Server, c *http.Client, connect string, decision string) response {
	t.Helper()
	resp := get(t, c, connect, popupHeaders)
	require.Equal(t, http.StatusFound, resp.status, resp.body)
	callback := decideAtProvider(t, c, resp.header.Get("Location"), decision)
	require.True(t, strings.HasPrefix(callback, srv.APIURL()+"/oauth/callback?"), callback)
	return get(t, c, callback, nil)
}

func readConnection(t *testing.T, srv *Server, key, id string) response {
	t.Helper()
	return get(t, http.DefaultClient, srv.APIURL()+"/connection/"+url.PathEscape(id)+"?provider_config_key="+key,
		map[string]string{"Authorization": "Bearer " + srv.SecretKey()})
}

// mem is the in-memory store of a server started without a data file, for tests that look
// inside it.
func mem(srv *Server) *memStore { return srv.api.store.(*memStore) }
