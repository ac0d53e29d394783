package api

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func emu(t *testing.T, h *apiHost, method, path, body string) webtest.Response {
	t.Helper()
	return webtest.Emulator(t, h, method, path, body)
}

// data is the list of a {"data":[...]} answer.
func data(t *testing.T, resp webtest.Response) []any {
	t.Helper()
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	list, ok := resp.JSON(t)["data"].([]any)
	require.True(t, ok, resp.Body)
	return list
}

func TestEmulatorNeedsTheSecretKey(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	for _, c := range []struct{ method, path string }{
		{"POST", "reset"}, {"GET", "sessions"}, {"GET", "connections"}, {"POST", "connections"}, {"GET", "webhooks"},
		{"GET", "faults"}, {"PUT", "faults"}, {"DELETE", "faults"}, {"GET", "state"}, {"PUT", "state"}, {"GET", "events"},
	} {
		resp := webtest.Do(t, http.DefaultClient, c.method, h.APIURL()+"/emulator/"+c.path, nil, nil)
		assert.Equal(t, http.StatusUnauthorized, resp.Status, "%s %s", c.method, c.path)
		assert.Equal(t, "missing_auth_header", resp.Envelope(t)["code"], "%s %s", c.method, c.path)
		resp = webtest.Do(t, http.DefaultClient, c.method, h.APIURL()+"/emulator/"+c.path, nil,
			map[string]string{"Authorization": "Bearer 11111111-2222-4333-8444-555555555555"})
		assert.Equal(t, "unknown_account", resp.Envelope(t)["code"], "%s %s", c.method, c.path)
	}
	// The page and its files hold nothing secret (the page asks for the key) and run under a
	// policy that allows only themselves.
	for _, path := range []string{"/emulator", "/emulator/emulator.js", "/emulator/emulator.css"} {
		page := webtest.Get(t, http.DefaultClient, h.APIURL()+path, nil)
		assert.Equal(t, http.StatusOK, page.Status, path)
		assert.Contains(t, page.Header.Get("Content-Security-Policy"), "script-src 'self'", path)
		assert.NotContains(t, page.Body, h.SecretKey(), path)
	}
	assert.Equal(t, http.StatusNotFound, webtest.Get(t, http.DefaultClient, h.APIURL()+"/emulator/index.html", nil).Status)
}

func TestEmulatorSeedsAndListsConnections(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	resp := emu(t, h, "POST", "connections", `{"provider_config_key":"sendgrid","connection_id":"acct-1",
		"credentials":{"type":"API_KEY","apiKey":"sg-key"},"connection_config":{"region":"eu"},
		"end_user":{"id":"u-1","email":"ann@example.com"},"organization":{"id":"org-9"},"tags":{"plan":"pro"}}`)
	require.Equal(t, http.StatusCreated, resp.Status, resp.Body)
	seeded := resp.JSON(t)
	assert.Equal(t, "sendgrid", seeded["provider"])
	assert.Equal(t, map[string]any{"type": "API_KEY", "apiKey": "sg-key"}, seeded["credentials"])
	assert.Equal(t, map[string]any{"end_user_id": "u-1", "end_user_email": "ann@example.com", "organization_id": "org-9", "plan": "pro"}, seeded["tags"])

	// The app's backend reads it as any other connection.
	conn := webtest.ReadConnection(t, h, "sendgrid", "acct-1")
	require.Equal(t, http.StatusOK, conn.Status, conn.Body)
	assert.Equal(t, "eu", conn.JSON(t)["connection_config"].(map[string]any)["region"])

	// An OAUTH2 integration gets mock tokens when the body has none; seeding again replaces.
	resp = emu(t, h, "POST", "connections", `{"provider_config_key":"github","connection_id":"gh"}`)
	require.Equal(t, http.StatusCreated, resp.Status, resp.Body)
	assert.True(t, strings.HasPrefix(resp.JSON(t)["credentials"].(map[string]any)["access_token"].(string), "mock_access_"))
	resp = emu(t, h, "POST", "connections", `{"provider_config_key":"github","connection_id":"gh","credentials":{"type":"OAUTH2","access_token":"mine"}}`)
	assert.Equal(t, http.StatusOK, resp.Status, resp.Body)

	list := data(t, emu(t, h, "GET", "connections", ""))
	require.Len(t, list, 2)
	assert.Equal(t, "gh", list[0].(map[string]any)["connection_id"], "newest first")
	assert.Equal(t, "mine", list[0].(map[string]any)["credentials"].(map[string]any)["access_token"])
}

