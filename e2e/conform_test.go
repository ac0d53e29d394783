package e2e

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The conformance suite runs one set of scenarios against the real @nangohq/frontend 0.71.10
// (bundled from npm, test-only) and against nango-wasm, both talking to the dev server, and
// compares what each resolves or rejects with and what the server stored. A scenario where
// nango-wasm differs on purpose says so, and why.

// hangAfter: how long a call may stay pending before a scenario counts it as hanging. The dev
// server answers in milliseconds, so an outcome that has not come by then is not coming.
const hangAfter = 3 * time.Second

// sdks are the two implementations under test.
var sdks = []string{"anchor", "ours"}

// expect is what one SDK does in a scenario.
type expect struct {
	ok      bool
	typ     string // the AuthError type of a rejection ("" for a plain Error)
	message string // the exact message of a rejection, when the scenario pins it
	hangs   bool   // the promise never settles
	sync    bool   // thrown synchronously
	config  map[string]any
}

type scenario struct {
	name string
	// token returns the connect session token the page uses ("" for none).
	token func(t *testing.T) string
	// publicKey is the page's deprecated publicKey option ("" for none).
	publicKey string
	// call is the JavaScript value of {method, args}.
	call string
	// popup: the call opens a popup; user is what the user does in it (nil: nothing, the
	// popup may close by itself).
	popup bool
	user  func(t *testing.T, popup context.Context)
	want  expect
	// ours is set when nango-wasm differs on purpose; why says why.
	ours *expect
	why  string
	// extra checks more of one SDK's observation (token is the page's session token).
	extra func(t *testing.T, sdk, token string, o observation)
	// volatile names connection_config keys the server fills with a fresh value per connection
	// (an id), compared by presence only.
	volatile []string
}

// observation is what one SDK did.
type observation struct {
	outcome outcome
	hung    bool
	stored  map[string]any // the connection read back, when the call resolved
}

func deny(t *testing.T, popup context.Context) {
	t.Helper()
	atProvider(t, popup)
	step(t, popup, chromedp.Click(chromedp.CSS("#deny")))
}

func freshSession(body map[string]any) func(t *testing.T) string {
	return func(t *testing.T) string { return newSession(t, body) }
}

func fixedToken(tok string) func(t *testing.T) string {
	return func(*testing.T) string { return tok }
}

// run plays a scenario with one SDK.
func (s scenario) run(t *testing.T, sdk string) observation {
	t.Helper()
	token := ""
	if s.token != nil {
		token = s.token(t)
	}

	q := url.Values{"sdk": {sdk}, "host": {env.Server.APIURL()}}
	if token != "" {
		q.Set("token", token)
	}
	if s.publicKey != "" {
		q.Set("publicKey", s.publicKey)
	}
	ctx := openTab(t, env.App.URL+"/conform.html?"+q.Encode())
	eval[any](t, ctx, `window.call = `+s.call+`; 0`)
	switch {
	case s.user != nil:
		s.user(t, attach(t, ctx, clickOpeningPopup(t, ctx, "#go")))
	case s.popup:
		clickOpeningPopup(t, ctx, "#go")
	default:
		step(t, ctx, chromedp.Click(chromedp.CSS("#go")))
	}
	var obs observation
	settled := evalAwait[bool](t, ctx, fmt.Sprintf(`Promise.race([window.last.then(() => true), new Promise((r) => setTimeout(() => r(false), %d))])`, hangAfter.Milliseconds()))
	obs.hung = !settled
	obs.outcome = outcomeAt(t, ctx, -1)
	if obs.outcome.OK {
		obs.stored = connection(t, obs.outcome.Value.ConnectionID, obs.outcome.Value.ProviderConfigKey)
	}
	if s.extra != nil {
		s.extra(t, sdk, token, obs)
	}
	return obs
}

// check compares an observation with its expectation.
func (e expect) check(t *testing.T, sdk string, o observation) {
	t.Helper()
	if e.hangs {
		assert.True(t, o.hung, "%s: want a promise that never settles, got %+v", sdk, o.outcome)
		return
	}
	require.False(t, o.hung, "%s: the promise did not settle", sdk)
	assert.Equal(t, e.sync, o.outcome.Sync, "%s: thrown synchronously", sdk)
	if e.ok {
		require.True(t, o.outcome.OK, "%s: rejected with %s: %s", sdk, o.outcome.Type, o.outcome.Message)
		assert.NotEmpty(t, o.outcome.Value.ConnectionID, sdk)
		if e.config != nil {
			assert.Equal(t, e.config, o.stored["connection_config"], "%s: stored connection_config", sdk)
		}
		return
	}
	require.False(t, o.outcome.OK, "%s: resolved, want a rejection of type %q", sdk, e.typ)
	assert.Equal(t, e.typ, o.outcome.Type, "%s: message %q", sdk, o.outcome.Message)
	assert.Equal(t, e.typ != "", o.outcome.IsAuthError, "%s: an AuthError", sdk)
	if e.message != "" {
		assert.Equal(t, e.message, o.outcome.Message, sdk)
	}
}

