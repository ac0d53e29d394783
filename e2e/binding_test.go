package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/nango-wasm/nango-wasm/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A provider page that is hostile (a malicious provider, or an XSS or open redirect on a real
// one) runs inside the popup. It sends the popup to the attacker's own flow on the Nango host,
// which the attacker's ordinary session token completes at once. That flow's callback page posts
// from the host's origin and from the popup: the victim's auth() must not resolve with the
// attacker's connection, whichever Referer the hostile page lets through.
func TestAuthIgnoresTheFlowAHostileProviderPageSwitchesTo(t *testing.T) {
	for _, policy := range []string{"no-referrer", "strict-origin-when-cross-origin"} {
		t.Run(policy, func(t *testing.T) {
			var attackerURL string
			hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprintf(w, `<!doctype html><meta name="referrer" content="%s"><title>provider</title>
<script>location.replace(%s)</script>`, policy, jsString(attackerURL))
			}))
			t.Cleanup(hostile.Close)
			srv := startDevServer(t, server.IntegrationConfig{
				UniqueKey: "hostile", Provider: "github", Endpoints: "real", ClientID: "client", ClientSecret: "secret",
				AuthorizationURL: hostile.URL + "/authorize", TokenURL: hostile.URL + "/token",
			}, server.IntegrationConfig{UniqueKey: "github"})
			attackerToken := newSessionAt(t, srv, map[string]any{"end_user": map[string]any{"id": "attacker"}})
			attackerURL = srv.APIURL() + "/oauth/connect/github?connect_session_token=" + attackerToken +
				"&authorization_params[nango_dev_fault]=auto_approve"
			victimToken := newSessionAt(t, srv, map[string]any{"end_user": map[string]any{"id": "victim"}})

			ctx := openTab(t, env.App.URL+"/auth.html?"+url.Values{"host": {srv.APIURL()}, "token": {victimToken}}.Encode())
			setAuthArgs(t, ctx, `['hostile', { detectClosedAuthWindow: true }]`)
			clickOpeningPopup(t, ctx, "#connect")
			o := lastOutcome(t, ctx)

			stolen := connectionsOf(t, srv, "github")
			require.Len(t, stolen, 1, "the attacker's flow ran to its end inside the victim's popup")
			assert.False(t, o.OK, "auth('hostile') resolved with %+v, the attacker's connection %s", o.Value, stolen[0])
			requireRejected(t, o, "window_closed")
			assert.Empty(t, connectionsOf(t, srv, "hostile"))
		})
	}
}

// The SDK's half, against a Nango host that posts every result to '*' as real Nango does: from
// the host's origin and from the popup come the results of other flows (another nonce, another
// integration) and, last, a success that echoes no nonce. Only a result that echoes this call's
// nonce and names its integration may resolve it.
func TestAuthResolvesOnlyWithAResultBoundToTheCall(t *testing.T) {
	host := httptest.NewServer(nangoLikeHost())
	t.Cleanup(host.Close)
	for key, want := range map[string]string{"bound": "ok", "unbound": "unverified_result"} {
		t.Run(key, func(t *testing.T) {
			ctx := openTab(t, env.App.URL+"/auth.html?"+url.Values{"host": {host.URL}, "token": {"nango_connect_session_victim"}}.Encode())
			setAuthArgs(t, ctx, `[`+jsString(key)+`]`)
			clickOpeningPopup(t, ctx, "#connect")
			o := lastOutcome(t, ctx)
			require.Equal(t, 3, forgedReceived(t, ctx), "every foreign result reached the page before the last message")
			if want == "ok" {
				require.True(t, o.OK, "auth() rejected: %s %s", o.Type, o.Message)
				assert.Equal(t, "bound-id", o.Value.ConnectionID)
				return
			}
			requireRejected(t, o, want)
		})
	}
}

// nangoLikeHost is a Nango host whose WebSocket is missing (so the SDK goes on with postMessage)
// and whose /oauth/connect/{key} page posts, to '*', three results of other flows, then this
// flow's own: bound to it (its nonce, read from the page's URL) for key "bound", without a nonce
// (Nango's payload-less success) for any other key.
func nangoLikeHost() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/connect/{key}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>callback</title><script>
const key = %s;
const nonce = new URLSearchParams(location.search).get('nango_wasm_nonce');
const post = (m) => window.opener.postMessage(m, '*');
post({ type: 'nango_oauth_callback_success', payload: { providerConfigKey: key, connectionId: 'forged', nonce: 'nonce-of-another-flow-0000' } });
post({ type: 'nango_oauth_callback_success', payload: { providerConfigKey: 'github', connectionId: 'forged', nonce } });
post({ type: 'nango_oauth_callback_error', payload: { errorType: 'callback_err', message: 'forged', nonce: 'nonce-of-another-flow-0000' } });
setTimeout(() => post(key === 'bound'
  ? { type: 'nango_oauth_callback_success', payload: { providerConfigKey: key, connectionId: 'bound-id', nonce } }
  : { type: 'nango_oauth_callback_success' }), 300);
</script>`, jsString(r.PathValue("key")))
	})
	return mux
}

// startDevServer starts a dev server of the test's own, with these integrations.
func startDevServer(t *testing.T, integrations ...server.IntegrationConfig) *server.Server {
	t.Helper()
	srv, err := server.Start(context.Background(), server.Config{
		AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0",
		Integrations: integrations,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv
}

// connectionsOf lists the connection ids of an integration on a dev server.
func connectionsOf(t *testing.T, srv *server.Server, key string) []string {
	t.Helper()
	var out struct {
		Connections []struct {
			ConnectionID string `json:"connection_id"`
		} `json:"connections"`
	}
	require.Equal(t, http.StatusOK, apiJSONAt(t, srv, http.MethodGet, "/connections?integrationId="+url.QueryEscape(key), nil, &out))
	ids := []string{}
	for _, c := range out.Connections {
		ids = append(ids, c.ConnectionID)
	}
	return ids
}
