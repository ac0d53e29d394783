package e2e

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/nango-wasm/nango-wasm/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openDemo opens the demo page at path and waits until its integrations and session are ready.
func openDemo(t *testing.T, path string) context.Context {
	t.Helper()
	ctx := newTab(t)
	failOnPageErrors(t, ctx)
	step(t, ctx,
		chromedp.Navigate(env.Server.AppURL()+path),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="ready"][data-session="ready"]`)),
	)
	return ctx
}

// colorScheme makes the tab prefer a light or dark colour scheme, as the OS setting does.
func colorScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	require.NoError(t, err)
}

// The demo as a new user first meets it: the integration it shows first opens a popup, so the
// first click on Connect connects. Screenshots in both schemes go to e2e/artifacts.
func TestDemoPageFirstClickConnects(t *testing.T) {
	ctx := openDemo(t, "/")
	key := value(t, ctx, chromedp.Value(chromedp.CSS("#integration-select")), "the selected integration")
	assert.Equal(t, "github", key, "the first OAuth2 integration is the default")
	for _, scheme := range []string{"light", "dark"} {
		colorScheme(t, ctx, scheme)
		shot(t, ctx, "demo-first-"+scheme)
	}
	popup := clickConnect(t, ctx)
	approve(t, popup)
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`body[data-state="success"]`)))
	assert.Contains(t, text(t, ctx, "#result"), `"providerConfigKey": "github"`)
}

// Closing the popup settles the demo's attempt at once (detectClosedAuthWindow), instead of
// leaving "Waiting for the popup…" for the SDK's 15-minute timeout.
func TestDemoPageClosedPopupSettles(t *testing.T) {
	ctx := openDemo(t, "/?integration=github")
	popup := clickConnect(t, ctx)
	atProvider(t, popup)
	_, err := chromedp.Call(popup, page.Close, cdp.Empty{})
	require.NoError(t, err)
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`body[data-state="error"]`)))
	assert.Equal(t, "window_closed", text(t, ctx, "#error-type"))
	assert.Empty(t, text(t, ctx, "#status"), "no longer waiting for the popup")
}

// An API-key integration connects from the demo: it asks for the key (a password field), sends
// it without a popup, and the backend reads the connection back.
func TestDemoPageAPIKeyIntegration(t *testing.T) {
	ctx := openDemo(t, "/?integration=sendgrid")
	assert.Equal(t, "password", value(t, ctx, chromedp.AttributeValue(chromedp.CSS("#credential-apiKey"), "type"), "the key's field").Value)
	assert.Contains(t, text(t, ctx, "#mode"), "No popup")
	step(t, ctx, chromedp.Click(chromedp.CSS("#connect")))
	assert.Equal(t, "API Key is required.", text(t, ctx, "#error-credential-apiKey"), "an empty key is caught on the page")
	step(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#credential-apiKey"), "SG.good-key"),
		chromedp.Click(chromedp.CSS("#connect")),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="success"]`)),
	)
	assert.Contains(t, text(t, ctx, "#result"), `"providerConfigKey": "sendgrid"`)
	assert.Contains(t, text(t, ctx, "#connection"), `"end_user"`)
	for _, scheme := range []string{"light", "dark"} {
		colorScheme(t, ctx, scheme)
		shot(t, ctx, "demo-apikey-"+scheme)
	}
}

