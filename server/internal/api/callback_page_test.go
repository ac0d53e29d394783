package api

import (
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/web"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/require"
)

// The callback page written in Go is, byte for byte, what html/template made of the page's
// template (testdata/callback.html) for success and error pages carrying hostile values in
// every field the page reflects.
func TestCallbackPageMatchesItsTemplate(t *testing.T) {
	for _, v := range webtest.HostileStrings() {
		ref := flowRef{ProviderConfigKey: v, ConnectionID: v + "-id", Nonce: v}
		views := []callbackView{
			{Message: callbackMessage{Type: "nango_oauth_callback_success", Payload: successPayload{ProviderConfigKey: v, ConnectionID: v, Nonce: v}}, TargetOrigin: v},
			{Message: callbackMessage{Type: "nango_oauth_callback_success", Payload: successPayload{ProviderConfigKey: v, IsPending: true}}},
		}
		for _, e := range []*web.Error{
			{Code: v, Message: v},
			{Code: "access_denied", Message: "The user denied: " + v, ProviderError: map[string]string{"error": v, "error_description": v}},
		} {
			views = append(views, callbackView{Error: e, Message: errorMessage(e, ref), TargetOrigin: v})
		}
		for _, view := range views {
			h := &web.HTML{Nonce: "0123abcd" + v}
			require.NoError(t, writeCallbackPage(h, view))
			want := webtest.ExecuteTemplate(t, "testdata/callback.html", struct {
				Nonce string
				View  any
			}{h.Nonce, view})
			require.Equal(t, want, h.String(), "%q", v)
		}
	}
}
