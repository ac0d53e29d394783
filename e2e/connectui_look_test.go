package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// screenshot is the tab's viewport as an image.
func screenshot(t *testing.T, ctx context.Context) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(value(t, ctx, chromedp.CaptureScreenshot(), "a screenshot")))
	require.NoError(t, err)
	return img
}

// rgb is the colour at (x, y).
func rgb(img image.Image, x, y int) [3]int {
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
}

// dimmed is a colour seen through the Connect UI's backdrop (connect.css: --backdrop).
func dimmed(page [3]int, theme string) [3]int {
	backdrop, alpha := [3]float64{15, 23, 42}, 0.55
	if theme == "dark" {
		backdrop, alpha = [3]float64{0, 0, 0}, 0.6
	}
	var out [3]int
	for i := range out {
		out[i] = int(float64(page[i])*(1-alpha) + backdrop[i]*alpha + 0.5)
	}
	return out
}

func near(a, b [3]int) bool {
	for i := range a {
		if d := a[i] - b[i]; d < -6 || d > 6 {
			return false
		}
	}
	return true
}

// The Connect UI dims the app page and lets it show through, whatever the app's colour scheme
// and the Connect UI's theme: a framed page whose root's colour scheme differs from its iframe's
// gets an opaque canvas (a light page turned black behind a dark Connect UI). No border frames
// the page either. Screenshots go to e2e/artifacts.
func TestConnectUIBackdropIsSeeThrough(t *testing.T) {
	for _, c := range []struct{ page, theme string }{{"light", "dark"}, {"light", "light"}, {"dark", "dark"}, {"dark", "light"}} {
		t.Run(c.page+" page, "+c.theme+" theme", func(t *testing.T) {
			token := newSession(t, map[string]any{"allowed_integrations": []string{"zendesk", "github"}})
			pageURL := fixtureURL("connectui.html", token) + "&" + url.Values{"theme": {c.theme}, "pageScheme": {c.page}}.Encode()
			ctx := openTab(t, pageURL)
			before := rgb(screenshot(t, ctx), 600, 700)
			step(t, ctx, chromedp.Click(chromedp.CSS("#open")))
			waitEvent(t, ctx, "ready")
			ui := inConnectUI(t, ctx)
			step(t, ctx, chromedp.WaitVisible(chromedp.CSS(`[data-integration="zendesk"]`), ui))
			shot(t, ctx, "connect-ui-over-"+c.page+"-page-"+c.theme)
			img := screenshot(t, ctx)
			over := rgb(img, 600, 700)
			assert.True(t, near(dimmed(before, c.theme), over), "the page behind shows through, dimmed: %v became %v, want about %v", before, over, dimmed(before, c.theme))
			assert.Equal(t, rgb(img, 40, 300), rgb(img, 0, 300), "no border at the page's edge")
			assert.Equal(t, "0px", eval[string](t, ctx, `getComputedStyle(document.getElementById('connect-ui')).borderTopWidth`))
		})
	}
}

// shownIntegrations are the keys of the integrations the list shows.
func shownIntegrations(t *testing.T, ctx context.Context, ui chromedp.QueryOption) []string {
	t.Helper()
	nodes := value(t, ctx, chromedp.Nodes(chromedp.CSSAll(`#integrations li:not([hidden]) [data-integration]`), ui, chromedp.AtLeast(0)), "the integrations shown")
	keys := []string{}
	for _, n := range nodes {
		keys = append(keys, n.AttributeValue("data-integration"))
	}
	return keys
}

