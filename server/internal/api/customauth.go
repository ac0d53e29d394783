package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// authRoute is one of the SDK's non-popup endpoints (docs: nango-protocol.md §1.9), mounted at
// POST {path}/{providerConfigKey}.
type authRoute struct {
	path     string
	authMode string // the integration's auth_mode must be this one (invalid_auth_mode otherwise)
	// ccStyle marks /oauth2/auth, which Nango answers with the other key order and, for an
	// unknown integration, 400 instead of 404.
	ccStyle bool
	// check validates the body, as the controller's zod schema does.
	check func(body map[string]any) *web.Error
	// connect obtains the credentials (testing them with the mock provider where the mode has
	// something to test) and may add to req.config. It returns Nango's stored shape.
	connect func(ctx context.Context, a *API, req *authRequest) (any, *web.Error)
}

// authRequest is what a custom-auth POST has established by the time its mode takes over.
type authRequest struct {
	in           *Integration
	body         map[string]any
	config       *catalog.OrderedMap // params, then the session's connection_config defaults
	connectionID string
	existing     *store.Connection // the connection being overwritten, if any
}

// authReply is Nango's success body, {"connectionId","providerConfigKey"}.
type authReply struct {
	ConnectionID      string `json:"connectionId"`
	ProviderConfigKey string `json:"providerConfigKey"`
}

// ccReply is /oauth2/auth's, which Nango writes as {providerConfigKey, connectionId}.
type ccReply struct {
	ProviderConfigKey string `json:"providerConfigKey"`
	ConnectionID      string `json:"connectionId"`
}

var errInvalidContentType = web.NewError(http.StatusUnsupportedMediaType, "invalid_content_type", "Content-Type header must be application/json")

// customAuth serves one non-popup endpoint, in the order of Nango's middlewares and controllers:
// content type, session, body, query, integration, auth mode, allowed integrations, reconnect,
// credentials, upsert. Every failure is the JSON envelope; none reaches the WebSocket.
func (a *API) customAuth(route authRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		contentType := r.Header.Get("Content-Type")
		if contentType != "" && !strings.HasPrefix(contentType, "application/json") {
			web.WriteError(w, errInvalidContentType)
			return
		}
		q, apiErr := parseConnectQuery(r.URL.RawQuery)
		if apiErr != nil {
			web.WriteError(w, apiErr)
			return
		}
		sess, apiErr := a.authenticateConnect(q)
		if apiErr != nil {
			web.WriteError(w, apiErr)
			return
		}
		// Express parses only a JSON body; without a Content-Type the controller sees {}.
		body := map[string]any{}
		if contentType != "" {
			if body, _, apiErr = web.ReadJSONObject(w, r); apiErr != nil {
				web.WriteError(w, apiErr)
				return
			}
		} else {
			_, _ = io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, web.MaxBodyBytes))
		}
		if apiErr := route.check(body); apiErr != nil {
			web.WriteError(w, apiErr)
			return
		}
		req, apiErr := a.prepareAuth(route, r.PathValue("providerConfigKey"), q, sess)
		if apiErr != nil {
			web.WriteError(w, apiErr)
			return
		}
		req.body = body
		creds, apiErr := route.connect(r.Context(), a, req)
		if apiErr != nil {
			a.log.Info("custom auth failed", "error_code", apiErr.Code, "integration", req.in.UniqueKey)
			a.failureWebhook(failedConnection{ProviderConfigKey: req.in.UniqueKey, ConnectionID: req.connectionID, Provider: req.in.Provider.Name,
				AuthMode: route.authMode, WebhookURLOverride: sess.WebhookURLOverride}, webhookError{Type: apiErr.Code, Description: apiErr.Message})
			web.WriteError(w, apiErr)
			return
		}
		conn, created, err := a.store.UpsertConnection(&store.Connection{
			ConnectionID:       req.connectionID,
			ProviderConfigKey:  req.in.UniqueKey,
			Provider:           req.in.Provider.Name,
			EndUser:            sess.EndUser,
			Tags:               sess.Tags,
			ConnectionConfig:   req.config,
			Credentials:        creds,
			WebhookURLOverride: sess.WebhookURLOverride,
		}, a.now())
		if err != nil {
			a.storeFailed(w, err)
			return
		}
		a.log.Info("connection stored", "integration", conn.ProviderConfigKey, "connection_id", conn.ConnectionID, "auth_mode", route.authMode)
		a.connectionWebhook(conn, created, route.authMode)
		if route.ccStyle {
			web.WriteJSON(w, http.StatusOK, ccReply{ProviderConfigKey: conn.ProviderConfigKey, ConnectionID: conn.ConnectionID})
			return
		}
		web.WriteJSON(w, http.StatusOK, authReply{ConnectionID: conn.ConnectionID, ProviderConfigKey: conn.ProviderConfigKey})
	})
}

