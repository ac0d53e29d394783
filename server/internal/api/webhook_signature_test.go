package api

import (
	"net/http"
	"testing"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/webtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Both signatures pass Nango's own Node verifiers (@nangohq/node's verifyWebhookSignature,
// which hashes the key and JSON.stringify of the parsed body, and verifyIncomingWebhookRequest,
// an HMAC of the raw body), whatever the strings hold: U+2028 and U+2029, which
// encoding/json escapes and JSON.stringify does not, control characters, HTML characters,
// text that looks like an escape, astral characters.
func TestWebhookSignaturesPassNangosNodeVerifiers(t *testing.T) {
	t.Parallel()
	tricky := "a\u2028b\u2029c \\u2028 \\\\u2029 \"q\" <&> \x01\x08\x0c\x1f\x7f é 😀 \ufeff"
	conn := &store.Connection{ConnectionID: "conn\u20281", ProviderConfigKey: "github", Provider: "github",
		Tags:    map[string]string{"note": tricky, "line\u2029key": "v"},
		EndUser: &store.EndUser{ID: "user\u2028", Email: new(string)}}
	body, err := catalog.StableJSON(authWebhookBody("dev", operationCreation, "OAUTH2", conn, true, nil))
	require.NoError(t, err)
	h := http.Header{}
	const key = "6f1d4c3b-2a19-4e8f-9d7c-5b4a39281706"
	signWebhook(h, key, body)

	var got map[string]any
	webtest.RunNode(t, `const crypto = require('crypto');
const {key, body, signature, hmac} = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const payload = JSON.parse(body); // what Express's json() hands the app
const legacy = crypto.createHash('sha256').update(key + JSON.stringify(payload)).digest('hex') === signature;
const incoming = crypto.createHmac('sha256', key).update(body).digest('hex') === hmac;
process.stdout.write(JSON.stringify({legacy, incoming, note: payload.tags.note}));`,
		map[string]string{"key": key, "body": string(body), "signature": h.Get("X-Nango-Signature"), "hmac": h.Get("X-Nango-Hmac-Sha256")}, &got)
	assert.Equal(t, true, got["legacy"], "X-Nango-Signature passes verifyWebhookSignature: %s", body)
	assert.Equal(t, true, got["incoming"], "X-Nango-Hmac-Sha256 passes verifyIncomingWebhookRequest")
	assert.Equal(t, tricky, got["note"], "the text arrives unchanged")
}
