package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
)

// A link to the Connect UI that names another API (?apiURL=) gets a refusal, not that API's
// texts, and the page sends it nothing: not the session token, not what the user would type.
// The hostile API here is the test's own loopback server, answering as an API would (CORS
// open), and recording every request it gets.
func TestConnectUIRefusesAForeignAPIURL(t *testing.T) {
	var mu sync.Mutex
	var hits []string
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Accept-Language")
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/connect/session":
			_, _ = w.Write([]byte(`{"data":{"endUser":{"id":"x"},"connectUISettings":{}}}`))
		case "/integrations":
			_, _ = w.Write([]byte(`{"data":[{"unique_key":"bank","provider":"zendesk","display_name":"Hostile Bank","logo":""}]}`))
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(hostile.Close)
	token := newSession(t, map[string]any{})
	for _, tc := range []struct{ name, base, theme string }{
		{"own origin, light", env.Server.ConnectURL() + "/", "light"},
		{"own origin, dark", env.Server.ConnectURL() + "/", "dark"},
		{"API host", env.Server.APIURL() + "/connect/", "light"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newTab(t)
			q := url.Values{"apiURL": {hostile.URL}, "session_token": {token}, "theme": {tc.theme}}
			step(t, ctx, chromedp.Navigate(tc.base+"?"+q.Encode()), chromedp.WaitVisible(chromedp.CSS("#fatal")))
			assert.Contains(t, value(t, ctx, chromedp.Text(chromedp.CSS("#fatal")), "the refusal"), env.Server.APIURL(),
				"the page says which API it works with")
			assert.NotContains(t, value(t, ctx, chromedp.Text(chromedp.CSS("body")), "the page"), "Hostile Bank")
			if tc.base == env.Server.ConnectURL()+"/" {
				shot(t, ctx, "connectui-foreign-api-"+tc.theme)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, hits, "the hostile API got nothing")
}
