//go:build js && wasm

package nango

import "github.com/nango-wasm/nango-wasm/wasm/auth"

// AuthError is every failure of this package: its Type says what went wrong (one of the
// constants below, or a type the Nango server sent), Message is the text nango.js shows, and
// Err the cause when there is one (for a context that ended, context.Cause of it). Error()
// returns "nango: <type>: <message>". Get at it with errors.As; errors.Is matches any two
// AuthErrors of the same Type, so the sentinels below stand for their type.
type AuthError = auth.AuthError

// ErrorType names a failure; it is the `type` of the JavaScript AuthError.
type ErrorType = auth.ErrorType

// Nango's error types (@nangohq/frontend's AuthErrorType).
const (
	// MissingAuthToken: the Client has neither a ConnectSessionToken nor a PublicKey.
	MissingAuthToken = auth.MissingAuthToken
	// BlockedByBrowser: the browser refused to open the popup, because Auth was not called
	// synchronously from a user's gesture (see the package doc).
	BlockedByBrowser = auth.BlockedByBrowser
	// InvalidHostURL: Options.Host is not a URL.
	InvalidHostURL = auth.InvalidHostURL
	// MissingCredentials: AuthOptions.Credentials match no Nango auth mode.
	MissingCredentials = auth.MissingCredentials
	// WindowClosed: the user closed the popup before the flow completed (with
	// DetectClosedAuthWindow, or when nothing else could deliver the result).
	WindowClosed = auth.WindowClosed
	// ConnectionTestFailed: the provider refused the credentials Nango tested.
	ConnectionTestFailed = auth.ConnectionTestFailed
	// MissingConnectSessionToken: Reconnect needs a ConnectSessionToken.
	MissingConnectSessionToken = auth.MissingConnectSessionToken
	// ConnectionValidationFailed: Nango could not validate the new connection.
	ConnectionValidationFailed = auth.ConnectionValidationFailed
	// ResourceCapped: the Nango plan's limit on connections is reached.
	ResourceCapped = auth.ResourceCapped
	// UnknownError: anything else, including a bug in this package (its panics are recovered
	// and reported as this type).
	UnknownError = auth.UnknownError
)

// CallbackErr is the type Nango's server reports for a failed OAuth callback; a refused
// consent is reported as AccessDenied instead. Other server types (url_param_err,
// unknown_connect_session_token, integration_not_allowed, ...) reach Type unchanged.
const CallbackErr = auth.CallbackErr

// The types nango-wasm adds (docs/wire.md §4).
const (
	// AccessDenied: the user refused consent at the provider.
	AccessDenied = auth.AccessDenied
	// Timeout: no result within AuthOptions.Timeout (default DefaultTimeout).
	Timeout = auth.Timeout
	// Aborted: Wait's context ended, or Clear was called, during the flow.
	Aborted = auth.Aborted
	// Superseded: a newer Auth or Reconnect on the same Client started before this one settled.
	Superseded = auth.Superseded
	// InvalidOptions: an option has a value Nango cannot use (a negative popup size, an unknown
	// Transport, ...), reported before any popup opens.
	InvalidOptions = auth.InvalidOptions
	// WasmUnavailable is nango.js's, when nango.wasm cannot run; a Go program never sees it.
	WasmUnavailable = auth.WasmUnavailable
	// WebSocketFailed: with TransportWebSocket, the socket failed and could not be resumed.
	WebSocketFailed = auth.WebSocketFailed
	// NetworkError: a request to the Nango server got no answer (offline, DNS, CORS).
	NetworkError = auth.NetworkError
	// InvalidResponse: the Nango server answered something that is not its JSON.
	InvalidResponse = auth.InvalidResponse
	// UnverifiedResult: the popup reported a success that nothing binds to this call (it
	// echoed no nonce of this call, and no WebSocket delivered the result); with
	// TransportPostMessage against Nango's own callback page, every success ends so.
	UnverifiedResult = auth.UnverifiedResult
)

// Sentinels for the outcomes an app handles, for errors.Is: errors.Is(err, ErrAccessDenied)
// holds for every *AuthError of type AccessDenied.
var (
	ErrAccessDenied     = &AuthError{Type: AccessDenied, Message: "the user denied access"}
	ErrBlockedByBrowser = &AuthError{Type: BlockedByBrowser, Message: "the browser blocked the popup"}
	ErrWindowClosed     = &AuthError{Type: WindowClosed, Message: "the popup was closed"}
	ErrTimeout          = &AuthError{Type: Timeout, Message: "no result in time"}
	ErrAborted          = &AuthError{Type: Aborted, Message: "aborted"}
	ErrSuperseded       = &AuthError{Type: Superseded, Message: "a newer call took over"}
)
