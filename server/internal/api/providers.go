package api

import (
	"net/http"
	"regexp"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// providerSearchPattern is Nango's providerConfigKeySchema, which GET /providers applies to
// search: only `.` of it means anything to a regular expression.
var providerSearchPattern = regexp.MustCompile(`^[a-zA-Z0-9~:.@ _-]+$`)

// listProviders is GET /providers, Nango's getPublicProviders: every catalog entry as
// GET /providers/{provider} shows it, or those whose name matches search (a case-insensitive
// regular expression, as Nango builds it), in name order.
func (a *API) listProviders(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.requireSessionOrSecret(w, r); !ok {
		return
	}
	q := r.URL.Query()
	var v web.Validator
	v.StrictQuery(q, "search")
	search := q.Get("search")
	if q.Has("search") {
		v.StrValue(search, true, []any{"search"}, web.StrRule{Max: 255, Pattern: providerSearchPattern})
	}
	if len(v.Errs) > 0 {
		web.WriteError(w, web.InvalidQuery(v.Errs))
		return
	}
	match := func(string) bool { return true }
	if search != "" {
		re := regexp.MustCompile("(?i)" + search) // the pattern above admits only literals and `.`
		match = re.MatchString
	}
	data := []map[string]any{}
	for _, name := range a.catalog.Names {
		if match(name) {
			p, _ := a.catalog.Get(name)
			data = append(data, a.providerView(p))
		}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"data": data})
}

// providerView is a catalog entry as GET /providers and GET /providers/{provider} show it: the
// whole providers.yaml entry, its name, and its logo.
func (a *API) providerView(p *catalog.Provider) map[string]any {
	data := make(map[string]any, len(p.Raw)+2)
	for k, v := range p.Raw {
		data[k] = v
	}
	data["name"] = p.Name
	data["logo_url"] = a.logoURL(p.Name)
	return data
}
