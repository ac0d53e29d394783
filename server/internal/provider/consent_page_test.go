package provider

import (
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/require"
)

// The consent page written in Go is, byte for byte, what html/template made of the page's
// template (testdata/consent.html): the consent, installation (app, app with OAuth, plugin) and
// error pages, with hostile values in every field the page reflects.
func TestConsentPageMatchesItsTemplate(t *testing.T) {
	for _, v := range webtest.HostileStrings() {
		page := consentView{Integration: v, DisplayName: v, Scope: v + " read," + v, Scopes: []string{v, "read", v},
			AuthorizationURL: "https://example.test/authorize?" + v, RawQuery: v, Action: v}
		noScopes := page
		noScopes.Scopes = nil
		install, withOAuth, plugin := page, page, page
		install.Install = true
		withOAuth.Install, withOAuth.WithOAuth = true, true
		plugin.Install, plugin.Plugin = true, true
		for _, view := range []consentView{page, noScopes, install, withOAuth, plugin, {Error: v}, {Error: "x" + v, DisplayName: v}} {
			h := &web.HTML{Nonce: "0123abcd" + v}
			require.NoError(t, writeConsentPage(h, view))
			want := webtest.ExecuteTemplate(t, "testdata/consent.html", struct {
				Nonce string
				View  any
			}{h.Nonce, view})
			require.Equal(t, want, h.String(), "%q in %+v", v, view)
		}
	}
}
