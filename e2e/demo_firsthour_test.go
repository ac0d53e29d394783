package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
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
	assert.Equal(t, "github", key, "the first popup integration is the default")
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

// The other modes without a popup work too: a two-step integration (typed credentials) and an
// unauthenticated one (create()).
func TestDemoPageOtherPopuplessModes(t *testing.T) {
	ctx := openDemo(t, "/?integration=3cx")
	step(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#field-domain"), "acme.3cx.us"),
		chromedp.SendKeys(chromedp.CSS("#credential-clientId"), "client"),
		chromedp.SendKeys(chromedp.CSS("#credential-clientSecret"), "secret"),
		chromedp.Click(chromedp.CSS("#connect")),
		chromedp.WaitVisible(chromedp.CSS(`body:is([data-state="success"], [data-state="error"])`)),
	)
	require.Equal(t, "success", eval[string](t, ctx, `document.body.dataset.state`), "3CX: %s", text(t, ctx, "#outcome"))

	ctx = openDemo(t, "/?integration=unauthenticated")
	step(t, ctx,
		chromedp.Click(chromedp.CSS("#connect")),
		chromedp.WaitVisible(chromedp.CSS(`body:is([data-state="success"], [data-state="error"])`)),
	)
	require.Equal(t, "success", eval[string](t, ctx, `document.body.dataset.state`), "unauthenticated: %s", text(t, ctx, "#outcome"))
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
