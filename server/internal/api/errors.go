package api

import (
	"fmt"
	"net/http"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// Authentication failures, with the messages of Nango's packages/shared/lib/utils/error.ts.
var (
	errMissingAuthHeader       = web.NewError(401, "missing_auth_header", "Authentication failed. The request is missing the Authorization header.")
	errMalformedAuthHeader     = web.NewError(401, "malformed_auth_header", "Authentication failed. The Authorization header is malformed.")
	errInvalidSecretKeyFormat  = web.NewError(401, "invalid_secret_key_format", "Authentication failed. The provided secret key is not a UUID v4.")
	errUnknownAccount          = web.NewError(401, "unknown_account", "Authentication failed. The provided authorization header does not match any account.")
	errInvalidSessionFormat    = web.NewError(401, "invalid_connect_session_token_format", "Authentication failed. The provided connect session token is not following correct format: nango_connect_session_RANDOM)")
	errUnknownSessionToken     = web.NewError(401, "unknown_connect_session_token", "Authentication failed. The provided connect session token does not match any account.")
	errMissingPublicKey        = web.NewError(401, "missing_public_key", "Authentication failed. The request is missing a valid public key parameter.")
	errInvalidPublicKey        = web.NewError(401, "invalid_public_key", "Authentication failed. The provided public key is not a UUID v4.")
	errDeprecatedAuthorization = web.NewError(401, "deprecated_authentication", "Public key authentication is deprecated. Please use connect session authentication instead.")
	errConnectionNotFound      = web.NewError(404, "not_found", "Failed to find connection")
	errUnknownProviderConfig   = web.NewError(400, "unknown_provider_config", "Provider does not exists")
)

// errStoreFailed is answered when the store could not read or write (a full disk, a file another
// process locked); the cause goes to the log only.
var errStoreFailed = web.NewError(http.StatusInternalServerError, "server_error", "The dev server could not read or write its store.")

// storeFailed logs a store error and answers the envelope.
func (a *API) storeFailed(w http.ResponseWriter, err error) {
	a.log.Error("store failed", "err", err)
	web.WriteError(w, errStoreFailed)
}

// errIntegrationNotAllowed refuses a flow for an integration outside the session's
// allowed_integrations.
func errIntegrationNotAllowed(key string) *web.Error {
	return web.NewError(http.StatusBadRequest, "integration_not_allowed", fmt.Sprintf("The connect session does not allow the integration %q (see allowed_integrations).", key))
}

// errConnectionIDForbidden is Nango's errorRestrictConnectionId: with a connect session, the
// session decides the connection id.
func errConnectionIDForbidden() *web.Error {
	return web.InvalidQuery([]web.FieldError{{Code: "custom", Message: "connection_id is forbidden when using session token", Path: []any{"connection_id"}}})
}

// wsErr builds one of Nango's WSErr failures: always the error page (status 400, as Nango's
// authHtml), and an error frame for the SDK's WebSocket.
func wsErr(code, message string) *web.Error {
	return &web.Error{Status: http.StatusBadRequest, Code: code, Message: message, WSErr: true}
}

func errNoProviderConfigKey() *web.Error {
	return wsErr("no_provider_config_key", "Missing Provider Config unique key.")
}

func errUnknownProviderConfigKey(key string) *web.Error {
	return wsErr("provider_config_err", fmt.Sprintf("Could not find a Provider Config matching the %q key.", key))
}

func errAuthModeNotSupported(mode string) *web.Error {
	return wsErr("auth_mode_err", fmt.Sprintf("Auth mode %s not supported.", mode))
}

func errMissingConnectionConfig(template, providedJSON string) *web.Error {
	return wsErr("url_param_err", fmt.Sprintf("Missing Connection Config param(s) in Auth request to interpolate url %s. Provided Connection Config: %s", template, providedJSON))
}

func errMissingStateCookie() *web.Error {
	return wsErr("state_cookie_err", "OAuth state cookie missing. The callback must be completed by the same browser that started the flow — a server-side or fetch-forwarded callback does not include it.")
}
