package server

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is one failure, worded as Nango words it, so that an SDK built against Nango sees the
// same code (and AuthError type) from the dev server.
type apiError struct {
	Status  int
	Code    string
	Message string
	Errors  []fieldError
	// WSErr marks the failures Nango reports over the WebSocket and with the error page, never
	// as JSON (its WSErr catalog in packages/server/lib/utils/web-socket-error.ts).
	WSErr bool
	// ProviderError holds the provider's own error keys from the callback query.
	ProviderError map[string]string
}

func (e *apiError) Error() string { return fmt.Sprintf("nango: %s: %s", e.Code, e.Message) }

// fieldError is one zod issue as Nango's zodErrorToHTTP reports it.
type fieldError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Path    []any  `json:"path"`
}

type errorEnvelope struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string       `json:"code"`
	Message string       `json:"message,omitempty"`
	Errors  []fieldError `json:"errors,omitempty"`
}

// writeError is the one place the `{"error":{"code","message"}}` envelope is written.
func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.Status, errorEnvelope{Error: errorBody{Code: e.Code, Message: e.Message, Errors: e.Errors}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":{"code":"server_error","message":"failed to encode the response"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func newError(status int, code, message string) *apiError {
	return &apiError{Status: status, Code: code, Message: message}
}

func invalidBody(errs []fieldError) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "invalid_body", Errors: errs}
}

func invalidQuery(errs []fieldError) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "invalid_query_params", Errors: errs}
}

// Authentication failures, with the messages of Nango's packages/shared/lib/utils/error.ts.
var (
	errMissingAuthHeader       = newError(401, "missing_auth_header", "Authentication failed. The request is missing the Authorization header.")
	errMalformedAuthHeader     = newError(401, "malformed_auth_header", "Authentication failed. The Authorization header is malformed.")
	errInvalidSecretKeyFormat  = newError(401, "invalid_secret_key_format", "Authentication failed. The provided secret key is not a UUID v4.")
	errUnknownAccount          = newError(401, "unknown_account", "Authentication failed. The provided authorization header does not match any account.")
	errInvalidSessionFormat    = newError(401, "invalid_connect_session_token_format", "Authentication failed. The provided connect session token is not following correct format: nango_connect_session_RANDOM)")
	errUnknownSessionToken     = newError(401, "unknown_connect_session_token", "Authentication failed. The provided connect session token does not match any account.")
	errMissingPublicKey        = newError(401, "missing_public_key", "Authentication failed. The request is missing a valid public key parameter.")
	errInvalidPublicKey        = newError(401, "invalid_public_key", "Authentication failed. The provided public key is not a UUID v4.")
	errDeprecatedAuthorization = newError(401, "deprecated_authentication", "Public key authentication is deprecated. Please use connect session authentication instead.")
	errConnectionNotFound      = newError(404, "not_found", "Failed to find connection")
	errUnknownProviderConfig   = newError(400, "unknown_provider_config", "Provider does not exists")
)

// errStoreFailed is answered when the store could not read or write (a full disk, a file another
// process locked); the cause goes to the log only.
var errStoreFailed = newError(http.StatusInternalServerError, "server_error", "The dev server could not read or write its store.")

// storeFailed logs a store error and answers the envelope.
func (a *api) storeFailed(w http.ResponseWriter, err error) {
	a.log.Error("store failed", "err", err)
	writeError(w, errStoreFailed)
}

// errIntegrationNotAllowed refuses a flow for an integration outside the session's
// allowed_integrations.
func errIntegrationNotAllowed(key string) *apiError {
	return newError(http.StatusBadRequest, "integration_not_allowed", fmt.Sprintf("The connect session does not allow the integration %q (see allowed_integrations).", key))
}

// errConnectionIDForbidden is Nango's errorRestrictConnectionId: with a connect session, the
// session decides the connection id.
func errConnectionIDForbidden() *apiError {
	return invalidQuery([]fieldError{{Code: "custom", Message: "connection_id is forbidden when using session token", Path: []any{"connection_id"}}})
}

// wsErr builds one of Nango's WSErr failures: always the error page (status 400, as Nango's
// authHtml), and an error frame for the SDK's WebSocket.
func wsErr(code, message string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: message, WSErr: true}
}

func errNoProviderConfigKey() *apiError {
	return wsErr("no_provider_config_key", "Missing Provider Config unique key.")
}

func errUnknownProviderConfigKey(key string) *apiError {
	return wsErr("provider_config_err", fmt.Sprintf("Could not find a Provider Config matching the %q key.", key))
}

func errAuthModeNotSupported(mode string) *apiError {
	return wsErr("auth_mode_err", fmt.Sprintf("Auth mode %s not supported.", mode))
}

func errMissingConnectionConfig(template, providedJSON string) *apiError {
	return wsErr("url_param_err", fmt.Sprintf("Missing Connection Config param(s) in Auth request to interpolate url %s. Provided Connection Config: %s", template, providedJSON))
}

func errMissingStateCookie() *apiError {
	return wsErr("state_cookie_err", "OAuth state cookie missing. The callback must be completed by the same browser that started the flow — a server-side or fetch-forwarded callback does not include it.")
}