// prepareAuth runs the checks every custom-auth controller shares once the body is valid, and
// works out the connection id and connection_config.
func (a *API) prepareAuth(route authRoute, key string, q *connectQuery, sess *store.Session) (*authRequest, *web.Error) {
	if q.ConnectionID != "" && (!connectionIDPattern.MatchString(q.ConnectionID) || len(q.ConnectionID) > 255) {
		return nil, web.InvalidQuery([]web.FieldError{{Code: "invalid_format", Message: "Invalid string: must match pattern /" + connectionIDPattern.String() + "/", Path: []any{"connection_id"}}})
	}
	if !ProviderConfigKeyPattern.MatchString(key) || len(key) > 255 {
		return nil, &web.Error{Status: http.StatusBadRequest, Code: "invalid_uri_params", Errors: []web.FieldError{{Code: "invalid_format", Message: "Invalid string: must match pattern /" + ProviderConfigKeyPattern.String() + "/", Path: []any{"providerConfigKey"}}}}
	}
	if q.ConnectionID != "" && q.SessionToken != "" {
		return nil, errConnectionIDForbidden()
	}
	connectionID := q.ConnectionID // a public-key caller may name it
	if connectionID == "" {
		connectionID = web.NewUUID()
	}
	// Nango signs the id it will use, a generated one included: without connection_id, a
	// public-key POST of an hmac_enabled environment cannot pass.
	if failed := a.checkHMAC(q, key, connectionID); failed != "" {
		return nil, postHMACError(failed)
	}
	in, ok := a.integrations.get(key)
	if !ok {
		status := http.StatusNotFound
		if route.ccStyle {
			status = http.StatusBadRequest
		}
		return nil, web.NewError(status, "unknown_provider_config", fmt.Sprintf("There is no Provider Configuration matching the key %q.", key))
	}
	if in.Provider.AuthMode != route.authMode {
		return nil, web.NewError(http.StatusBadRequest, "invalid_auth_mode", fmt.Sprintf("Invalid auth mode. The provider does not support this auth mode. (%s uses %s; %s/%s is for %s.)", key, in.Provider.AuthMode, route.path, key, route.authMode))
	}
	if !sess.Allows(key) {
		return nil, errIntegrationNotAllowed(key)
	}
	req := &authRequest{in: in, connectionID: connectionID, config: q.Params.Clone()}
	reconnectID, apiErr := a.reconnectTarget(sess, key)
	if apiErr != nil {
		return nil, apiErr
	}
	if reconnectID != "" {
		req.connectionID = reconnectID
	}
	old, ok, err := a.store.Connection(key, req.connectionID)
	if err != nil {
		a.log.Error("store failed", "err", err)
		return nil, errStoreFailed
	}
	if ok {
		req.existing = old
	}
	// The session's defaults win over what the page sent (Nango's resolveConnectionConfig).
	req.config.Assign(sess.Defaults[key].ConnectionConfig)
	if apiErr := validateConnectionConfig(in.Provider, req.config); apiErr != nil {
		return nil, jsonErr(apiErr)
	}
	return req, nil
}
