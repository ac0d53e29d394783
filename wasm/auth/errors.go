package auth

// ErrorType names a failure. It is the `type` of the JavaScript AuthError. Nango's own types and
// every type a Nango server sends pass through unchanged; the SDK adds a few of its own.
type ErrorType string

// Nango's declared AuthErrorType values (@nangohq/frontend types.ts).
const (
	MissingAuthToken           ErrorType = "missing_auth_token"
	BlockedByBrowser           ErrorType = "blocked_by_browser"
	InvalidHostURL             ErrorType = "invalid_host_url"
	MissingCredentials         ErrorType = "missing_credentials"
	WindowClosed               ErrorType = "window_closed"
	ConnectionTestFailed       ErrorType = "connection_test_failed"
	MissingConnectSessionToken ErrorType = "missing_connect_session_token"
	ConnectionValidationFailed ErrorType = "connection_validation_failed"
	ResourceCapped             ErrorType = "resource_capped"
	UnknownError               ErrorType = "unknown_error"
)

// Types a Nango server sends that the SDK looks at.
const (
	CallbackErr ErrorType = "callback_err"
)

// Types nango-wasm adds (docs/wire.md §4).
const (
	// AccessDenied: the user refused consent at the provider. Nango reports it as callback_err.
	AccessDenied ErrorType = "access_denied"
	// Timeout: the auth() timeout option elapsed with no result.
	Timeout ErrorType = "timeout"
	// Aborted: the signal option fired, or clear() was called during the flow.
	Aborted ErrorType = "aborted"
	// Superseded: a newer auth() on the same client started before this one settled.
	Superseded ErrorType = "superseded"
	// InvalidOptions: an argument or option has the wrong type.
	InvalidOptions ErrorType = "invalid_options"
	// WasmUnavailable: WebAssembly could not run (raised by the glue, listed here for completeness).
	WasmUnavailable ErrorType = "wasm_unavailable"
	// WebSocketFailed: with transport 'websocket', the socket failed and could not be resumed.
	WebSocketFailed ErrorType = "websocket_failed"
	// NetworkError: a request to the Nango server did not get an answer (offline, DNS, CORS).
	NetworkError ErrorType = "network_error"
	// InvalidResponse: the Nango server answered with something that is not its JSON.
	InvalidResponse ErrorType = "invalid_response"
	// UnverifiedResult: the authorization window reported a success that nothing binds to this
	// call (no nonce of this call in the message, no WebSocket to deliver the bound result), so
	// it cannot be told from another flow's success (docs/wire.md §1).
	UnverifiedResult ErrorType = "unverified_result"
)

// Messages that @nangohq/frontend uses word for word; apps match on some of them.
const (
	msgMissingAuthToken   = "You must specify a public key OR a connect session token (cf. documentation)."
	msgInvalidHostURL     = "Invalid URL provided for the Nango host."
	msgBlocked            = "Modal blocked by browser"
	msgWindowClosed       = "The authorization window was closed before the authorization flow was completed"
	msgWindowUnreachable  = "The authorization window was closed, or a page it showed cut its link to this page (Cross-Origin-Opener-Policy), before the flow completed; without a WebSocket its result cannot arrive (use transport 'auto')"
	msgReconnectNeedsTok  = "Reconnect requires a session token"
	msgUnverifiedResult   = "The authorization window reported success, but the result cannot be verified as this call's: the server's message echoed no nonce of this call and no WebSocket delivered the result (use transport 'auto' or 'websocket' against a Nango server; see docs/wire.md)"
	msgCredentialsMissing = "Credentials are required for custom auth"
)

// AuthError is a typed SDK failure. In JavaScript it becomes an AuthError (an Error subclass)
// with the same Type and Message.
type AuthError struct {
	Type    ErrorType
	Message string
	// Err is the underlying cause, when there is one.
	Err error
}

// NewError returns an AuthError of the given type.
func NewError(t ErrorType, message string) *AuthError {
	return &AuthError{Type: t, Message: message}
}

func (e *AuthError) Error() string {
	return "nango: " + string(e.Type) + ": " + e.Message
}

// Unwrap returns the cause.
func (e *AuthError) Unwrap() error { return e.Err }

// Is matches another *AuthError by Type, so errors.Is(err, auth.NewError(auth.Timeout, "")) works.
func (e *AuthError) Is(target error) bool {
	t, ok := target.(*AuthError)
	return ok && t.Type == e.Type
}

// ErrInvalidHostURL is the constructor's synchronous error for a host that is not a URL.
func ErrInvalidHostURL() *AuthError { return NewError(InvalidHostURL, msgInvalidHostURL) }

// ErrBlocked is the error for a popup the browser refused to open.
func ErrBlocked() *AuthError { return NewError(BlockedByBrowser, msgBlocked) }

// ErrReconnectNeedsToken is reconnect()'s synchronous error without a connect session token.
func ErrReconnectNeedsToken() *AuthError {
	return NewError(MissingConnectSessionToken, msgReconnectNeedsTok)
}

func invalidOption(what string) *AuthError {
	return NewError(InvalidOptions, what)
}

// PanicText describes a panic value recovered at the JavaScript boundary, for the error that
// reports it. It does without fmt, which would bring reflect and os into nango.wasm.
func PanicText(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case string:
		return v
	case interface{ String() string }:
		return v.String()
	}
	return "a panic value that is not an error or a string"
}