// same checks that nango-wasm did what the anchor did.
func same(t *testing.T, anchor, ours observation, volatile []string) {
	t.Helper()
	assert.Equal(t, anchor.hung, ours.hung, "hangs")
	assert.Equal(t, anchor.outcome.OK, ours.outcome.OK, "resolved")
	assert.Equal(t, anchor.outcome.Sync, ours.outcome.Sync, "thrown synchronously")
	assert.Equal(t, anchor.outcome.Type, ours.outcome.Type, "type")
	assert.Equal(t, anchor.outcome.Message, ours.outcome.Message, "message")
	assert.Equal(t, anchor.outcome.IsAuthError, ours.outcome.IsAuthError, "AuthError")
	assert.Equal(t, anchor.outcome.Value.ProviderConfigKey, ours.outcome.Value.ProviderConfigKey, "providerConfigKey")
	assert.Equal(t, anchor.outcome.Value.IsPending, ours.outcome.Value.IsPending, "isPending")
	if anchor.stored != nil && ours.stored != nil {
		for _, stored := range []map[string]any{anchor.stored, ours.stored} {
			if cfg, ok := stored["connection_config"].(map[string]any); ok {
				for _, k := range volatile {
					assert.NotEmpty(t, cfg[k], "stored connection_config.%s", k)
					cfg[k] = "(volatile)"
				}
			}
		}
		for _, k := range []string{"provider_config_key", "provider", "connection_config", "tags", "end_user"} {
			assert.Equal(t, anchor.stored[k], ours.stored[k], "stored %s", k)
		}
		ac, _ := anchor.stored["credentials"].(map[string]any)
		oc, _ := ours.stored["credentials"].(map[string]any)
		assert.Equal(t, ac["type"], oc["type"], "stored credentials type")
	}
}

func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			obs := map[string]observation{}
			for _, sdk := range sdks {
				obs[sdk] = s.run(t, sdk)
			}
			s.want.check(t, "anchor", obs["anchor"])
			if s.ours == nil {
				s.want.check(t, "ours", obs["ours"])
				same(t, obs["anchor"], obs["ours"], s.volatile)
				return
			}
			require.NotEmpty(t, s.why, "a difference must say why")
			s.ours.check(t, "ours", obs["ours"])
			t.Logf("nango-wasm differs on purpose: %s", s.why)
		})
	}
}

func TestConformancePopupFlows(t *testing.T) {
	hang := expect{hangs: true}
	runScenarios(t, []scenario{
		{
			name:  "oauth success with params",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['zendesk', { params: { subdomain: 'acme' } }] }`,
			user:  approve,
			want:  expect{ok: true, config: map[string]any{"subdomain": "acme"}},
		},
		{
			name:  "scopes override",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['zendesk', { params: { subdomain: 'acme', oauth_scopes_override: 'read,write' } }] }`,
			user:  approve,
			want:  expect{ok: true, config: map[string]any{"subdomain": "acme", "oauth_scopes_override": []any{"read", "write"}}},
		},
		{
			name:  "provider without connection config",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['github'] }`,
			user:  approve,
			want:  expect{ok: true, config: map[string]any{}},
		},
		{
			name:  "provider deny",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['zendesk', { params: { subdomain: 'acme' } }] }`,
			user:  deny,
			want:  expect{typ: "callback_err", message: "Did not get authorization code in the callback. Provider error: error: access_denied; error_description: The user denied access"},
			ours:  &expect{typ: "access_denied", message: "Did not get authorization code in the callback. Provider error: error: access_denied; error_description: The user denied access"},
			why:   "a user's refusal gets its own type (the message is Nango's), so an app can tell it from a broken integration",
		},
		{
			name:  "missing connection config",
			token: freshSession(nil),
			call:  `{ method: 'auth', args: ['zendesk'] }`,
			popup: true,
			want:  expect{typ: "url_param_err", message: "Missing Connection Config param(s) in Auth request to interpolate url https://${connectionConfig.subdomain}.zendesk.com/oauth/authorizations/new. Provided Connection Config: {}"},
		},
		{
			name:  "malformed session token",
			token: fixedToken("nango_connect_session_not-hex"),
			call:  `{ method: 'auth', args: ['zendesk', { params: { subdomain: 'acme' } }] }`,
			popup: true,
			want:  hang,
			ours:  &expect{typ: "invalid_connect_session_token_format"},
			why:   "Nango answers a bad token with JSON inside the popup and nothing on the WebSocket, so the anchor waits forever; the dev server's error page tells nango-wasm",
		},
		{
			name:  "unknown session token",
			token: fixedToken("nango_connect_session_" + fmt.Sprintf("%064d", 0)),
			call:  `{ method: 'auth', args: ['zendesk', { params: { subdomain: 'acme' } }] }`,
			popup: true,
			want:  hang,
			ours:  &expect{typ: "unknown_connect_session_token"},
			why:   "as for a malformed token",
		},
		{
			name:  "integration not allowed by the session",
			token: freshSession(map[string]any{"allowed_integrations": []string{"github"}}),
			call:  `{ method: 'auth', args: ['zendesk', { params: { subdomain: 'acme' } }] }`,
			popup: true,
			want:  hang,
			ours:  &expect{typ: "integration_not_allowed"},
			why:   "Nango answers integration_not_allowed with JSON inside the popup and nothing on the WebSocket",
		},
		{
			name:  "no session token",
			token: fixedToken(""),
			call:  `{ method: 'auth', args: ['zendesk', { params: { subdomain: 'acme' } }] }`,
			want:  expect{sync: true, typ: "missing_auth_token", message: "You must specify a public key OR a connect session token (cf. documentation)."},
		},
	})
}

