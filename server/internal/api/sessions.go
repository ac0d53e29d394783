package api

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// sessionTTL is Nango's CONNECT_SESSION_TTL_MS. A token stays valid for all of it: a
// successful connection does not consume it.
const sessionTTL = 30 * time.Minute

// The body of POST /connect/sessions, decoded once it has passed validateSessionBody.
type sessionInput struct {
	EndUser                    *endUserInput                        `json:"end_user"`
	Organization               *organizationInput                   `json:"organization"`
	AllowedIntegrations        []string                             `json:"allowed_integrations"`
	IntegrationsConfigDefaults map[string]store.IntegrationDefaults `json:"integrations_config_defaults"`
	Overrides                  map[string]store.IntegrationOverride `json:"overrides"`
	WebhookURLOverride         *string                              `json:"webhook_url_override"`
	Tags                       map[string]string                    `json:"tags"`
	Faults                     []string                             `json:"nango_dev_faults"`
}

type endUserInput struct {
	ID          string            `json:"id"`
	Email       *string           `json:"email"`
	DisplayName *string           `json:"display_name"`
	Tags        map[string]string `json:"tags"`
}

type organizationInput struct {
	ID          string  `json:"id"`
	DisplayName *string `json:"display_name"`
}

// createSession is POST /connect/sessions: a backend, holding the secret key, lets one end user
// connect for 30 minutes.
func (a *API) createSession(w http.ResponseWriter, r *http.Request) {
	var in sessionInput
	if !a.decodeSessionBody(w, r, validateSessionBody, &in) {
		return
	}
	sess, ok := a.sessionFrom(w, &in)
	if !ok {
		return
	}
	if len(in.AllowedIntegrations) > 0 {
		sess.AllowedIntegrations = in.AllowedIntegrations
	}
	a.issueSession(w, sess)
}

// sessionFrom checks the parts of a session body both POST /connect/sessions and
// POST /connect/sessions/reconnect take (known integrations, tags) and builds the session from
// them; on bad input it has answered with Nango's error and returns false.
func (a *API) sessionFrom(w http.ResponseWriter, in *sessionInput) (*store.Session, bool) {
	if errs := a.unknownIntegrations(in); len(errs) > 0 {
		web.WriteError(w, web.InvalidBody(errs))
		return nil, false
	}
	tags, errs := sessionTags(in)
	if len(errs) > 0 {
		web.WriteError(w, web.InvalidBody(errs))
		return nil, false
	}
	moveDeprecatedWebhookURL(in)
	now := a.now()
	return &store.Session{
		ID:                 web.NewUUID(),
		EndUser:            in.endUser(),
		Defaults:           in.IntegrationsConfigDefaults,
		Overrides:          in.Overrides,
		WebhookURLOverride: in.WebhookURLOverride,
		Tags:               tags,
		Faults:             in.Faults,
		CreatedAt:          now,
		ExpiresAt:          now.Add(sessionTTL),
	}, true
}

// moveDeprecatedWebhookURL applies Nango's mapDeprecatedConnectionConfigWebhookUrl: a
// connection_config.webhook_url never stays in a connection's config; the first non-empty one
// (in integration key order; Nango takes the body's order) becomes the session's
// webhook_url_override, unless the body gave one (even an empty one).
func moveDeprecatedWebhookURL(in *sessionInput) {
	var first string
	for _, key := range slices.Sorted(maps.Keys(in.IntegrationsConfigDefaults)) {
		d := in.IntegrationsConfigDefaults[key]
		hook, ok := d.ConnectionConfig.Get("webhook_url")
		if !ok {
			continue
		}
		if s, _ := hook.(string); s != "" && first == "" {
			first = s
		}
		d.ConnectionConfig = d.ConnectionConfig.Clone()
		d.ConnectionConfig.Delete("webhook_url")
		if len(d.ConnectionConfig.Keys()) == 0 {
			d.ConnectionConfig = nil
		}
		in.IntegrationsConfigDefaults[key] = d
	}
	if in.WebhookURLOverride == nil && first != "" {
		in.WebhookURLOverride = &first
	}
}

// issueSession stores a session under a fresh token and answers 201 with the token, as both
// POST /connect/sessions and POST /connect/sessions/reconnect do.
func (a *API) issueSession(w http.ResponseWriter, sess *store.Session) {
	token := newSessionToken()
	if err := a.store.PutSession(token, sess, sess.CreatedAt); err != nil {
		a.storeFailed(w, err)
		return
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"data": map[string]string{
		"token":        token,
		"connect_link": a.apiURL + "/connect/?session_token=" + token,
		"expires_at":   jsTime(sess.ExpiresAt),
	}})
}

// endUser is the session's end user, from the body's end_user and organization.
func (in *sessionInput) endUser() *store.EndUser {
	if in.EndUser == nil {
		return nil
	}
	u := &store.EndUser{ID: in.EndUser.ID, DisplayName: in.EndUser.DisplayName, Email: in.EndUser.Email, Tags: in.EndUser.Tags}
	if in.Organization != nil {
		u.Organization = &store.Organization{ID: in.Organization.ID, DisplayName: in.Organization.DisplayName}
	}
	return u
}

// sessionTags merges the tags derived from the end user with the body's, which win.
func sessionTags(in *sessionInput) (map[string]string, []web.FieldError) {
	tags := generatedTags(in.EndUser, in.Organization)
	if in.Tags != nil {
		bodyTags, errs := validateTags(in.Tags)
		if len(errs) > 0 {
			return nil, errs
		}
		for k, v := range bodyTags {
			tags[k] = v
		}
	}
	if len(tags) > tagMaxCount {
		return nil, []web.FieldError{{Code: "custom", Message: "Tags cannot contain more than 10 keys", Path: []any{"tags"}}}
	}
	return tags, nil
}

