package api

import (
	"net/http"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
)

// What is validated is what is stored: a key spelled in another letter case, or with U+017F
// (ſ, which encoding/json folds to s), is not the key validation checked, and never fills the
// field, so a `javascript:` URL never reaches the Connect UI's docs link. Session and reconnect
// bodies alike.
func TestSessionKeysMatchExactly(t *testing.T) {
	t.Parallel()
	h := startAPI(t)
	conn := connectUnauthenticated(t, h, webtest.DemoEndUser)
	for _, key := range []string{"DOCS_CONNECT", "Docs_Connect", "doc\u017f_connect", "docs_connect\u017f"} {
		overrides := `"overrides":{"unauthenticated":{"` + key + `":"javascript:alert(document.domain)"}}`
		tokens := map[string]string{
			"session": webtest.CreateSession(t, h, `{"end_user":{"id":"u"},`+overrides+`}`),
		}
		reconnect := webtest.PostReconnect(t, h, "Bearer "+h.SecretKey(), "", `{"connection_id":"`+conn+`","integration_id":"unauthenticated",`+overrides+`}`)
		if assert.Equal(t, http.StatusCreated, reconnect.Status, reconnect.Body) {
			tokens["reconnect"] = reconnect.JSON(t)["data"].(map[string]any)["token"].(string)
		}
		for kind, token := range tokens {
			got := webtest.Get(t, http.DefaultClient, h.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
			assert.Equal(t, http.StatusOK, got.Status, got.Body)
			assert.NotContains(t, got.Body, "javascript:", "%s, key %q: %s", kind, key, got.Body)
		}
	}
	token := webtest.CreateSession(t, h, `{"end_user":{"id":"u"},"overrides":{"unauthenticated":{"docs_connect":"https://docs.example.com/connect"}}}`)
	got := webtest.Get(t, http.DefaultClient, h.APIURL()+"/connect/session", map[string]string{"Authorization": "Bearer " + token})
	assert.Contains(t, got.Body, `"docs_connect":"https://docs.example.com/connect"`, "the exact key still works")
}
