package api

import (
	"fmt"
	"net/http"
	"regexp"

	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// The emulator's state document (GET and PUT /emulator/state): a fixture an app's tests load to
// start from a known state. Its format and version let a later dev server read an older file.
const (
	stateFormat  = "nango-dev-state"
	stateVersion = 1
)

type emulatorState struct {
	Format      string               `json:"format"`
	Version     int                  `json:"version"`
	Connections []emulatorConnection `json:"connections"`
	Sessions    []emulatorSession    `json:"sessions"`
	Faults      faultsSpec           `json:"faults"`
}

var tokenHashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// exportState is GET /emulator/state: every session and connection and the live faults. Pending
// OAuth states (a popup mid-flow) and webhook deliveries (a log, not state) are left out.
func (a *API) exportState(w http.ResponseWriter, r *http.Request) {
	snap, ok := a.emulatorSnapshot(w, r)
	if !ok {
		return
	}
	conns, err := connectionsOut(snap.Connections)
	if err != nil {
		a.storeFailed(w, err)
		return
	}
	state := emulatorState{Format: stateFormat, Version: stateVersion, Connections: conns, Sessions: []emulatorSession{}, Faults: a.faults.spec()}
	for _, rec := range snap.Sessions {
		state.Sessions = append(state.Sessions, sessionOut(rec))
	}
	web.WriteJSON(w, http.StatusOK, state)
}

// importState is PUT /emulator/state: the body (an export, or a fixture written by hand)
// replaces every session, connection and live fault at once, and the webhook log is cleared. A
// body with any issue changes nothing.
func (a *API) importState(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	var state emulatorState
	if !decodeEmulatorBody(w, r, &state) {
		return
	}
	snap, errs := a.stateSnapshot(&state)
	server, byIntegration, faultErrs := a.parseFaultsSpec(state.Faults)
	for _, e := range faultErrs {
		errs = append(errs, web.FieldError{Code: e.Code, Message: e.Message, Path: append([]any{"faults"}, e.Path...)})
	}
	if len(errs) > 0 {
		web.WriteError(w, web.InvalidBody(errs))
		return
	}
	if err := a.store.Replace(snap); err != nil {
		a.storeFailed(w, err)
		return
	}
	a.deliveries.clear()
	a.applyFaults(server, byIntegration)
	w.WriteHeader(http.StatusNoContent)
}

// stateSnapshot checks a state document and turns it into the store's snapshot. What a
// hand-written fixture leaves out is filled in: a connection's id (after the highest given), its
// provider (the integration's), its times (now); a session's id and times.
func (a *API) stateSnapshot(state *emulatorState) (*store.Snapshot, []web.FieldError) {
	var v web.Validator
	if state.Format != stateFormat {
		v.Add([]any{"format"}, "custom", fmt.Sprintf("Expected %q", stateFormat))
	}
	if state.Version != stateVersion {
		v.Add([]any{"version"}, "custom", fmt.Sprintf("This dev server reads version %d", stateVersion))
	}
	now := a.now()
	snap := &store.Snapshot{}
	type pair struct{ key, id string }
	seen := map[pair]bool{}
	ids := map[int64]bool{}
	for i, c := range state.Connections {
		path := []any{"connections", i}
		v.StrValue(c.ConnectionID, true, web.At(path, "connection_id"), web.StrRule{Min: 1, Max: 255, Pattern: connectionIDPattern})
		in, ok := a.integrations.get(c.ProviderConfigKey)
		if !ok {
			v.Add(web.At(path, "provider_config_key"), "custom", "Integration does not exist")
		} else if c.Provider == "" {
			c.Provider = in.Provider.Name
		}
		if seen[pair{c.ProviderConfigKey, c.ConnectionID}] {
			v.Add(path, "custom", "Duplicate connection: the pair provider_config_key, connection_id is already in the state")
		}
		seen[pair{c.ProviderConfigKey, c.ConnectionID}] = true
		if c.ID < 0 || (c.ID > 0 && ids[c.ID]) {
			v.Add(web.At(path, "id"), "custom", "Expected a positive id used once (or none)")
		}
		ids[c.ID] = true
		if c.CreatedAt.IsZero() {
			c.CreatedAt = now
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt = c.CreatedAt
		}
		snap.Connections = append(snap.Connections, c.record())
	}
	next := store.HighestConnectionID(snap.Connections)
	for _, c := range snap.Connections {
		if c.ID == 0 {
			next++
			c.ID = next
		}
	}
	hashes := map[string]bool{}
	for i, s := range state.Sessions {
		path := []any{"sessions", i}
		if !tokenHashPattern.MatchString(s.TokenHash) {
			v.Add(web.At(path, "token_hash"), "invalid_format", "Expected the hex SHA-256 of the session token (64 lowercase hex digits)")
		} else if hashes[s.TokenHash] {
			v.Add(web.At(path, "token_hash"), "custom", "Duplicate session: this token_hash is already in the state")
		}
		hashes[s.TokenHash] = true
		if s.ID == "" {
			s.ID = web.NewUUID()
		}
		if s.CreatedAt.IsZero() {
			s.CreatedAt = now
		}
		if s.ExpiresAt.IsZero() {
			s.ExpiresAt = s.CreatedAt.Add(sessionTTL)
		}
		snap.Sessions = append(snap.Sessions, s.record())
	}
	return snap, v.Errs
}
