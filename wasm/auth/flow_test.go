package auth

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const host = "http://127.0.0.1:3003"

// nonce is the per-call value of the flows newFlow makes.
const nonce = "n0nce-of-this-call"

// success is the dev server's success message for this call: with ids and the call's nonce.
func success(key, id string) any {
	return successWithNonce(key, id, nonce)
}

func successWithNonce(key, id, nonce string) any {
	return obj("type", MsgCallbackSuccess, "payload", obj("providerConfigKey", key, "connectionId", id, "isPending", false, "nonce", nonce))
}

func fromPopup(data any) PostMessage { return PostMessage{Origin: host, FromPopup: true, Data: data} }

func newFlow(t Transport, detectClosed bool) *Flow {
	return NewFlow(FlowConfig{HostOrigin: host, ProviderConfigKey: "zendesk", Transport: t, DetectClosed: detectClosed, TimeoutMS: 1000, Nonce: nonce})
}

func TestFlowPostMessageSuccess(t *testing.T) {
	t.Parallel()
	f := newFlow(TransportPostMessage, false)
	s := f.Handle(Started{})
	assert.True(t, s.Navigate)
	assert.Empty(t, s.ClientID)

	s = f.Handle(fromPopup(success("zendesk", "c-1")))
	require.True(t, s.Settled)
	assert.True(t, s.Ack)
	assert.Equal(t, Result{ProviderConfigKey: "zendesk", ConnectionID: "c-1"}, s.Result)
	assert.True(t, f.Done())
	assert.Equal(t, Step{}, f.Handle(fromPopup(success("zendesk", "c-2"))), "a second result is dropped")
	assert.Equal(t, Step{}, f.Handle(TimedOut{}), "a late timer is dropped")
}

func TestFlowIgnoresUntrustedMessages(t *testing.T) {
	t.Parallel()
	f := newFlow(TransportPostMessage, false)
	f.Handle(Started{})
	for _, ev := range []PostMessage{
		{Origin: "http://127.0.0.1:3000", FromPopup: true, Data: success("zendesk", "forged")},
		{Origin: host, FromPopup: false, Data: success("zendesk", "forged")},
		{Origin: "null", FromPopup: true, Data: success("zendesk", "forged")},
	} {
		s := f.Handle(ev)
		assert.False(t, s.Settled)
		assert.False(t, s.Ack)
		assert.NotEmpty(t, s.Log, "a refusal is explained in the debug log")
	}
	s := f.Handle(fromPopup(obj("type", "something-else")))
	assert.False(t, s.Settled)
	s = f.Handle(fromPopup(success("zendesk", "real")))
	require.True(t, s.Settled)
	assert.Equal(t, "real", s.Result.ConnectionID)
}

func TestFlowErrorFromCallbackPage(t *testing.T) {
	t.Parallel()
	f := newFlow(TransportPostMessage, false)
	f.Handle(Started{})
	s := f.Handle(fromPopup(obj("type", MsgCallbackError, "payload", obj("errorType", "unknown_connect_session_token", "message", "bad token"))))
	require.True(t, s.Settled)
	require.NotNil(t, s.Err)
	assert.Equal(t, ErrorType("unknown_connect_session_token"), s.Err.Type)
	assert.Equal(t, "bad token", s.Err.Message)
}

