package auth

import "strings"

// Result is what a successful auth() resolves with: {providerConfigKey, connectionId, isPending}.
type Result struct {
	ProviderConfigKey string
	ConnectionID      string
	IsPending         bool
}

// Outcome is a decoded result message: exactly one of Result and Err is set.
type Outcome struct {
	Result *Result
	Err    *AuthError
	// Partial marks a success that carried no ids: Nango's own callback page posts
	// nango_oauth_callback_success without a payload and leaves the ids to the WebSocket.
	Partial bool
	// ProviderConfigKey is the integration the message names, on a success or an error; "" when
	// it names none.
	ProviderConfigKey string
	// Nonce is the per-call value the message echoes (NonceParam); "" when it echoes none, as
	// Nango's own messages do.
	Nonce string
}

// Message types of the callback page (Nango's, and the ack the opener sends back).
const (
	MsgCallbackSuccess = "nango_oauth_callback_success"
	MsgCallbackError   = "nango_oauth_callback_error"
	MsgCallbackAck     = "nango_oauth_callback_ack"
	legacySucceeded    = "AUTHORIZATION_SUCEEDED" // sic: Nango's spelling until 2023
	legacyFailed       = "AUTHORIZATION_FAILED"
)

// DecodeCallbackMessage understands what a callback page posts to its opener: Nango's current
// nango_oauth_callback_success / _error (with the payload the nango-wasm dev server adds, or
// without it as Nango sends it) and the legacy AUTHORIZATION_SUCEEDED / AUTHORIZATION_FAILED
// shapes. It reports false for anything else.
func DecodeCallbackMessage(data any) (Outcome, bool) {
	msg, ok := data.(*Object)
	if !ok {
		return Outcome{}, false
	}
	if typ, ok := msg.String("type"); ok {
		payload, _ := msg.Object("payload")
		switch typ {
		case MsgCallbackSuccess:
			r, complete := resultFrom(payload, "providerConfigKey", "connectionId", "isPending")
			return payloadOutcome(Outcome{Result: &r, Partial: !complete}, payload), true
		case MsgCallbackError:
			errType, _ := payload.String("errorType")
			message, _ := payload.String("message")
			providerErr, _ := payload.Object("providerError")
			return payloadOutcome(Outcome{Err: ServerError(errType, message, providerErr)}, payload), true
		}
		return Outcome{}, false
	}
	event, _ := msg.String("eventType")
	body, _ := msg.Object("data")
	switch event {
	case legacySucceeded:
		r, complete := resultFrom(body, "providerConfigKey", "connectionId", "")
		return Outcome{Result: &r, Partial: !complete, ProviderConfigKey: r.ProviderConfigKey}, true
	case legacyFailed:
		errObj, wrapped := body.Object("error")
		if !wrapped {
			errObj = body // the SDK-side "authorization_cancelled" shape has no error wrapper
		}
		errType, _ := errObj.String("type")
		message, _ := errObj.String("message")
		return Outcome{Err: ServerError(errType, message, nil)}, true
	}
	return Outcome{}, false
}

// Socket message types of Nango's WebSocket channel.
const (
	SocketAck     = "connection_ack"
	SocketSuccess = "success"
	SocketError   = "error"
)

// SocketMessage is a decoded frame of Nango's WebSocket channel.
type SocketMessage struct {
	// ClientID is set on connection_ack.
	ClientID string
	Outcome  *Outcome
}

// DecodeSocketMessage understands Nango's WebSocket frames; unknown message types report false,
// as the anchor ignores them.
func DecodeSocketMessage(data any) (SocketMessage, bool) {
	msg, ok := data.(*Object)
	if !ok {
		return SocketMessage{}, false
	}
	typ, _ := msg.String("message_type")
	switch typ {
	case SocketAck:
		id, ok := msg.String("ws_client_id")
		return SocketMessage{ClientID: id}, ok && id != ""
	case SocketSuccess:
		r, complete := resultFrom(msg, "provider_config_key", "connection_id", "is_pending")
		return SocketMessage{Outcome: socketOutcome(Outcome{Result: &r, Partial: !complete}, msg)}, true
	case SocketError:
		errType, _ := msg.String("error_type")
		desc, _ := msg.String("error_desc")
		return SocketMessage{Outcome: socketOutcome(Outcome{Err: ServerError(errType, desc, nil)}, msg)}, true
	}
	return SocketMessage{}, false
}

// payloadOutcome adds what binds a callback page's message to a flow: the integration it names
// and the nonce it echoes.
func payloadOutcome(out Outcome, payload *Object) Outcome {
	out.ProviderConfigKey, _ = payload.String("providerConfigKey")
	out.Nonce, _ = payload.String("nonce")
	return out
}

// socketOutcome is payloadOutcome for a WebSocket frame's snake_case keys.
func socketOutcome(out Outcome, frame *Object) *Outcome {
	out.ProviderConfigKey, _ = frame.String("provider_config_key")
	out.Nonce, _ = frame.String("nonce")
	return &out
}

func resultFrom(o *Object, keyField, idField, pendingField string) (Result, bool) {
	key, _ := o.String(keyField)
	id, _ := o.String(idField)
	r := Result{ProviderConfigKey: key, ConnectionID: id}
	if pendingField != "" {
		p, _ := o.Get(pendingField)
		r.IsPending = p == true
	}
	return r, key != "" && id != ""
}

// ServerError turns a server-reported failure into an AuthError, keeping the server's type and
// message unchanged except for one case: a user who refused consent. Nango reports that as
// callback_err with the provider's error inside the message; apps need to tell "the user said no"
// from "the integration is broken", so it becomes access_denied.
func ServerError(errType, message string, providerError *Object) *AuthError {
	if errType == "" {
		errType = string(UnknownError)
	}
	if isAccessDenied(message, providerError) {
		return NewError(AccessDenied, message)
	}
	return NewError(ErrorType(errType), message)
}

func isAccessDenied(message string, providerError *Object) bool {
	if code, _ := providerError.String("error"); code == "access_denied" {
		return true
	}
	// Nango's WebSocket text: "... Provider error: error: access_denied; error_description: ...";
	// Nango's callback page: the JSON of the provider's error keys.
	return strings.Contains(message, "error: access_denied") ||
		strings.Contains(message, `"error":"access_denied"`)
}