func TestConformanceCustomAuth(t *testing.T) {
	failed := func(typ string) expect { return expect{typ: typ} }
	testFailed := expect{typ: "connection_test_failed", message: "The given credentials were found to be invalid and received a 401 on a test API call. Please check the credentials and try again."}
	ok := func(config map[string]any) expect { return expect{ok: true, config: config} }
	auth := func(args string) string { return `{ method: 'auth', args: ` + args + ` }` }
	s := freshSession(nil)
	runScenarios(t, []scenario{
		{name: "api key", token: s, call: auth(`['sendgrid', { credentials: { apiKey: 'SG.good-key' } }]`), want: ok(map[string]any{})},
		{name: "api key refused", token: s, call: auth(`['sendgrid', { credentials: { apiKey: 'invalid-key' } }]`), want: testFailed},
		{name: "basic", token: s, call: auth(`['ashby', { credentials: { username: 'ashby-key', password: '' } }]`), want: ok(map[string]any{})},
		{name: "basic refused", token: s, call: auth(`['ashby', { credentials: { username: 'invalid-key', password: '' } }]`), want: testFailed},
		{name: "basic without a password", token: s, call: auth(`['ashby', { credentials: { username: 'ashby-key' } }]`), want: failed("invalid_body")},
		{name: "two-step", token: s, call: auth(`['3cx', { credentials: { type: 'TWO_STEP', clientId: 'cid', clientSecret: 'secret' }, params: { domain: 'mycompany.3cx.us' } }]`), want: ok(map[string]any{"domain": "mycompany.3cx.us"})},
		{name: "two-step refused", token: s, call: auth(`['3cx', { credentials: { type: 'TWO_STEP', clientId: 'cid', clientSecret: 'invalid' }, params: { domain: 'mycompany.3cx.us' } }]`), want: expect{typ: "two_step_credentials_fetch_error", message: "Error fetching Two Step credentials"}},
		{name: "jwt", token: s, call: auth(`['ghost-admin', { credentials: { privateKey: { id: '1234567890abcdef12345678', secret: '` + hex64 + `' } }, params: { adminDomain: 'mock.ghost.io', version: 'v3.0' } }]`), want: ok(map[string]any{"adminDomain": "mock.ghost.io", "version": "v3.0"})},
		{name: "tba", token: s, call: auth(`['netsuite-tba', { credentials: { token_id: 'tid', token_secret: 'tsecret' }, params: { accountId: 'tstdrv1' } }]`), want: expect{ok: true}},
		{name: "tba refused", token: s, call: auth(`['netsuite-tba', { credentials: { token_id: 'tid', token_secret: 'invalid' }, params: { accountId: 'tstdrv1' } }]`), want: failed("invalid_credentials")},
		{name: "bill", token: s, call: auth(`['bill', { credentials: { username: 'u', password: 'p', organization_id: 'o', dev_key: 'd' } }]`), want: ok(map[string]any{})},
		{name: "signature", token: s, call: auth(`['emarsys', { credentials: { type: 'SIGNATURE', username: 'user1', password: 'secret-1' } }]`), want: ok(map[string]any{})},
		{name: "signature refused", token: s, call: auth(`['emarsys', { credentials: { type: 'SIGNATURE', username: 'user1', password: 'invalid-1' } }]`), want: testFailed},
		{name: "aws sigv4", token: s, call: auth(`['aws-sigv4', { credentials: { type: 'AWS_SIGV4', role_arn: 'arn:aws:iam::123456789012:role/NangoAccessRole' } }]`), want: expect{ok: true}, volatile: []string{"external_id"}},
		{name: "oauth2 client credentials", token: s, call: auth(`['8x8', { credentials: { client_id: 'id', client_secret: 'secret' } }]`), want: ok(map[string]any{})},
		{name: "oauth2 client credentials refused", token: s, call: auth(`['8x8', { credentials: { client_id: 'id', client_secret: 'invalid' } }]`), want: failed("oauth2_cc_error")},
		{name: "outbound installation", token: s, call: auth(`['sentry-oauth', { installation: 'outbound', credentials: {} }]`), want: expect{ok: true}, volatile: []string{"pendingLog"}},
		{name: "custom auth of a disallowed integration", token: freshSession(map[string]any{"allowed_integrations": []string{"github"}}), call: auth(`['sendgrid', { credentials: { apiKey: 'SG.good' } }]`), want: failed("integration_not_allowed")},
		{name: "custom auth with a connection id and a session", token: s, call: auth(`['sendgrid', 'my-id', { credentials: { apiKey: 'SG.good' } }]`), want: failed("invalid_query_params")},
		{name: "create", token: s, call: `{ method: 'create', args: ['unauthenticated'] }`, want: ok(map[string]any{})},
		{name: "create with params", token: s, call: `{ method: 'create', args: ['unauthenticated', { params: { a: 'b' } }] }`, want: ok(map[string]any{"a": "b"})},
		{
			name: "outbound installation without credentials", token: s,
			call: auth(`['sentry-oauth', { installation: 'outbound' }]`),
			want: expect{sync: true, typ: "missing_credentials", message: "Credentials are required for custom auth"},
		},
		{
			name: "credentials that match no auth mode", token: s,
			call: auth(`['github', { credentials: { oauth_client_id_override: 'only-one' } }]`),
			want: expect{message: "Something went wrong with the authorization"},
			ours: &expect{typ: "missing_credentials"},
			why:  "the anchor rejects with a plain Error here; nango-wasm's failures are all AuthErrors with a type",
		},
	})
}

