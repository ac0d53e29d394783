package api

import (
	"net/http"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// callbackMessage is what the callback page posts to its opener (docs/wire.md §1).
type callbackMessage struct {
	Type    string `json:"type"`
	Payload any    `json:"payload"`
}

type successPayload struct {
	ProviderConfigKey string `json:"providerConfigKey"`
	ConnectionID      string `json:"connectionId"`
	IsPending         bool   `json:"isPending"`
	Nonce             string `json:"nonce,omitempty"`
}

type errorPayload struct {
	ErrorType         string            `json:"errorType"`
	Message           string            `json:"message"`
	ProviderConfigKey string            `json:"providerConfigKey,omitempty"`
	ConnectionID      string            `json:"connectionId,omitempty"`
	ProviderError     map[string]string `json:"providerError,omitempty"`
	Nonce             string            `json:"nonce,omitempty"`
}

func errorMessage(e *web.Error, ref flowRef) callbackMessage {
	return callbackMessage{Type: "nango_oauth_callback_error", Payload: errorPayload{
		ErrorType: e.Code, Message: e.Message, ProviderConfigKey: ref.ProviderConfigKey,
		ConnectionID: ref.ConnectionID, ProviderError: e.ProviderError, Nonce: ref.Nonce,
	}}
}

// callbackView is the callback page, and the error page of /oauth/connect.
type callbackView struct {
	Error   *web.Error // nil on success
	Message callbackMessage
	// TargetOrigin is the opener's origin, the only one the page posts to; "" posts nothing
	// (never '*': whatever page sits in the opener would read the result).
	TargetOrigin string
}

// LegacyError is Nango's window.__nangoOAuthError: null on success.
func (v callbackView) LegacyError() any {
	if v.Error == nil {
		return nil
	}
	return map[string]string{"message": v.Error.Message, "errorType": v.Error.Code}
}

// renderCallback writes the callback page (or the error page of /oauth/connect).
func (a *API) renderCallback(w http.ResponseWriter, status int, view callbackView) {
	web.RenderHTML(w, status, true, func(h *web.HTML) error { return writeCallbackPage(h, view) })
}
