package api

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// connectionListKeys are the plain query keys GET /connections accepts; tags come as
// tags[key]=value. Nango's zod schema is strict.
var connectionListKeys = []string{"connectionId", "search", "endUserId", "integrationId", "endUserOrganizationId", "limit", "page"}

// listConnections is GET /connections (and GET /connection): a backend lists its connections,
// in Nango's ApiPublicConnection shape, without credentials or connection_config.
func (a *API) listConnections(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	f, errs := parseConnectionFilter(r.URL.Query())
	if len(errs) > 0 {
		web.WriteError(w, web.InvalidQuery(errs))
		return
	}
	list, err := a.store.ListConnections(f)
	if err != nil {
		a.storeFailed(w, err)
		return
	}
	out := make([]map[string]any, 0, len(list))
	for _, c := range list {
		summary := connectionSummary(c)
		summary["created"] = jsTime(c.CreatedAt) // the list says created, with a Z
		out = append(out, summary)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"connections": out})
}

// parseConnectionFilter validates the query as Nango's getConnections schema does and returns
// every issue at once.
func parseConnectionFilter(q url.Values) (store.Filter, []web.FieldError) {
	var v web.Validator
	var f store.Filter
	tags := map[string]string{}
	unknown := map[string]any{}
	for key, values := range q {
		if name, ok := bracketKey(key, "tags"); ok {
			if len(values) > 1 {
				v.Expected([]any{"tags", name}, "string", []any{}, true)
				continue
			}
			tags[name] = values[0]
			continue
		}
		if !slices.Contains(connectionListKeys, key) {
			unknown[key] = true
			continue
		}
		if len(values) > 1 {
			v.Expected([]any{key}, "string", []any{}, true)
		}
	}
	v.Strict(unknown, []any{})
	one := func(key string, rule web.StrRule) string {
		values := q[key]
		if len(values) != 1 {
			return ""
		}
		s, _ := v.StrValue(values[0], true, []any{key}, rule)
		return s
	}
	nonEmpty := web.StrRule{Min: 1, Max: 255}
	f.ConnectionID = one("connectionId", nonEmpty)
	f.Search = one("search", nonEmpty)
	f.EndUserID = one("endUserId", nonEmpty)
	f.OrganizationID = one("endUserOrganizationId", nonEmpty)
	if ids := one("integrationId", web.StrRule{Min: 1}); ids != "" {
		for _, id := range strings.Split(ids, ",") {
			f.IntegrationIDs = append(f.IntegrationIDs, strings.TrimSpace(id))
		}
	}
	f.Limit = v.Number(q, "limit", 1, 2000)
	f.Page = v.Number(q, "page", 0, math.MaxInt32)
	if len(tags) > 0 {
		normalized, errs := validateTags(tags)
		v.Errs = append(v.Errs, errs...)
		f.Tags = normalized
	}
	return f, v.Errs
}