const hex64 = "abcdef1234567890abcdef1234567890abcdef1234567890abcdef1234567890"

func TestConformanceReconnect(t *testing.T) {
	// Each run gets a reconnect session for a connection created just before, over the API.
	existing := map[string]string{} // reconnect session token → the connection it targets
	reconnectSession := func(integration string, create func(t *testing.T) string) func(t *testing.T) string {
		return func(t *testing.T) string {
			id := create(t)
			var out struct {
				Data struct {
					Token string `json:"token"`
				} `json:"data"`
			}
			status := apiJSON(t, "POST", "/connect/sessions/reconnect", map[string]any{
				"connection_id": id, "integration_id": integration,
				"end_user": map[string]any{"id": "user-42"},
			}, &out)
			require.Equal(t, 201, status)
			existing[out.Data.Token] = id
			return out.Data.Token
		}
	}
	apiKeyConnection := func(t *testing.T) string {
		var out struct {
			ConnectionID string `json:"connectionId"`
		}
		status := postAsSession(t, "/api-auth/api-key/sendgrid", newSession(t, nil), map[string]any{"apiKey": "SG.first"}, &out)
		require.Equal(t, 200, status)
		return out.ConnectionID
	}
	runScenarios(t, []scenario{
		{
			name:  "reconnect with new credentials",
			token: reconnectSession("sendgrid", apiKeyConnection),
			call:  `{ method: 'reconnect', args: ['sendgrid', { credentials: { apiKey: 'SG.second' } }] }`,
			want:  expect{ok: true, config: map[string]any{}},
			extra: func(t *testing.T, sdk, token string, o observation) {
				assert.Equal(t, existing[token], o.outcome.Value.ConnectionID, "%s: the reconnected connection keeps its id", sdk)
				creds, _ := o.stored["credentials"].(map[string]any)
				assert.Equal(t, "SG.second", creds["apiKey"], "%s: the new credentials replaced the old", sdk)
			},
		},
		{
			name:  "reconnect without a session token",
			token: fixedToken(""),
			call:  `{ method: 'reconnect', args: ['zendesk'] }`,
			want:  expect{sync: true, typ: "missing_connect_session_token", message: "Reconnect requires a session token"},
		},
	})
}
