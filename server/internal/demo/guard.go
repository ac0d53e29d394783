package demo

import (
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// ownHost tells the Host names the demo app answers to: any IP literal, localhost and
// *.localhost, and the names it was configured with. A page on another name that its DNS
// later points at this machine (DNS rebinding) would otherwise be same-origin with the app and
// could mint session tokens and read connections.
func (d *App) ownHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	switch {
	case net.ParseIP(host) != nil, host == "localhost", strings.HasSuffix(host, ".localhost"):
		return true
	}
	return slices.Contains(d.hosts, host)
}

// withHostCheck answers 421 to a request whose Host is not the app's own.
func (d *App) withHostCheck(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !d.ownHost(r.Host) {
			d.log.Warn("demo app: request for another host refused", "host", r.Host)
			web.WriteError(w, web.NewError(http.StatusMisdirectedRequest, "invalid_host",
				"The demo app answers only to its own address: open it at its IP address or localhost (or add the name to its listen address)."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameOriginJSON refuses a session request that is not the app's own page speaking JSON: the
// body must be application/json (a form or a no-cors fetch from another site cannot send it
// without a preflight the app never answers), and the request must come from the app's origin
// (Origin, or Sec-Fetch-Site where a browser sends no Origin).
func sameOriginJSON(r *http.Request) *web.Error {
	if mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mediaType != "application/json" {
		return web.NewError(http.StatusUnsupportedMediaType, "invalid_content_type", "Content-Type header must be application/json")
	}
	origin, site := r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site")
	switch {
	case origin != "" && origin != "http://"+r.Host:
	case origin == "" && site != "same-origin":
	case site != "" && site != "same-origin":
	default:
		return nil
	}
	return web.NewError(http.StatusForbidden, "cross_origin_request", "Only the demo app's own page may ask for a session token.")
}
