package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// The emulator: what an app's own tests, and a developer at the emulator page, use to control
// and watch the dev server (server/README.md, "Emulator"). Every call but the page's own
// files takes the secret key.

// emulatorRoutes adds the emulator's paths to the API host.
func (a *API) emulatorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /emulator", a.emulatorPage)
	mux.HandleFunc("GET /emulator/{file}", a.emulatorAsset)
	mux.HandleFunc("GET /emulator/events", a.emulatorEvents)
	mux.HandleFunc("POST /emulator/reset", a.resetEmulator)
	mux.HandleFunc("GET /emulator/sessions", a.listEmulatorSessions)
	mux.HandleFunc("GET /emulator/connections", a.listEmulatorConnections)
	mux.HandleFunc("POST /emulator/connections", a.seedConnection)
	mux.HandleFunc("GET /emulator/webhooks", a.listWebhookDeliveries)
	mux.HandleFunc("GET /emulator/faults", a.getFaults)
	mux.HandleFunc("PUT /emulator/faults", a.putFaults)
	mux.HandleFunc("DELETE /emulator/faults", a.deleteFaults)
	mux.HandleFunc("GET /emulator/state", a.exportState)
	mux.HandleFunc("PUT /emulator/state", a.importState)
}

// resetEmulator is POST /emulator/reset: no connections, sessions, pending flows, webhook
// deliveries (the unsent ones are dropped) or live faults. The secret key and the configured
// integrations and faults stay.
func (a *API) resetEmulator(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	if err := a.store.Replace(&store.Snapshot{}); err != nil {
		a.storeFailed(w, err)
		return
	}
	a.deliveries.clear()
	a.applyFaults(nil, nil)
	w.WriteHeader(http.StatusNoContent)
}

// listEmulatorSessions is GET /emulator/sessions: the sessions that have not expired, newest
// first.
func (a *API) listEmulatorSessions(w http.ResponseWriter, r *http.Request) {
	snap, ok := a.emulatorSnapshot(w, r)
	if !ok {
		return
	}
	now := a.now()
	data := []emulatorSession{}
	for i := len(snap.Sessions) - 1; i >= 0; i-- {
		if rec := snap.Sessions[i]; now.Before(rec.Session.ExpiresAt) {
			data = append(data, sessionOut(rec))
		}
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"data": data})
}

// listEmulatorConnections is GET /emulator/connections: every connection, newest first, with
// its connection_config and credentials.
func (a *API) listEmulatorConnections(w http.ResponseWriter, r *http.Request) {
	snap, ok := a.emulatorSnapshot(w, r)
	if !ok {
		return
	}
	data, err := connectionsOut(snap.Connections)
	if err != nil {
		a.storeFailed(w, err)
		return
	}
	slices.Reverse(data)
	web.WriteJSON(w, http.StatusOK, map[string]any{"data": data})
}

// emulatorSnapshot authenticates an emulator call and reads the store's snapshot; on failure it
// has answered.
func (a *API) emulatorSnapshot(w http.ResponseWriter, r *http.Request) (*store.Snapshot, bool) {
	if !a.requireSecretKey(w, r) {
		return nil, false
	}
	snap, err := a.store.Snapshot()
	if err != nil {
		a.storeFailed(w, err)
		return nil, false
	}
	return snap, true
}

// listWebhookDeliveries is GET /emulator/webhooks: the recent deliveries, newest first.
func (a *API) listWebhookDeliveries(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"data": a.deliveries.snapshot()})
}

// seedInput is the body of POST /emulator/connections once validateSeedBody passed it.
type seedInput struct {
	ProviderConfigKey string              `json:"provider_config_key"`
	ConnectionID      string              `json:"connection_id"`
	Credentials       json.RawMessage     `json:"credentials"`
	ConnectionConfig  *catalog.OrderedMap `json:"connection_config"`
	EndUser           *endUserInput       `json:"end_user"`
	Organization      *organizationInput  `json:"organization"`
	Tags              map[string]string   `json:"tags"`
}

