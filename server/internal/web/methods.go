package web

import "net/http"

// RefuseHead answers 405 to a HEAD on a route whose GET changes state. Go's ServeMux lets a
// GET pattern answer HEAD too, and a HEAD (a link prefetcher, a scanner, curl -I) must not do
// what only the user's GET should: a pattern "HEAD /path" with this handler wins over
// "GET /path".
func RefuseHead(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Allow", http.MethodGet)
	WriteError(w, NewError(http.StatusMethodNotAllowed, "method_not_allowed", "Only GET is allowed here."))
}
