package server

import (
	"net/http"
	"net/url"
	"strings"
)

// failFlow reports a failure of the popup flow: to the popup itself, as the error page for
// WSErr failures and browser navigations, as Nango's JSON envelope otherwise (docs/wire.md §2);
// and on the WebSocket for WSErr failures only, as Nango does. Nango sends nothing on the socket
// for an authentication or session failure (a bad token, a disallowed integration), which leaves
// @nangohq/frontend waiting forever; the dev server keeps that behaviour, so an app developed
// against it meets the same failure it would meet in production. nango-wasm learns of those
// failures from the error page.
func (a *api) failFlow(w http.ResponseWriter, r *http.Request, e *apiError, ref flowRef) {
	a.log.Info("oauth flow failed", "error_code", e.Code, "integration", ref.ProviderConfigKey)
	if ref.WSClientID != "" && e.WSErr {
		a.hub.publish(ref.WSClientID, wsMessage{
			MessageType: "error", ProviderConfigKey: ref.ProviderConfigKey, ConnectionID: ref.ConnectionID,
			ErrorType: e.Code, ErrorDesc: e.Message, Nonce: ref.Nonce,
		})
	}
	if !e.WSErr && !wantsHTML(r) {
		writeError(w, e)
		return
	}
	a.pages.callback(w, e.Status, callbackView{
		Error:        e,
		Message:      errorMessage(e, ref),
		TargetOrigin: ref.OpenerOrigin,
	})
}

// wantsHTML tells a browser navigation (the popup) from an API client: Sec-Fetch-Dest when the
// browser sends it, else an Accept that asks for HTML ahead of JSON.
func wantsHTML(r *http.Request) bool {
	if dest := r.Header.Get("Sec-Fetch-Dest"); dest != "" {
		return dest == "document"
	}
	accept := r.Header.Get("Accept")
	html, jsonAt := strings.Index(accept, "text/html"), strings.Index(accept, "application/json")
	return html >= 0 && (jsonAt < 0 || html < jsonAt)
}

// refererOrigin is the origin of the page that opened the popup: browsers send the origin as
// the Referer of a cross-origin navigation.
func refererOrigin(r *http.Request) string {
	u, err := url.Parse(r.Header.Get("Referer"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