func TestEmulatorSeedRefusesBadInput(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	for _, c := range []struct{ name, body, code, path string }{
		{"unknown integration", `{"provider_config_key":"nope","connection_id":"a"}`, "unknown_provider_config", ""},
		{"no connection id", `{"provider_config_key":"github"}`, "invalid_body", "connection_id"},
		{"unknown key", `{"provider_config_key":"github","connection_id":"a","extra":1}`, "invalid_body", ""},
		{"bad email", `{"provider_config_key":"github","connection_id":"a","end_user":{"id":"u","email":"no"}}`, "invalid_body", "end_user.email"},
		{"credentials not an object", `{"provider_config_key":"github","connection_id":"a","credentials":"x"}`, "invalid_body", "credentials"},
		{"wrong credentials type", `{"provider_config_key":"github","connection_id":"a","credentials":{"type":"API_KEY"}}`, "invalid_body", "credentials.type"},
		{"API_KEY without credentials", `{"provider_config_key":"sendgrid","connection_id":"a"}`, "invalid_body", "credentials"},
		{"not JSON", `{`, "invalid_body", ""},
	} {
		resp := emu(t, h, "POST", "connections", c.body)
		assert.Equal(t, http.StatusBadRequest, resp.Status, c.name)
		env := resp.Envelope(t)
		assert.Equal(t, c.code, env["code"], c.name)
		if c.path != "" {
			assert.Contains(t, resp.Body, `"path":["`+strings.ReplaceAll(c.path, ".", `","`)+`"]`, c.name)
		}
	}
	assert.Empty(t, data(t, emu(t, h, "GET", "connections", "")), "nothing was stored")
}