func TestFlowWindowClosed(t *testing.T) {
	t.Parallel()
	t.Run("ignored without detectClosedAuthWindow while a socket is live", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportAuto, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws"})
		assert.Equal(t, Step{}, f.Handle(PopupClosed{}))
		assert.Equal(t, Step{}, f.Handle(GraceOver{}))
		assert.False(t, f.Done())
	})
	t.Run("without a socket a closed popup can deliver nothing", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportPostMessage, false)
		f.Handle(Started{})
		assert.Equal(t, ClosedGraceMS, f.Handle(PopupClosed{}).StartGraceMS)
		s := f.Handle(GraceOver{})
		require.True(t, s.Settled)
		assert.Equal(t, WindowClosed, s.Err.Type)
		assert.Contains(t, s.Err.Message, "Cross-Origin-Opener-Policy")
	})
	t.Run("a socket that comes back during the grace keeps the flow alive", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportAuto, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws"})
		f.Handle(SocketDown{Reason: "closed"})
		assert.Positive(t, f.Handle(PopupClosed{}).StartGraceMS)
		f.Handle(SocketReady{ClientID: "ws"})
		assert.False(t, f.Handle(GraceOver{}).Settled)
		s := f.Handle(SocketFrame{Data: obj("message_type", "success", "provider_config_key", "zendesk", "connection_id", "c")})
		assert.True(t, s.Settled)
	})
	t.Run("rejects after the grace period", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportPostMessage, true)
		f.Handle(Started{})
		s := f.Handle(PopupClosed{})
		assert.Equal(t, ClosedGraceMS, s.StartGraceMS)
		assert.Equal(t, 0, f.Handle(PopupClosed{}).StartGraceMS, "later polls do not restart the grace")
		s = f.Handle(GraceOver{})
		require.True(t, s.Settled)
		assert.Equal(t, WindowClosed, s.Err.Type)
		assert.Equal(t, "The authorization window was closed before the authorization flow was completed", s.Err.Message)
	})
	t.Run("a result inside the grace period wins", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportPostMessage, true)
		f.Handle(Started{})
		f.Handle(PopupClosed{})
		s := f.Handle(fromPopup(success("zendesk", "just-in-time")))
		require.True(t, s.Settled)
		assert.Equal(t, "just-in-time", s.Result.ConnectionID)
		assert.Equal(t, Step{}, f.Handle(GraceOver{}))
	})
	t.Run("a live socket gets a longer grace", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportAuto, true)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws-1"})
		assert.Equal(t, ClosedGraceSocketMS, f.Handle(PopupClosed{}).StartGraceMS)
		s := f.Handle(SocketFrame{Data: obj("message_type", "success", "provider_config_key", "zendesk", "connection_id", "via-socket")})
		require.True(t, s.Settled)
		assert.Equal(t, "via-socket", s.Result.ConnectionID)
	})
}

func TestFlowSettlesOnEveryTerminalEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		ev      Event
		want    ErrorType
		message string
	}{
		{"timeout", TimedOut{}, Timeout, "The authorization did not complete within 1000 ms (the timeout option of auth())"},
		{"abort with a reason", AbortSignaled{Reason: "user navigated away"}, Aborted, "The authorization was aborted: user navigated away"},
		{"abort without a reason", AbortSignaled{}, Aborted, "The authorization was aborted"},
		{"newer call", Replaced{}, Superseded, "A newer auth() call on this Nango instance replaced this one before it completed"},
		{"clear()", Cleared{}, Aborted, "nango.clear() was called before the authorization completed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFlow(TransportPostMessage, false)
			f.Handle(Started{})
			s := f.Handle(tc.ev)
			require.True(t, s.Settled)
			assert.Equal(t, tc.want, s.Err.Type)
			assert.Equal(t, tc.message, s.Err.Message)
		})
	}
}