// unknownIntegrations reports every integration a session names that does not exist.
func (a *API) unknownIntegrations(in *sessionInput) []web.FieldError {
	var errs []web.FieldError
	for i, key := range in.AllowedIntegrations {
		if _, ok := a.integrations.get(key); !ok {
			errs = append(errs, web.FieldError{Code: "custom", Message: "Integration does not exist", Path: []any{"allowed_integrations", i}})
		}
	}
	for _, key := range slices.Sorted(maps.Keys(in.IntegrationsConfigDefaults)) {
		if _, ok := a.integrations.get(key); !ok {
			errs = append(errs, web.FieldError{Code: "custom", Message: "Integration does not exist", Path: []any{"integrations_config_defaults", key}})
		}
	}
	for _, key := range slices.Sorted(maps.Keys(in.Overrides)) {
		if _, ok := a.integrations.get(key); !ok {
			errs = append(errs, web.FieldError{Code: "custom", Message: "Integration does not exist", Path: []any{"overrides", key}})
		}
	}
	return errs
}

// getSession is GET /connect/session: what the Connect UI reads about its own session.
func (a *API) getSession(w http.ResponseWriter, r *http.Request) {
	sess, _, ok := a.requireSession(w, r)
	if !ok {
		return
	}
	if r.URL.RawQuery != "" {
		web.WriteError(w, web.InvalidQuery(unrecognizedQueryKeys(r)))
		return
	}
	data := map[string]any{
		"endUser": sess.EndUser,
		"connectUISettings": map[string]any{
			"theme":         map[string]any{"light": map[string]string{"primary": "#00B2E3"}, "dark": map[string]string{"primary": "#00B2E3"}},
			"defaultTheme":  "system",
			"showWatermark": true,
		},
	}
	if sess.AllowedIntegrations != nil {
		data["allowed_integrations"] = sess.AllowedIntegrations
	}
	if sess.Defaults != nil {
		defaults := map[string]any{}
		for key, d := range sess.Defaults {
			// Nango writes what the session has: an unset key is left out, never null.
			out := map[string]any{}
			if d.ConnectionConfig != nil {
				out["connection_config"] = d.ConnectionConfig
			}
			if d.AuthorizationParams != nil {
				out["authorization_params"] = d.AuthorizationParams
			}
			defaults[key] = out
		}
		data["integrations_config_defaults"] = defaults
	}
	if sess.Overrides != nil {
		data["overrides"] = sess.Overrides
	}
	if sess.ReconnectID != "" {
		data["isReconnecting"] = true
	}
	// A self-hosted Nango tells the Connect UI where its WebSocket is (the cloud omits it);
	// the dev server is self-hosted.
	data["websocketsPath"] = a.wsPath
	web.WriteJSON(w, http.StatusOK, map[string]any{"data": data})
}

// deleteSession is DELETE /connect/session: the token stops working at once.
func (a *API) deleteSession(w http.ResponseWriter, r *http.Request) {
	_, token, ok := a.requireSession(w, r)
	if !ok {
		return
	}
	if err := a.store.DeleteSession(token); err != nil {
		a.storeFailed(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// telemetry is POST /connect/telemetry. The Connect UI sends it with sendBeacon, which cannot
// set headers, so the token is in the body; the events themselves are dropped.
func (a *API) telemetry(w http.ResponseWriter, r *http.Request) {
	raw, _, apiErr := web.ReadJSONObject(w, r)
	if apiErr != nil {
		web.WriteError(w, apiErr)
		return
	}
	token, _ := raw["token"].(string)
	if token == "" {
		web.WriteError(w, errMissingAuthHeader)
		return
	}
	if _, err := a.checkSessionToken(token); err != nil {
		web.WriteError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readJSONObject reads a body of at most 1 MiB that must be a JSON object; an empty body counts
// as {} (as Express's JSON parser leaves it).
// decodeSessionBody runs what both session endpoints check first, in Nango's order: the secret
// key, no query string, a JSON object that passes validate, decoded into dst. It answers the
// failure itself and reports false.
func (a *API) decodeSessionBody(w http.ResponseWriter, r *http.Request, validate func(map[string]any) []web.FieldError, dst any) bool {
	if !a.requireSecretKey(w, r) {
		return false
	}
	if r.URL.RawQuery != "" {
		web.WriteError(w, web.InvalidQuery(unrecognizedQueryKeys(r)))
		return false
	}
	raw, data, apiErr := web.ReadJSONObject(w, r)
	if apiErr != nil {
		web.WriteError(w, apiErr)
		return false
	}
	if errs := validate(raw); len(errs) > 0 {
		web.WriteError(w, web.InvalidBody(errs))
		return false
	}
	// Decoded with JSON v2's exact key matching: encoding/json matches keys case-insensitively
	// (and folds U+017F to s), so `overrides.x.DOCS_CONNECT` would pass validate, which reads
	// exact keys, and still fill DocsConnect.
	if err := jsonv2.Unmarshal(data, dst); err != nil {
		web.WriteError(w, web.InvalidBody([]web.FieldError{{Code: "custom", Message: err.Error(), Path: []any{}}}))
		return false
	}
	return true
}

func unrecognizedQueryKeys(r *http.Request) []web.FieldError {
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(r.URL.Query())) {
		keys = append(keys, `"`+k+`"`)
	}
	noun := "key"
	if len(keys) != 1 {
		noun = "keys"
	}
	return []web.FieldError{{Code: "unrecognized_keys", Message: "Unrecognized " + noun + ": " + strings.Join(keys, ", "), Path: []any{}}}
}
