package provider

import (
	"net/http"
	"net/url"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
)

// flowFaults are the faults the mock provider applies to one authorization request: those of
// the client's integration (configured, server-wide included) and those the authorize query
// carries. The API host writes a flow's whole set into the query, so a provider reached as an
// external one (a "real" integration pointing here) applies them too. A query the API host
// would have refused is read as no fault.
func (m *Provider) flowFaults(rawQuery string) catalog.FaultSet {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return catalog.FaultSet{}
	}
	c, _ := m.client(q.Get("client_id"))
	return faultsFor(c, q)
}

// faultsFor are the faults of a client (nil: none) and of an authorize query.
func faultsFor(c *Client, q url.Values) catalog.FaultSet {
	set := catalog.FaultSet{}
	if c != nil {
		set = set.Union(c.Faults)
	}
	if fromQuery, err := catalog.ParseFaults(q[catalog.FaultParam]...); err == nil {
		set = set.Union(fromQuery)
	}
	if q.Get(catalog.COOPParam) == "same-origin" {
		set[catalog.FaultCOOP] = 0
	}
	return set
}

// applyCOOP sends Cross-Origin-Opener-Policy: same-origin on a page (or redirect) of the mock
// provider when the flow has the coop fault. In Chromium the first page of the provider origin
// in the popup must carry the header for the popup to lose window.opener, and each later page of
// that origin must too for it to stay lost; so the consent page, the consent form's redirect and
// an access_denied fault's redirect all carry it.
func applyCOOP(w http.ResponseWriter, faults catalog.FaultSet) {
	if faults.Has(catalog.FaultCOOP) {
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
	}
}

// tokenFault answers the token request as a failing provider would, and reports whether it did.
func tokenFault(w http.ResponseWriter, faults catalog.FaultSet) bool {
	switch {
	case faults.Has(catalog.FaultToken500):
		oauthError(w, http.StatusInternalServerError, "server_error", "The authorization server failed (nango-dev fault token_500).")
		return true
	case faults.Has(catalog.FaultTokenMalformed):
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`{"access_token":"mock_access_truncated","token_type":`))
		return true
	}
	return false
}