func TestEmulatorListsSessionsAndResets(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	token := webtest.CreateSession(t, h, webtest.DemoEndUser)
	sessions := data(t, emu(t, h, "GET", "sessions", ""))
	require.Len(t, sessions, 1)
	sess := sessions[0].(map[string]any)
	assert.Equal(t, store.TokenHash(token), sess["token_hash"])
	assert.Equal(t, "user-1", sess["end_user"].(map[string]any)["id"])
	assert.NotContains(t, emu(t, h, "GET", "sessions", "").Body, token, "the token itself is never shown")

	connectUnauthenticated(t, h, webtest.DemoEndUser)
	require.Len(t, data(t, emu(t, h, "GET", "connections", "")), 1)
	require.Equal(t, http.StatusOK, emu(t, h, "PUT", "faults", `{"faults":["token_500"]}`).Status)

	resp := emu(t, h, "POST", "reset", "")
	require.Equal(t, http.StatusNoContent, resp.Status, resp.Body)
	assert.Empty(t, data(t, emu(t, h, "GET", "sessions", "")))
	assert.Empty(t, data(t, emu(t, h, "GET", "connections", "")))
	assert.JSONEq(t, `{"faults":[],"integrations":{}}`, emu(t, h, "GET", "faults", "").Body)
	// The session's token is gone; the secret key and the integrations stay.
	gone := webtest.Get(t, http.DefaultClient, h.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
	assert.Equal(t, http.StatusUnauthorized, gone.Status)
	ins := webtest.Get(t, http.DefaultClient, h.APIURL()+"/integrations", map[string]string{"Authorization": "Bearer " + h.SecretKey()})
	assert.Equal(t, http.StatusOK, ins.Status)
	assert.Contains(t, ins.Body, `"unique_key":"zendesk"`)
}

func TestEmulatorFaultsActOnTheNextFlow(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	resp := emu(t, h, "PUT", "faults", `{"faults":["slow_consent:2s"],"integrations":{"zendesk":["token_500","coop"]}}`)
	require.Equal(t, http.StatusOK, resp.Status, resp.Body)
	assert.JSONEq(t, `{"faults":["slow_consent:2s"],"integrations":{"zendesk":["coop","token_500"]}}`, resp.Body, "canonical")
	assert.JSONEq(t, resp.Body, emu(t, h, "GET", "faults", "").Body)

	// The next popup flow carries them to the provider.
	token := webtest.CreateSession(t, h, webtest.DemoEndUser)
	authorize := func(key string) url.Values {
		popup := webtest.Get(t, webtest.Browser(t), webtest.ConnectURL(h, key, token, "params[subdomain]=acme"), webtest.PopupHeaders)
		require.Equal(t, http.StatusFound, popup.Status, popup.Body)
		u, err := url.Parse(popup.Header.Get("Location"))
		require.NoError(t, err)
		return u.Query()
	}
	assert.Equal(t, "coop,slow_consent:2s,token_500", authorize("zendesk").Get("nango_dev_fault"))
	assert.Equal(t, "slow_consent:2s", authorize("github").Get("nango_dev_fault"))

	require.Equal(t, http.StatusNoContent, emu(t, h, "DELETE", "faults", "").Status)
	assert.Empty(t, authorize("zendesk").Get("nango_dev_fault"))

	// ws_refuse is server-wide only, as in the config file, and acts at once.
	upgrade := func() int {
		return webtest.Get(t, http.DefaultClient, h.APIURL()+"/", map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}).Status
	}
	require.Equal(t, http.StatusOK, emu(t, h, "PUT", "faults", `{"faults":["ws_refuse"]}`).Status)
	assert.Equal(t, http.StatusServiceUnavailable, upgrade())
	require.Equal(t, http.StatusNoContent, emu(t, h, "DELETE", "faults", "").Status)
	webtest.DialSDKSocket(t, h, "/")
	// Clearing live faults does not undo a refusal set otherwise (the config, RefuseWebSockets).
	h.RefuseWebSockets(true)
	require.Equal(t, http.StatusNoContent, emu(t, h, "DELETE", "faults", "").Status)
	assert.Equal(t, http.StatusServiceUnavailable, upgrade())
	h.RefuseWebSockets(false)

	for _, c := range []struct{ body, path string }{
		{`{"faults":["nope"]}`, `"path":["faults",0]`},
		{`{"integrations":{"zendesk":["ws_refuse"]}}`, `"path":["integrations","zendesk",0]`},
		{`{"integrations":{"nope":["coop"]}}`, `"path":["integrations","nope"]`},
		{`{"faults":"coop"}`, `"code":"invalid_body"`},
		{`{"fault":["coop"]}`, `"code":"invalid_body"`},
	} {
		resp := emu(t, h, "PUT", "faults", c.body)
		assert.Equal(t, http.StatusBadRequest, resp.Status, c.body)
		assert.Contains(t, resp.Body, c.path, c.body)
	}
	assert.JSONEq(t, `{"faults":[],"integrations":{}}`, emu(t, h, "GET", "faults", "").Body, "a refused PUT changes nothing")
}

