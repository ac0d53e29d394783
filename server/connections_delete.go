package server

import "net/http"

// deleteConnection is DELETE /connection/{connectionId}?provider_config_key=<key> (and
// /connections/{connectionId}): a backend removes a connection, as Nango's
// deletePublicConnection does. An unknown pair is 400 unknown_connection; success is
// 200 {"success":true}.
func (a *api) deleteConnection(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	id := r.PathValue("connectionId")
	if !connectionIDPattern.MatchString(id) || len(id) > 255 {
		writeError(w, &apiError{Status: http.StatusBadRequest, Code: "invalid_uri_params", Errors: []fieldError{{Code: "invalid_format", Message: "Invalid string: must match pattern /" + connectionIDPattern.String() + "/", Path: []any{"connectionId"}}}})
		return
	}
	q := r.URL.Query()
	var v validator
	v.strictQuery(q, "provider_config_key")
	key := ""
	if values := q["provider_config_key"]; len(values) == 1 {
		key, _ = v.strValue(values[0], true, []any{"provider_config_key"}, strRule{max: 255, pattern: providerConfigKeyRE})
	} else {
		v.expected([]any{"provider_config_key"}, "string", []any{}, len(values) > 1)
	}
	if len(v.errs) > 0 {
		writeError(w, invalidQuery(v.errs))
		return
	}
	deleted, err := a.store.deleteConnection(key, id)
	if err != nil {
		a.storeFailed(w, err)
		return
	}
	if !deleted {
		writeError(w, newError(http.StatusBadRequest, "unknown_connection", "Failed to find connection"))
		return
	}
	a.log.Info("connection deleted", "integration", key, "connection_id", id)
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}