func TestFlowSocketTransports(t *testing.T) {
	t.Parallel()
	t.Run("auto navigates with the ws client id", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportAuto, false)
		assert.False(t, f.Handle(Started{}).Navigate, "waits for the ack")
		s := f.Handle(SocketReady{ClientID: "ws-1"})
		assert.True(t, s.Navigate)
		assert.Equal(t, "ws-1", s.ClientID)
	})
	t.Run("auto falls back to postMessage when the socket is down", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportAuto, false)
		f.Handle(Started{})
		s := f.Handle(SocketDown{Reason: "no connection_ack within 1500 ms"})
		assert.True(t, s.Navigate)
		assert.Empty(t, s.ClientID)
		s = f.Handle(fromPopup(success("zendesk", "c")))
		assert.True(t, s.Settled)
	})
	t.Run("websocket-only fails clearly when the socket is down", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportWebSocket, false)
		f.Handle(Started{})
		s := f.Handle(SocketDown{Reason: "refused"})
		require.True(t, s.Settled)
		assert.Contains(t, s.Err.Message, "refused")
	})
	t.Run("websocket-only ignores postMessage", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportWebSocket, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws"})
		assert.False(t, f.Handle(fromPopup(success("zendesk", "c"))).Settled)
	})
	t.Run("Nango's payload-less success waits for the socket's result", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportAuto, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws"})
		s := f.Handle(fromPopup(obj("type", MsgCallbackSuccess)))
		assert.False(t, s.Settled)
		assert.Equal(t, ClosedGraceSocketMS, s.StartGraceMS)
		s = f.Handle(SocketFrame{Data: obj("message_type", "success", "provider_config_key", "zendesk", "connection_id", "from-ws")})
		require.True(t, s.Settled)
		assert.Equal(t, "from-ws", s.Result.ConnectionID)
	})
	t.Run("Nango's payload-less success never settles as a success on its own", func(t *testing.T) {
		t.Parallel()
		f := NewFlow(FlowConfig{HostOrigin: host, ProviderConfigKey: "zendesk", ConnectionID: "given", Transport: TransportAuto, Nonce: nonce})
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws"})
		f.Handle(fromPopup(obj("type", MsgCallbackSuccess)))
		assert.Equal(t, Step{}, f.Handle(PopupClosed{}), "the popup closing itself changes nothing")
		s := f.Handle(GraceOver{})
		require.True(t, s.Settled)
		require.NotNil(t, s.Err)
		assert.Equal(t, UnverifiedResult, s.Err.Type)
	})
	t.Run("a generic postMessage error yields to the socket's precise one", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportAuto, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws"})
		s := f.Handle(fromPopup(obj("type", MsgCallbackError, "payload", obj("errorType", "connection_validation_failed", "message", "x"))))
		assert.False(t, s.Settled)
		s = f.Handle(SocketFrame{Data: obj("message_type", "error", "error_type", "token_err", "error_desc", "Error storing/retrieving the token.")})
		require.True(t, s.Settled)
		assert.Equal(t, ErrorType("token_err"), s.Err.Type)
	})
}

func TestFlowResumesALostSocket(t *testing.T) {
	t.Parallel()
	t.Run("resumes with the same id", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportWebSocket, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws-1"})
		s := f.Handle(SocketDown{Reason: "closed"})
		assert.Equal(t, 500, s.ResumeAfterMS)
		assert.Equal(t, "ws-1", s.ClientID)
		s = f.Handle(SocketDown{Reason: "refused"})
		assert.Equal(t, 1000, s.ResumeAfterMS, "backs off")
		s = f.Handle(SocketReady{ClientID: "ws-1"})
		assert.False(t, s.Settled)
		assert.False(t, s.Navigate, "the popup is not navigated again")
		s = f.Handle(SocketFrame{Data: obj("message_type", "success", "provider_config_key", "zendesk", "connection_id", "kept")})
		require.True(t, s.Settled)
		assert.Equal(t, "kept", s.Result.ConnectionID)
	})
	t.Run("websocket-only fails when the server hands out a new id", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportWebSocket, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws-1"})
		f.Handle(SocketDown{Reason: "closed"})
		s := f.Handle(SocketReady{ClientID: "ws-2"})
		assert.True(t, s.CloseSocket)
		require.True(t, s.Settled)
		assert.Equal(t, WebSocketFailed, s.Err.Type)
	})
	t.Run("websocket-only fails after the retries", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportWebSocket, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws-1"})
		for i := 0; i < SocketRetries; i++ {
			assert.Positive(t, f.Handle(SocketDown{Reason: "refused"}).ResumeAfterMS)
		}
		s := f.Handle(SocketDown{Reason: "refused"})
		require.True(t, s.Settled)
		assert.Equal(t, WebSocketFailed, s.Err.Type)
	})
	t.Run("auto goes on with postMessage when resuming fails", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportAuto, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws-1"})
		f.Handle(SocketDown{Reason: "closed"})
		s := f.Handle(SocketReady{ClientID: "other"})
		assert.False(t, s.Settled)
		assert.True(t, s.CloseSocket)
		s = f.Handle(fromPopup(success("zendesk", "by-post")))
		require.True(t, s.Settled)
		assert.Equal(t, "by-post", s.Result.ConnectionID)
	})
	t.Run("an unbound success fails once the socket is lost for good", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportAuto, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws-1"})
		f.Handle(SocketDown{Reason: "closed"})
		s := f.Handle(fromPopup(obj("type", MsgCallbackSuccess)))
		assert.False(t, s.Settled, "the resume may still bring the bound result")
		s = f.Handle(SocketReady{ClientID: "other"})
		require.True(t, s.Settled)
		assert.Equal(t, UnverifiedResult, s.Err.Type)
	})
	t.Run("websocket-only fails at once when the socket never opens", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportWebSocket, false)
		f.Handle(Started{})
		s := f.Handle(SocketDown{Reason: "refused"})
		require.True(t, s.Settled)
		assert.Equal(t, WebSocketFailed, s.Err.Type)
	})
}

