package server

import (
	"net/http"
	"net/url"
)

// coopParam is an authorize-query parameter that makes the mock provider's pages for that one
// flow send COOP; the SDK passes it as an authorization param
// (`authorization_params: {nango_dev_coop: 'same-origin'}`), so a test needs no server setup.
const coopParam = "nango_dev_coop"

// applyCOOP sends Cross-Origin-Opener-Policy: same-origin on a page (or redirect) of the mock
// provider when its integration is switched on in Config.COOP or the flow asks for it. In
// Chromium the first page of the provider origin in the popup must carry the header for the
// popup to lose window.opener, and each later page of that origin must too for it to stay lost;
// so both the consent page and the consent form's redirect carry it.
func (m *mockProvider) applyCOOP(w http.ResponseWriter, rawQuery string) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return
	}
	wanted := q.Get(coopParam) == "same-origin"
	if c, ok := m.client(q.Get("client_id")); ok && m.coop[c.Integration] {
		wanted = true
	}
	if wanted {
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
	}
}
