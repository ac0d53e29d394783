package api

import (
	"net/http"

	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// reconnectInput is the body of POST /connect/sessions/reconnect, once validated.
type reconnectInput struct {
	sessionInput
	ConnectionID  string `json:"connection_id"`
	IntegrationID string `json:"integration_id"`
}

// createReconnectSession is POST /connect/sessions/reconnect: a backend lets an end user
// re-authorize an existing connection. The session allows that one integration, and any flow
// run with it (OAuth or a custom-auth POST) overwrites that connection: same connection_id,
// same numeric id and created_at, new credentials.
func (a *API) createReconnectSession(w http.ResponseWriter, r *http.Request) {
	var in reconnectInput
	if !a.decodeSessionBody(w, r, validateReconnectBody, &in) {
		return
	}
	existing, ok, err := a.store.Connection(in.IntegrationID, in.ConnectionID)
	if err != nil {
		a.storeFailed(w, err)
		return
	}
	if !ok {
		web.WriteError(w, web.NewError(http.StatusBadRequest, "invalid_body", "ConnectionID or IntegrationId does not exists"))
		return
	}
	sess, ok := a.sessionFrom(w, &in.sessionInput)
	if !ok {
		return
	}
	sess.AllowedIntegrations = []string{in.IntegrationID}
	sess.ReconnectID = in.ConnectionID
	// Nango keeps the connection linked to its end user when the body names none; the tags
	// follow the same rule here, so a bare reconnect leaves who-owns-what unchanged.
	if sess.EndUser == nil {
		sess.EndUser = existing.EndUser
	}
	if len(sess.Tags) == 0 {
		sess.Tags = existing.Tags
	}
	if sess.WebhookURLOverride == nil {
		sess.WebhookURLOverride = existing.WebhookURLOverride
	}
	a.issueSession(w, sess)
}

// reconnectTarget is the connection_id a flow run with sess must write: the reconnected one,
// which must still exist, or "" for a new connection.
func (a *API) reconnectTarget(sess *store.Session, providerConfigKey string) (string, *web.Error) {
	if sess == nil || sess.ReconnectID == "" {
		return "", nil
	}
	_, ok, err := a.store.Connection(providerConfigKey, sess.ReconnectID)
	if err != nil {
		a.log.Error("store failed", "err", err)
		return "", errStoreFailed
	}
	if !ok {
		return "", web.NewError(http.StatusBadRequest, "invalid_connection", "The connection this session reconnects no longer exists.")
	}
	return sess.ReconnectID, nil
}
