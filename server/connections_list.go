package server

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// connectionListKeys are the plain query keys GET /connections accepts; tags come as
// tags[key]=value. Nango's zod schema is strict.
var connectionListKeys = []string{"connectionId", "search", "endUserId", "integrationId", "endUserOrganizationId", "limit", "page"}

// listConnectionsDefaultLimit is what Nango's list uses when the query names no limit.
const listConnectionsDefaultLimit = 10000

// connectionFilter is GET /connections' query once validated. Both stores apply it with
// matches and page, so the filtering rules live here only.
type connectionFilter struct {
	ConnectionID   string
	Search         string // case-insensitive, in connection_id, end user display name or email
	EndUserID      string
	IntegrationIDs []string
	OrganizationID string
	Tags           map[string]string // lowercased keys; every one must match
	Limit, Page    int
}

func (f connectionFilter) matches(c *connection) bool {
	if f.ConnectionID != "" && c.ConnectionID != f.ConnectionID {
		return false
	}
	if len(f.IntegrationIDs) > 0 && !slices.Contains(f.IntegrationIDs, c.ProviderConfigKey) {
		return false
	}
	if f.EndUserID != "" && (c.EndUser == nil || c.EndUser.ID != f.EndUserID) {
		return false
	}
	if f.OrganizationID != "" && (c.EndUser == nil || c.EndUser.Organization == nil || c.EndUser.Organization.ID != f.OrganizationID) {
		return false
	}
	for k, v := range f.Tags {
		if c.Tags[k] != v {
			return false
		}
	}
	if f.Search != "" {
		needle := strings.ToLower(f.Search)
		found := strings.Contains(strings.ToLower(c.ConnectionID), needle)
		if u := c.EndUser; !found && u != nil {
			found = (u.DisplayName != nil && strings.Contains(strings.ToLower(*u.DisplayName), needle)) ||
				(u.Email != nil && strings.Contains(strings.ToLower(*u.Email), needle))
		}
		if !found {
			return false
		}
	}
	return true
}

// page orders the matches as Nango does (newest first) and cuts the requested page.
func (f connectionFilter) page(matched []*connection) []*connection {
	sort.Slice(matched, func(i, j int) bool {
		if !matched[i].CreatedAt.Equal(matched[j].CreatedAt) {
			return matched[i].CreatedAt.After(matched[j].CreatedAt)
		}
		return matched[i].ID > matched[j].ID
	})
	limit := f.Limit
	if limit <= 0 {
		limit = listConnectionsDefaultLimit
	}
	start := f.Page * limit
	if start >= len(matched) {
		return []*connection{}
	}
	return matched[start:min(start+limit, len(matched))]
}

// listConnections is GET /connections (and GET /connection): a backend lists its connections,
// in Nango's ApiPublicConnection shape, without credentials or connection_config.
func (a *api) listConnections(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	f, errs := parseConnectionFilter(r.URL.Query())
	if len(errs) > 0 {
		web.WriteError(w, web.InvalidQuery(errs))
		return
	}
	list, err := a.store.listConnections(f)
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
func parseConnectionFilter(q url.Values) (connectionFilter, []web.FieldError) {
	var v web.Validator
	var f connectionFilter
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
