package api

import "net/http"

// The public API's CORS policy, as Nango's (packages/server/lib/routes.public.ts, the `cors`
// package): any origin, no credentials, a 10-minute preflight cache.
const (
	corsAllowHeaders  = "Authorization, Content-Type, Accept, Origin, X-Requested-With, Nango-Activity-Log-Id, Nango-Is-Dry-Run, Nango-Is-Sync, Provider-Config-Key, Connection-Id, Sentry-Trace, Baggage"
	corsExposeHeaders = "Authorization, Etag, Content-Type, Content-Length, X-Nango-Signature, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
	corsAllowMethods  = "GET,HEAD,PUT,PATCH,POST,DELETE"
)

// /connect/telemetry has its own policy: the Connect UI sends it with sendBeacon, which uses
// credentials mode "include", so the origin must be named (the Connect UI's) and credentials
// allowed.
const (
	telemetryPath          = "/connect/telemetry"
	telemetryAllowHeaders  = "Authorization, Content-type"
	telemetryExposeHeaders = "content-type"
)

// withCORS answers every preflight itself, before routing: the mux would otherwise answer an
// OPTIONS on a GET-only route with 405. connectUIOrigins are where the Connect UI is served: the
// API origin (at /connect/) and, when it has one, its own origin; telemetry names the one the
// request comes from.
func withCORS(connectUIOrigins []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.URL.Path == telemetryPath {
			allowed := connectUIOrigins[0]
			for _, o := range connectUIOrigins {
				if o == r.Header.Get("Origin") {
					allowed = o
				}
			}
			h.Set("Access-Control-Allow-Origin", allowed)
			h.Add("Vary", "Origin")
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Expose-Headers", telemetryExposeHeaders)
			if r.Method == http.MethodOptions {
				preflight(w, "POST", telemetryAllowHeaders, "36000")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		if r.Method == http.MethodOptions {
			preflight(w, corsAllowMethods, corsAllowHeaders, "600")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// preflight ends an OPTIONS request as the cors package does: 204 and an empty body.
func preflight(w http.ResponseWriter, methods, headers, maxAge string) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", methods)
	h.Set("Access-Control-Allow-Headers", headers)
	h.Set("Access-Control-Max-Age", maxAge)
	w.WriteHeader(http.StatusNoContent)
}
