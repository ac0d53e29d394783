package api

import (
	"net/http"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// connectionQueryKeys are the query keys GET /connection/{id} accepts (its zod schema is strict).
var connectionQueryKeys = []string{"provider_config_key", "refresh_token", "force_refresh", "refresh_github_app_jwt_token"}

// getConnection is GET /connection/{connectionId} (and /connections/{connectionId}): a backend
// reads a connection back with the secret key, in Nango's ApiPublicConnectionFull shape.
func (a *API) getConnection(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	q := r.URL.Query()
	var v web.Validator
	v.StrictQuery(q, connectionQueryKeys...)
	key := q.Get("provider_config_key")
	if key == "" {
		v.Expected([]any{"provider_config_key"}, "string", nil, false)
	}
	if len(v.Errs) > 0 {
		web.WriteError(w, web.InvalidQuery(v.Errs))
		return
	}
	if _, ok := a.integrations.get(key); !ok {
		web.WriteError(w, errUnknownProviderConfig)
		return
	}
	conn, ok, err := a.store.FetchConnection(key, r.PathValue("connectionId"), a.now())
	if err != nil {
		a.storeFailed(w, err)
		return
	}
	if !ok {
		web.WriteError(w, errConnectionNotFound)
		return
	}
	web.WriteJSON(w, http.StatusOK, formatConnection(conn))
}

// formatConnection writes a connection as Nango's formatter does for GET /connection/{id}:
// the list's fields, its connection_config and credentials, and dates with a +00:00 offset.
func formatConnection(c *store.Connection) map[string]any {
	var lastFetched any
	if c.LastFetchedAt != nil {
		lastFetched = nangoTime(*c.LastFetchedAt)
	}
	config := c.ConnectionConfig
	if config == nil {
		config = catalog.NewOrderedMap()
	}
	out := connectionSummary(c)
	out["connection_config"] = config
	out["webhook_url_override"] = c.WebhookURLOverride
	out["created_at"] = nangoTime(c.CreatedAt)
	out["updated_at"] = nangoTime(c.UpdatedAt)
	out["last_fetched_at"] = lastFetched
	out["credentials"] = c.Credentials
	return out
}

// connectionSummary is the part of a connection both GET /connections and GET /connection/{id}
// show.
func connectionSummary(c *store.Connection) map[string]any {
	tags := c.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	return map[string]any{
		"id":                  c.ID,
		"connection_id":       c.ConnectionID,
		"provider_config_key": c.ProviderConfigKey,
		"provider":            c.Provider,
		"errors":              []any{},
		"end_user":            c.EndUser,
		"tags":                tags,
		"metadata":            nil,
	}
}

func nangoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000") + "+00:00"
}