// The list of every integration has a search box: it filters by name and by key as the user
// types, says when nothing matches, and is used from the keyboard (↓ to the list, Enter to
// open, Escape empties it before it closes anything).
func TestConnectUISearch(t *testing.T) {
	ctx, ui := openConnectUI(t, newSession(t, nil), nil)
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#search"), ui))
	all := shownIntegrations(t, ctx, ui)
	require.Greater(t, len(all), 20, "every integration is listed")
	assert.Equal(t, "Search integrations", uiAttr(t, ctx, ui, "#search", "aria-label"))
	for _, theme := range []string{"light", "dark"} {
		colorScheme(t, ctx, theme)
		shot(t, ctx, "connect-ui-search-"+theme)
	}

	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#search"), "zen", ui))
	assert.Equal(t, []string{"zendesk"}, shownIntegrations(t, ctx, ui), "by name")
	step(t, ctx, retype("#search", "zen", "google-cal", ui))
	assert.Equal(t, []string{"google-calendar"}, shownIntegrations(t, ctx, ui), "by key (the name is Google Calendar)")
	step(t, ctx, retype("#search", "google-cal", "nothing like it", ui))
	assert.Empty(t, shownIntegrations(t, ctx, ui))
	assert.Equal(t, "No integration matches “nothing like it”.", uiText(t, ctx, ui, "#no-match"))

	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#search"), kb.Escape, ui))
	assert.Equal(t, all, shownIntegrations(t, ctx, ui), "Escape empties the search")
	assert.Len(t, uiEvents(t, ctx), 1, "and closes nothing: only ready was sent")

	step(t, ctx, chromedp.SendKeys(chromedp.CSS("#search"), "git"+kb.ArrowDown, ui))
	assert.Equal(t, "github", uiAttr(t, ctx, ui, "button:focus", "data-integration"), "↓ moves to the first match")
	step(t, ctx, chromedp.KeyEvent(kb.Enter))
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#connect-form"), ui))
	assert.True(t, strings.HasPrefix(uiText(t, ctx, ui, "#dialog-title"), "Connect to GitHub"))
}

// A field between a prefix and a suffix gets its focus ring round the whole rounded row, not a
// square one round the bare input.
func TestConnectUIFocusRingFollowsTheRow(t *testing.T) {
	token := newSession(t, map[string]any{"allowed_integrations": []string{"zendesk"}})
	ctx, ui := openConnectUI(t, token, url.Values{"theme": {"dark"}})
	step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#field-subdomain"), ui), chromedp.Click(chromedp.CSS("#field-subdomain"), ui))
	shot(t, ctx, "connect-ui-focus-dark")
	style := func(sel, prop string) string {
		for _, p := range value(t, ctx, chromedp.ComputedStyle(chromedp.CSS(sel), ui), sel) {
			if p.Name == prop {
				return p.Value
			}
		}
		return ""
	}
	row := `[data-field="subdomain"] .input-row`
	assert.NotEqual(t, "none", style(row, "box-shadow"), "the ring is round the row")
	assert.Equal(t, "8px", style(row, "border-top-left-radius"), "which is rounded")
	assert.Equal(t, "none", style("#field-subdomain", "box-shadow"), "the bare input has no ring of its own")
	assert.Equal(t, "none", style("#field-subdomain", "outline-style"))
}

// A connect link opens the Connect UI as a page of its own: it shows no × (there is nothing to
// close it into), runs the flow, and ends on the success text without a dead Finish button.
func TestConnectUIConnectLinkPage(t *testing.T) {
	token := newSession(t, map[string]any{"allowed_integrations": []string{"zendesk"}})
	for _, theme := range []string{"light", "dark"} {
		ctx := newTab(t)
		step(t, ctx,
			chromedp.Navigate(env.Server.APIURL()+"/connect/?"+url.Values{"session_token": {token}, "theme": {theme}}.Encode()),
			chromedp.WaitVisible(chromedp.CSS("#field-subdomain")),
		)
		assert.False(t, eval[bool](t, ctx, `getComputedStyle(document.getElementById('close')).display !== 'none'`), "no × on the connect link's page")
		shot(t, ctx, "connect-link-"+theme)
		if theme == "dark" {
			continue
		}
		step(t, ctx, chromedp.SendKeys(chromedp.CSS("#field-subdomain"), "acme"))
		popup := clickConnect(t, ctx)
		approve(t, popup)
		step(t, ctx, chromedp.WaitVisible(chromedp.CSS("#success")))
		assert.Contains(t, text(t, ctx, "#success"), "You can close this window.")
		assert.False(t, eval[bool](t, ctx, `!!document.getElementById('finish')`), "no Finish button that would do nothing")
	}
}
