package api

import (
	"net/http"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
)

// resumeFlow takes the state a provider sent the popup back with (once: it is consumed whatever
// happens next), checks that this browser holds the state's cookie and finds the integration.
// On failure it has answered, and ok is false.
func (a *API) resumeFlow(w http.ResponseWriter, r *http.Request, state string) (st *store.OAuthState, ref flowRef, in *Integration, ok bool) {
	if state == "" {
		a.failFlow(w, r, wsErr("state_err", "No state found in callback"), flowRef{})
		return nil, ref, nil, false
	}
	st, found, err := a.store.TakeState(state, a.now())
	if err != nil {
		a.log.Error("store failed", "err", err)
		a.failFlow(w, r, wsErr("unknown_err", "The dev server could not read the OAuth state."), flowRef{})
		return nil, ref, nil, false
	}
	if !found {
		a.failFlow(w, r, wsErr("state_err", "No session found for state: "+state), flowRef{})
		return nil, ref, nil, false
	}
	ref = flowRef{ProviderConfigKey: st.ProviderConfigKey, ConnectionID: st.ConnectionID, WSClientID: st.WSClientID, Nonce: st.Nonce, OpenerOrigin: st.OpenerOrigin}
	cookieName := "oauth2-" + state
	if _, err := r.Cookie(cookieName); err != nil {
		a.failFlow(w, r, errMissingStateCookie(), ref)
		return nil, ref, nil, false
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if in, found = a.integrations.get(st.ProviderConfigKey); !found {
		a.failFlow(w, r, errUnknownProviderConfigKey(st.ProviderConfigKey), ref)
		return nil, ref, nil, false
	}
	return st, ref, in, true
}

// finishedFlow is what a popup flow ends with: the connection's config and credentials, in
// Nango's shape for the auth mode.
type finishedFlow struct {
	AuthMode    string
	Config      *catalog.OrderedMap
	Credentials any
	// Pending is a GitHub App OAuth connection whose installation an admin has yet to approve.
	Pending bool
}

// finishFlow stores the connection a popup flow made, fires the auth webhook, tells the SDK on
// the WebSocket and serves the success page. The page is served only once the connection is
// committed: a flow whose callback page arrived has its connection, whatever happens to the
// server next.
func (a *API) finishFlow(w http.ResponseWriter, r *http.Request, st *store.OAuthState, ref flowRef, done finishedFlow) {
	conn, created, err := a.store.UpsertConnection(&store.Connection{
		ConnectionID:       st.ConnectionID,
		ProviderConfigKey:  st.ProviderConfigKey,
		Provider:           st.Provider,
		EndUser:            st.EndUser,
		Tags:               st.Tags,
		ConnectionConfig:   done.Config,
		Credentials:        done.Credentials,
		WebhookURLOverride: st.WebhookURLOverride,
	}, a.now())
	if err != nil {
		a.log.Error("store failed", "err", err)
		a.failFlow(w, r, wsErr("unknown_err", "Unknown error during the Oauth flow. The dev server could not store the connection."), ref)
		return
	}
	a.log.Info("connection stored", "integration", conn.ProviderConfigKey, "connection_id", conn.ConnectionID)
	a.connectionWebhook(conn, created, done.AuthMode)
	if st.WSClientID != "" {
		a.hub.publish(st.WSClientID, wsMessage{MessageType: "success", ProviderConfigKey: conn.ProviderConfigKey, ConnectionID: conn.ConnectionID, IsPending: new(done.Pending), Nonce: st.Nonce})
	}
	a.renderCallback(w, http.StatusOK, callbackView{
		Message:      callbackMessage{Type: "nango_oauth_callback_success", Payload: successPayload{ProviderConfigKey: conn.ProviderConfigKey, ConnectionID: conn.ConnectionID, IsPending: done.Pending, Nonce: st.Nonce}},
		TargetOrigin: st.OpenerOrigin,
	})
}
