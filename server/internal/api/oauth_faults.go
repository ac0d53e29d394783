package api

import (
	"net/http"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// errInvalidFault answers a flow or session that names a fault the server does not know.
func errInvalidFault(err error) *web.Error {
	return web.NewError(http.StatusBadRequest, "invalid_fault", "nango_dev_fault: "+err.Error())
}

// flowFaults is the fault set of one popup flow: the integration's (server-wide included), the
// live ones (PUT /emulator/faults), the session's nango_dev_faults, and the flow's own authorization_params[nango_dev_fault] (or the
// older nango_dev_coop=same-origin).
func (a *API) flowFaults(in *Integration, sess *store.Session, authParams *catalog.OrderedMap) (catalog.FaultSet, *web.Error) {
	set := in.Faults.Union(a.faults.forIntegration(in.UniqueKey))
	if sess != nil {
		fromSession, err := catalog.ParseFaults(sess.Faults...)
		if err != nil {
			return nil, errInvalidFault(err)
		}
		set = set.Union(fromSession)
	}
	if v, ok := authParams.String(catalog.FaultParam); ok {
		fromFlow, err := catalog.ParseFaults(v)
		if err != nil {
			return nil, errInvalidFault(err)
		}
		if len(fromFlow.SocketOnly()) > 0 {
			return nil, errInvalidFault(catalog.SocketFaultError("authorization_params[nango_dev_fault]"))
		}
		set = set.Union(fromFlow)
	}
	if v, _ := authParams.String(catalog.COOPParam); v == "same-origin" {
		set[catalog.FaultCOOP] = 0
	}
	return set, nil
}
