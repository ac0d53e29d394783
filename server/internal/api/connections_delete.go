package api

import (
	"net/http"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// deleteConnection is DELETE /connection/{connectionId}?provider_config_key=<key> (and
// /connections/{connectionId}): a backend removes a connection, as Nango's
// deletePublicConnection does. An unknown pair is 400 unknown_connection; success is
// 200 {"success":true}.
func (a *API) deleteConnection(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	id := r.PathValue("connectionId")
	if !connectionIDPattern.MatchString(id) || len(id) > 255 {
		web.WriteError(w, &web.Error{Status: http.StatusBadRequest, Code: "invalid_uri_params", Errors: []web.FieldError{{Code: "invalid_format", Message: "Invalid string: must match pattern /" + connectionIDPattern.String() + "/", Path: []any{"connectionId"}}}})
		return
	}
	q := r.URL.Query()
	var v web.Validator
	v.StrictQuery(q, "provider_config_key")
	key := ""
	if values := q["provider_config_key"]; len(values) == 1 {
		key, _ = v.StrValue(values[0], true, []any{"provider_config_key"}, web.StrRule{Max: 255, Pattern: ProviderConfigKeyPattern})
	} else {
		v.Expected([]any{"provider_config_key"}, "string", []any{}, len(values) > 1)
	}
	if len(v.Errs) > 0 {
		web.WriteError(w, web.InvalidQuery(v.Errs))
		return
	}
	deleted, err := a.store.DeleteConnection(key, id)
	if err != nil {
		a.storeFailed(w, err)
		return
	}
	if !deleted {
		web.WriteError(w, web.NewError(http.StatusBadRequest, "unknown_connection", "Failed to find connection"))
		return
	}
	a.log.Info("connection deleted", "integration", key, "connection_id", id)
	web.WriteJSON(w, http.StatusOK, map[string]bool{"success": true})
}