// A page inside the popup can navigate it to another flow on the Nango host, whose callback page
// then posts from the host's origin and from the popup: only the call's nonce and the integration
// it asked for tell this call's result from another flow's.
func TestFlowBindsResultsToTheCall(t *testing.T) {
	t.Parallel()
	t.Run("results of other flows are ignored", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportPostMessage, false)
		f.Handle(Started{})
		for name, data := range map[string]any{
			"another nonce":       successWithNonce("zendesk", "attacker", "n0nce-of-another-call"),
			"another integration": success("github", "attacker"),
			"another flow's error": obj("type", MsgCallbackError, "payload",
				obj("errorType", "callback_err", "message", "x", "nonce", "n0nce-of-another-call")),
		} {
			s := f.Handle(fromPopup(data))
			assert.False(t, s.Settled, name)
			assert.False(t, s.Ack, "%s: a foreign result is not acknowledged", name)
			assert.Contains(t, s.Log, "ignored a result", name)
		}
		s := f.Handle(fromPopup(success("zendesk", "mine")))
		require.True(t, s.Settled)
		assert.Equal(t, "mine", s.Result.ConnectionID)
	})
	t.Run("a success without the nonce cannot resolve the call", func(t *testing.T) {
		t.Parallel()
		for name, data := range map[string]any{
			"Nango's page":  obj("type", MsgCallbackSuccess),
			"ids, no nonce": obj("type", MsgCallbackSuccess, "payload", obj("providerConfigKey", "zendesk", "connectionId", "attacker")),
			"legacy shape":  obj("eventType", "AUTHORIZATION_SUCEEDED", "data", obj("providerConfigKey", "zendesk", "connectionId", "attacker")),
		} {
			f := newFlow(TransportPostMessage, false)
			f.Handle(Started{})
			s := f.Handle(fromPopup(data))
			require.True(t, s.Settled, name)
			require.NotNil(t, s.Err, name)
			assert.Equal(t, UnverifiedResult, s.Err.Type, name)
		}
	})
	t.Run("a failure without the nonce still fails the call", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportPostMessage, false)
		f.Handle(Started{})
		s := f.Handle(fromPopup(obj("type", MsgCallbackError, "payload", obj("errorType", "state_err", "message", "No state found"))))
		require.True(t, s.Settled)
		assert.Equal(t, ErrorType("state_err"), s.Err.Type)
	})
	t.Run("socket frames of another flow are ignored", func(t *testing.T) {
		t.Parallel()
		f := newFlow(TransportWebSocket, false)
		f.Handle(Started{})
		f.Handle(SocketReady{ClientID: "ws"})
		for _, frame := range []any{
			obj("message_type", "success", "provider_config_key", "github", "connection_id", "attacker"),
			obj("message_type", "success", "provider_config_key", "zendesk", "connection_id", "attacker", "nonce", "n0nce-of-another-call"),
			obj("message_type", "error", "provider_config_key", "github", "error_type", "callback_err", "error_desc", "x"),
		} {
			s := f.Handle(SocketFrame{Data: frame})
			assert.False(t, s.Settled)
			assert.Contains(t, s.Log, "ignored a result")
		}
		s := f.Handle(SocketFrame{Data: obj("message_type", "success", "provider_config_key", "zendesk", "connection_id", "mine")})
		require.True(t, s.Settled)
		assert.Equal(t, "mine", s.Result.ConnectionID, "Nango's frames echo no nonce: the socket's client id binds them")
	})
}