// Every other integration without a popup connects from the demo too, with what its form asks
// for: typed credentials (two-step, JWT, TBA, Bill, signature, AWS SigV4, client credentials,
// basic with a hidden password), or nothing at all (create() for an unauthenticated one).
func TestDemoPageOtherPopuplessModes(t *testing.T) {
	for key, typed := range map[string]map[string]string{
		"3cx":             {"#field-domain": "acme.3cx.us", "#credential-clientId": "client", "#credential-clientSecret": "secret"},
		"ghost-admin":     {"#field-adminDomain": "mock.ghost.io", "#field-version": "v3.0", "#credential-privateKey": "1234567890abcdef12345678:abcdef1234567890abcdef1234567890abcdef1234567890abcdef1234567890"},
		"netsuite-tba":    {"#credential-token_id": "tid", "#credential-token_secret": "ts"},
		"bill":            {"#credential-username": "u@acme.com", "#credential-password": "pw", "#credential-organization_id": "org", "#credential-dev_key": "dev"},
		"emarsys":         {"#credential-username": "acme", "#credential-password": "secret"},
		"aws-sigv4":       {"#credential-role_arn": "arn:aws:iam::123456789012:role/NangoAccessRole"},
		"8x8":             {"#credential-client_id": "cc-client", "#credential-client_secret": "cc-secret"},
		"ashby":           {"#credential-username": "ashby-key"},
		"1password-scim":  {"#field-domain": "scim.example.com", "#credential-apiKey": "op-key"},
		"unauthenticated": {},
	} {
		t.Run(key, func(t *testing.T) {
			ctx := openDemo(t, "/?integration="+key)
			if eval[bool](t, ctx, `!!document.getElementById('field-accountId')`) {
				typed["#field-accountId"] = "tstdrv231585" // NetSuite TBA's account, from the provider it aliases
			}
			for sel, v := range typed {
				step(t, ctx, chromedp.SendKeys(chromedp.CSS(sel), v))
			}
			step(t, ctx,
				chromedp.Click(chromedp.CSS("#connect")),
				chromedp.WaitVisible(chromedp.CSS(`body:is([data-state="success"], [data-state="error"])`)),
			)
			require.Equal(t, "success", eval[string](t, ctx, `document.body.dataset.state`), "%s", text(t, ctx, "#outcome"))
			assert.Contains(t, text(t, ctx, "#result"), `"providerConfigKey": "`+key+`"`)
		})
	}
}

// A field shows a hint in words, not its regex; the pattern still checks what is typed before
// any popup opens; the guide is a link.
func TestDemoPageFieldHintAndGuide(t *testing.T) {
	ctx := openDemo(t, "/?integration=zendesk")
	form := text(t, ctx, "#config-form")
	assert.NotContains(t, form, "pattern")
	assert.NotContains(t, form, "^[a-z0-9_-]+$")
	assert.Equal(t, "For example: domain", text(t, ctx, "#hint-field-subdomain"))
	assert.Equal(t, "https://nango.dev/docs/api-integrations/zendesk/connect", value(t, ctx, chromedp.AttributeValue(chromedp.CSS("a#guide"), "href"), "the guide link").Value)
	assert.Equal(t, "_blank", value(t, ctx, chromedp.AttributeValue(chromedp.CSS("a#guide"), "target"), "the guide link").Value)

	step(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#field-subdomain"), "evil.com#"),
		chromedp.Click(chromedp.CSS("#connect")),
	)
	assert.Equal(t, "This is not a valid Zendesk Domain. For example: domain.", text(t, ctx, "#error-field-subdomain"))
	assert.Equal(t, "ready", eval[string](t, ctx, `document.body.dataset.state`), "no attempt started")
	for _, scheme := range []string{"light", "dark"} {
		colorScheme(t, ctx, scheme)
		shot(t, ctx, "demo-hint-"+scheme)
	}
	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#field-subdomain"), kb.End+strings.Repeat(kb.Backspace, len("evil.com#"))+"acme"))
	popup := clickConnect(t, ctx)
	assert.Contains(t, atProvider(t, popup), "https://acme.zendesk.com/oauth/authorizations/new?")
}

// A dev server whose -dist lacks nango.wasm (a half-copied build) says so on the demo page
// instead of leaving a Connect button that can never work.
func TestDemoPageSaysWhenTheSDKIsMissing(t *testing.T) {
	dist := t.TempDir()
	js, err := os.ReadFile(filepath.Join(env.Root, "dist", "nango.js"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dist, "nango.js"), js, 0o644))
	srv, err := server.Start(t.Context(), server.Config{
		AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0", DistDir: dist,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	ctx := newTab(t)
	step(t, ctx,
		chromedp.Navigate(srv.AppURL()+"/"),
		chromedp.WaitVisible(chromedp.CSS("#sdk-error")),
	)
	assert.Equal(t, "sdk-error", eval[string](t, ctx, `document.body.dataset.state`))
}