// validateSeedBody checks POST /emulator/connections as the session endpoints check theirs:
// the same rules for the pair, the end user, the organization and the tags.
func validateSeedBody(body map[string]any) []web.FieldError {
	var v web.Validator
	root := []any{}
	v.Strict(body, root, "provider_config_key", "connection_id", "credentials", "connection_config", "end_user", "organization", "tags")
	v.Str(body, "provider_config_key", root, web.StrRule{Required: true, Max: 255, Pattern: ProviderConfigKeyPattern})
	v.Str(body, "connection_id", root, web.StrRule{Required: true, Max: 255, Pattern: connectionIDPattern})
	if creds, ok := v.Object(body, "credentials", root, false); ok {
		v.Str(creds, "type", []any{"credentials"}, web.StrRule{})
	}
	v.Object(body, "connection_config", root, false)
	checkSessionFields(&v, body, false)
	return v.Errs
}

// seedConnection is POST /emulator/connections: a connection stored as if a flow had made it
// (no webhook is sent). 201 when it is new, 200 when it replaced one.
func (a *API) seedConnection(w http.ResponseWriter, r *http.Request) {
	var in seedInput
	if !a.decodeSessionBody(w, r, validateSeedBody, &in) {
		return
	}
	integration, ok := a.integrations.get(in.ProviderConfigKey)
	if !ok {
		web.WriteError(w, errUnknownProviderConfig)
		return
	}
	tags, errs := sessionTags(&sessionInput{EndUser: in.EndUser, Organization: in.Organization, Tags: in.Tags})
	if len(errs) > 0 {
		web.WriteError(w, web.InvalidBody(errs))
		return
	}
	creds, apiErr := seedCredentials(integration.Provider.AuthMode, in.Credentials)
	if apiErr != nil {
		web.WriteError(w, apiErr)
		return
	}
	config := in.ConnectionConfig
	if config == nil {
		config = catalog.NewOrderedMap()
	}
	session := sessionInput{EndUser: in.EndUser, Organization: in.Organization}
	stored, created, err := a.store.UpsertConnection(&store.Connection{
		ConnectionID: in.ConnectionID, ProviderConfigKey: in.ProviderConfigKey, Provider: integration.Provider.Name,
		EndUser: session.endUser(), Tags: tags, ConnectionConfig: config, Credentials: creds,
	}, a.now())
	if err != nil {
		a.storeFailed(w, err)
		return
	}
	out, err := connectionOut(stored)
	if err != nil {
		a.storeFailed(w, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	web.WriteJSON(w, status, out)
}

// seedCredentials are a seeded connection's credentials: the body's, whose type (when given)
// must be the integration's auth mode, else mock OAuth2 tokens for an OAUTH2 integration and
// none for a NONE one.
func seedCredentials(authMode string, given json.RawMessage) (json.RawMessage, *web.Error) {
	if len(given) > 0 {
		var head struct{ Type *string }
		_ = json.Unmarshal(given, &head) // validateSeedBody saw an object with a string type
		if head.Type != nil && *head.Type != authMode {
			return nil, web.InvalidBody([]web.FieldError{{Code: "custom", Message: "credentials.type must be the integration's auth mode, " + authMode, Path: []any{"credentials", "type"}}})
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, given); err != nil {
			return nil, web.NewError(http.StatusBadRequest, "invalid_body", "The request body is not valid JSON.")
		}
		return compact.Bytes(), nil
	}
	switch authMode {
	case "OAUTH2":
		token := "mock_access_" + web.RandomHex(20)
		creds, err := json.Marshal(store.OAuth2Credentials{
			Type: "OAUTH2", AccessToken: token,
			Raw: map[string]any{"access_token": token, "token_type": "bearer"},
		})
		return creds, toWebError(err)
	case "NONE":
		return json.RawMessage(`{}`), nil
	}
	return nil, web.InvalidBody([]web.FieldError{{Code: "custom", Message: "credentials are required for an integration whose auth mode is " + authMode, Path: []any{"credentials"}}})
}

func toWebError(err error) *web.Error {
	if err == nil {
		return nil
	}
	return web.NewError(http.StatusInternalServerError, "server_error", err.Error())
}

// emulatorSession is a session as the emulator shows it (and as a fixture holds it): never its
// token, which the store does not keep, but the token's SHA-256.
type emulatorSession struct {
	TokenHash           string                               `json:"token_hash"`
	ID                  string                               `json:"id"`
	EndUser             *store.EndUser                       `json:"end_user"`
	AllowedIntegrations []string                             `json:"allowed_integrations"`
	Defaults            map[string]store.IntegrationDefaults `json:"integrations_config_defaults"`
	Overrides           map[string]store.IntegrationOverride `json:"overrides"`
	WebhookURLOverride  *string                              `json:"webhook_url_override"`
	Tags                map[string]string                    `json:"tags"`
	ReconnectID         string                               `json:"reconnect_connection_id,omitempty"`
	Faults              []string                             `json:"nango_dev_faults"`
	CreatedAt           time.Time                            `json:"created_at"`
	ExpiresAt           time.Time                            `json:"expires_at"`
}

func sessionOut(rec store.SessionRecord) emulatorSession {
	s := rec.Session
	return emulatorSession{
		TokenHash: rec.TokenHash, ID: s.ID, EndUser: s.EndUser, AllowedIntegrations: s.AllowedIntegrations,
		Defaults: s.Defaults, Overrides: s.Overrides, WebhookURLOverride: s.WebhookURLOverride, Tags: s.Tags,
		ReconnectID: s.ReconnectID, Faults: s.Faults, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt,
	}
}

func (s emulatorSession) record() store.SessionRecord {
	return store.SessionRecord{TokenHash: s.TokenHash, Session: &store.Session{
		ID: s.ID, EndUser: s.EndUser, AllowedIntegrations: s.AllowedIntegrations, Defaults: s.Defaults,
		Overrides: s.Overrides, WebhookURLOverride: s.WebhookURLOverride, Tags: s.Tags, ReconnectID: s.ReconnectID,
		Faults: s.Faults, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt,
	}}
}

// emulatorConnection is a connection as the emulator shows it (and as a fixture holds it):
// every field the store keeps, times to the nanosecond, so an export imports back unchanged.
type emulatorConnection struct {
	ID                 int64               `json:"id"`
	ConnectionID       string              `json:"connection_id"`
	ProviderConfigKey  string              `json:"provider_config_key"`
	Provider           string              `json:"provider"`
	EndUser            *store.EndUser      `json:"end_user"`
	Tags               map[string]string   `json:"tags"`
	ConnectionConfig   *catalog.OrderedMap `json:"connection_config"`
	Credentials        json.RawMessage     `json:"credentials"`
	WebhookURLOverride *string             `json:"webhook_url_override"`
	CreatedAt          time.Time           `json:"created_at"`
	UpdatedAt          time.Time           `json:"updated_at"`
	LastFetchedAt      *time.Time          `json:"last_fetched_at"`
}

func connectionOut(c *store.Connection) (emulatorConnection, error) {
	creds, err := json.Marshal(c.Credentials)
	if err != nil {
		return emulatorConnection{}, err
	}
	return emulatorConnection{
		ID: c.ID, ConnectionID: c.ConnectionID, ProviderConfigKey: c.ProviderConfigKey, Provider: c.Provider,
		EndUser: c.EndUser, Tags: c.Tags, ConnectionConfig: c.ConnectionConfig, Credentials: creds,
		WebhookURLOverride: c.WebhookURLOverride, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, LastFetchedAt: c.LastFetchedAt,
	}, nil
}

// connectionsOut shows connections in their order.
func connectionsOut(conns []*store.Connection) ([]emulatorConnection, error) {
	out := make([]emulatorConnection, 0, len(conns))
	for _, c := range conns {
		shown, err := connectionOut(c)
		if err != nil {
			return nil, err
		}
		out = append(out, shown)
	}
	return out, nil
}

func (c emulatorConnection) record() *store.Connection {
	var creds any
	if len(c.Credentials) > 0 && string(c.Credentials) != "null" {
		creds = c.Credentials
	}
	return &store.Connection{
		ID: c.ID, ConnectionID: c.ConnectionID, ProviderConfigKey: c.ProviderConfigKey, Provider: c.Provider,
		EndUser: c.EndUser, Tags: c.Tags, ConnectionConfig: c.ConnectionConfig, Credentials: creds,
		WebhookURLOverride: c.WebhookURLOverride, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, LastFetchedAt: c.LastFetchedAt,
	}
}

// decodeEmulatorBody reads a JSON object into dst, refusing unknown keys, with Nango's
// invalid_body on anything wrong.
func decodeEmulatorBody(w http.ResponseWriter, r *http.Request, dst any) bool {
	_, data, apiErr := web.ReadJSONObject(w, r)
	if apiErr != nil {
		web.WriteError(w, apiErr)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		web.WriteError(w, web.InvalidBody([]web.FieldError{{Code: "custom", Message: err.Error(), Path: []any{}}}))
		return false
	}
	return true
}
