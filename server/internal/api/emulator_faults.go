package api

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// faultsSpec is the config file's faults, as JSON: server-wide ones (`faults:`) and each
// integration's (`integrations[].faults`), by unique key. GET /emulator/faults writes it with
// every list canonical (sorted, delays explicit), which PUT reads back unchanged.
type faultsSpec struct {
	Faults       []string            `json:"faults"`
	Integrations map[string][]string `json:"integrations"`
}

// liveFaults are the faults set with PUT /emulator/faults. They add to the configured ones
// (which stay) until DELETE /emulator/faults or a reset.
type liveFaults struct {
	mu            sync.RWMutex
	server        catalog.FaultSet
	byIntegration map[string]catalog.FaultSet
}

// forIntegration is the live faults of an integration's flows: the server-wide ones and its own.
func (f *liveFaults) forIntegration(key string) catalog.FaultSet {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.server.Union(f.byIntegration[key])
}

func (f *liveFaults) refusesWebSockets() bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.server.Has(catalog.FaultWSRefuse)
}

func (f *liveFaults) set(server catalog.FaultSet, byIntegration map[string]catalog.FaultSet) {
	f.mu.Lock()
	f.server, f.byIntegration = server, byIntegration
	f.mu.Unlock()
}

func (f *liveFaults) spec() faultsSpec {
	f.mu.RLock()
	defer f.mu.RUnlock()
	spec := faultsSpec{Faults: canonicalFaults(f.server), Integrations: map[string][]string{}}
	for key, set := range f.byIntegration {
		spec.Integrations[key] = canonicalFaults(set)
	}
	return spec
}

func canonicalFaults(set catalog.FaultSet) []string {
	if len(set) == 0 {
		return []string{}
	}
	return strings.Split(set.String(), ",")
}

// parse checks a spec as the config file is checked (known fault names and integrations; no
// ws_refuse for an integration) and returns its sets, or every issue in Nango's zod form.
func (a *API) parseFaultsSpec(spec faultsSpec) (catalog.FaultSet, map[string]catalog.FaultSet, []web.FieldError) {
	var v web.Validator
	server := a.parseFaultList(&v, spec.Faults, []any{"faults"}, true)
	byIntegration := map[string]catalog.FaultSet{}
	for _, key := range slices.Sorted(maps.Keys(spec.Integrations)) {
		path := []any{"integrations", key}
		if _, ok := a.integrations.get(key); !ok {
			v.Add(path, "custom", "Integration does not exist")
			continue
		}
		if set := a.parseFaultList(&v, spec.Integrations[key], path, false); len(set) > 0 {
			byIntegration[key] = set
		}
	}
	return server, byIntegration, v.Errs
}

func (a *API) parseFaultList(v *web.Validator, list []string, path []any, serverWide bool) catalog.FaultSet {
	set := catalog.FaultSet{}
	for i, spec := range list {
		parsed, err := catalog.ParseFaults(spec)
		if err == nil && !serverWide && len(parsed.SocketOnly()) > 0 {
			err = catalog.SocketFaultError("an integration")
		}
		if err != nil {
			v.Add(web.At(path, i), "custom", err.Error())
			continue
		}
		set = set.Union(parsed)
	}
	return set
}

// applyFaults makes a set of live faults current, ws_refuse included.
func (a *API) applyFaults(server catalog.FaultSet, byIntegration map[string]catalog.FaultSet) {
	a.faults.set(server, byIntegration)
	a.hub.setRefuse(a.refuseWithout.Load() || a.faults.refusesWebSockets())
	a.changes.publish(topicFaults)
}

// getFaults is GET /emulator/faults: the live faults.
func (a *API) getFaults(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	web.WriteJSON(w, http.StatusOK, a.faults.spec())
}

// putFaults is PUT /emulator/faults: the live faults become the body's (a replace, not a merge).
func (a *API) putFaults(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	var spec faultsSpec
	if !decodeEmulatorBody(w, r, &spec) {
		return
	}
	server, byIntegration, errs := a.parseFaultsSpec(spec)
	if len(errs) > 0 {
		web.WriteError(w, web.InvalidBody(errs))
		return
	}
	a.applyFaults(server, byIntegration)
	web.WriteJSON(w, http.StatusOK, a.faults.spec())
}

// deleteFaults is DELETE /emulator/faults: no live faults (the configured ones stay).
func (a *API) deleteFaults(w http.ResponseWriter, r *http.Request) {
	if !a.requireSecretKey(w, r) {
		return
	}
	a.applyFaults(nil, nil)
	w.WriteHeader(http.StatusNoContent)
}