func TestEmulatorStateRoundTrip(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	token := webtest.CreateSession(t, h, `{"end_user":{"id":"u-2"},"allowed_integrations":["github"],"integrations_config_defaults":{"github":{"connection_config":{"oauth_scopes_override":"repo"}}},"nango_dev_faults":["coop"]}`)
	connectUnauthenticated(t, h, webtest.DemoEndUser)
	require.Equal(t, http.StatusCreated, emu(t, h, "POST", "connections", `{"provider_config_key":"sendgrid","connection_id":"s","credentials":{"type":"API_KEY","apiKey":"k"},"connection_config":{"b":1,"a":[2.50]}}`).Status)
	webtest.ReadConnection(t, h, "sendgrid", "s") // sets last_fetched_at
	require.Equal(t, http.StatusOK, emu(t, h, "PUT", "faults", `{"integrations":{"github":["access_denied"]}}`).Status)

	exported := emu(t, h, "GET", "state", "")
	require.Equal(t, http.StatusOK, exported.Status)
	require.Equal(t, http.StatusNoContent, emu(t, h, "POST", "reset", "").Status)
	require.Equal(t, http.StatusNoContent, emu(t, h, "PUT", "state", exported.Body).Status)
	assert.Equal(t, exported.Body, emu(t, h, "GET", "state", "").Body, "an export imports back unchanged")

	// What was imported works: the session's token, the connection.
	sess := webtest.Get(t, http.DefaultClient, h.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
	assert.Equal(t, http.StatusOK, sess.Status, sess.Body)
	assert.Equal(t, http.StatusOK, webtest.ReadConnection(t, h, "sendgrid", "s").Status)
	// New connections continue after the imported ids.
	seeded := emu(t, h, "POST", "connections", `{"provider_config_key":"github","connection_id":"next"}`)
	assert.EqualValues(t, 3, seeded.JSON(t)["id"])
}

func TestEmulatorStateImportChecksAndFillsIn(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	require.Equal(t, http.StatusCreated, emu(t, h, "POST", "connections", `{"provider_config_key":"github","connection_id":"keep"}`).Status)
	before := emu(t, h, "GET", "state", "").Body
	for _, c := range []struct{ body, want string }{
		{`{"format":"other","version":1}`, `"path":["format"]`},
		{`{"format":"nango-dev-state","version":2}`, `"path":["version"]`},
		{`{"format":"nango-dev-state","version":1,"connections":[{"provider_config_key":"nope","connection_id":"a"}]}`, `"path":["connections",0,"provider_config_key"]`},
		{`{"format":"nango-dev-state","version":1,"connections":[{"provider_config_key":"github","connection_id":"a"},{"provider_config_key":"github","connection_id":"a"}]}`, `"path":["connections",1]`},
		{`{"format":"nango-dev-state","version":1,"sessions":[{"token_hash":"abc"}]}`, `"path":["sessions",0,"token_hash"]`},
		{`{"format":"nango-dev-state","version":1,"sessions":[{"token_hash":"` + store.TokenHash("t") + `"},{"token_hash":"` + store.TokenHash("t") + `"}]}`, `"path":["sessions",1,"token_hash"]`},
		{`{"format":"nango-dev-state","version":1,"faults":{"faults":["nope"]}}`, `"path":["faults","faults",0]`},
		{`{"format":"nango-dev-state","version":1,"unknown":true}`, `unknown field`},
	} {
		resp := emu(t, h, "PUT", "state", c.body)
		assert.Equal(t, http.StatusBadRequest, resp.Status, c.body)
		assert.Contains(t, resp.Body, c.want, c.body)
	}
	assert.Equal(t, before, emu(t, h, "GET", "state", "").Body, "a refused import changes nothing")

	// A hand-written fixture: ids, providers and times are filled in; a session's token is
	// named by its SHA-256.
	token := "nango_connect_session_" + strings.Repeat("ab", 32)
	fixture := `{"format":"nango-dev-state","version":1,
		"connections":[{"provider_config_key":"github","connection_id":"fixture","credentials":{"type":"OAUTH2","access_token":"t"}}],
		"sessions":[{"token_hash":"` + store.TokenHash(token) + `","end_user":{"id":"u-3"}}]}`
	require.Equal(t, http.StatusNoContent, emu(t, h, "PUT", "state", fixture).Status)
	conns := data(t, emu(t, h, "GET", "connections", ""))
	require.Len(t, conns, 1)
	assert.Equal(t, "github", conns[0].(map[string]any)["provider"])
	assert.EqualValues(t, 1, conns[0].(map[string]any)["id"])
	sess := webtest.Get(t, http.DefaultClient, h.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
	assert.Equal(t, http.StatusOK, sess.Status, sess.Body)
}

// The events stream announces each change by topic.
func TestEmulatorEventsAnnounceChanges(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", h.APIURL()+"/emulator/events", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+h.SecretKey())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	events := bufio.NewScanner(resp.Body)
	nextEvent := func() string {
		t.Helper()
		var lines []string
		for events.Scan() {
			if events.Text() == "" {
				return strings.Join(lines, "\n")
			}
			lines = append(lines, events.Text())
		}
		t.Fatalf("the stream ended: %v", events.Err())
		return ""
	}
	assert.Equal(t, `event: ready`+"\n"+`data: {"topics":["connections","sessions","webhooks","faults"]}`, nextEvent())

	webtest.CreateSession(t, h, webtest.DemoEndUser)
	assert.Equal(t, "event: change\ndata: {\"topic\":\"sessions\"}", nextEvent())
	emu(t, h, "POST", "connections", `{"provider_config_key":"github","connection_id":"a"}`)
	assert.Equal(t, "event: change\ndata: {\"topic\":\"connections\"}", nextEvent())
	emu(t, h, "PUT", "faults", `{"faults":["coop"]}`)
	assert.Equal(t, "event: change\ndata: {\"topic\":\"faults\"}", nextEvent())

	// Shutting down ends the stream instead of waiting for the page to leave.
	h.EndEventStreams()
	for events.Scan() {
	}
	assert.NoError(t, events.Err())
}
