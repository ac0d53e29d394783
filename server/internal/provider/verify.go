package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// rejectedPrefix is the mock provider's one credential rule: a credential whose value starts
// with it (in any letter case) is refused, as a real API refuses a wrong key. Everything else
// is accepted. It makes connection_test_failed (and its siblings) reachable from a test or by
// hand: apiKey "invalid-key" fails, "sk-123" passes.
const rejectedPrefix = "invalid"

// mockTokenTTL is the lifetime of the tokens the mock provider issues.
const mockTokenTTL = 3600

// rejectedCredential names the first credential field that breaks the rule, in sorted path
// order; "" when all pass. Nested objects (a JWT's privateKey {id, secret}) are searched too.
func rejectedCredential(v any, path string) string {
	switch t := v.(type) {
	case string:
		if strings.HasPrefix(strings.ToLower(t), rejectedPrefix) {
			return path
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			if bad := rejectedCredential(t[k], strings.TrimPrefix(path+"."+k, ".")); bad != "" {
				return bad
			}
		}
	case []any:
		for i, item := range t {
			if bad := rejectedCredential(item, fmt.Sprintf("%s[%d]", path, i)); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// verify is POST /api/verify/{provider}: the provider's API, called by the API host to test
// credentials before it stores a connection (Nango's proxy.verification). The body is
// {"credentials": {...}, "connection_config": {...}}; a refusal is 401 with the provider's own
// error body, an acceptance 200 with a token the API host may keep (two-step, Bill, AWS).
func (m *Provider) verify(w http.ResponseWriter, r *http.Request) {
	provider := r.PathValue("provider")
	if !m.knowsProvider(provider) {
		oauthError(w, http.StatusNotFound, "not_found", "Unknown provider.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var body struct {
		Credentials map[string]any `json:"credentials"`
	}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The body must be a JSON object with credentials.")
		return
	}
	if bad := rejectedCredential(body.Credentials, ""); bad != "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="nango-dev mock provider", error="invalid_token"`)
		oauthError(w, http.StatusUnauthorized, "invalid_credentials", fmt.Sprintf("The %s credential was rejected.", bad))
		return
	}
	writeProviderJSON(w, http.StatusOK, map[string]any{"ok": true, "token": "mock_token_" + web.RandomHex(20), "expires_in": mockTokenTTL})
}

// clientCredentials is the token endpoint's client_credentials grant (OAUTH2_CC): any client
// is known, the credential rule decides, and the URL must be the token URL of a provider.
func (m *Provider) clientCredentials(w http.ResponseWriter, r *http.Request) {
	id, secret, basic := clientAuth(r)
	if id == "" || secret == "" || rejectedCredential(map[string]any{"client_id": id, "client_secret": secret}, "") != "" {
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="nango-dev mock provider"`)
		}
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.")
		return
	}
	called, err := catalog.RealURLFromMockPath(r.URL.EscapedPath(), "/oauth/token/")
	if err != nil || !m.isTokenURL(called.String()) {
		oauthError(w, http.StatusBadRequest, "invalid_request", "This is not the token URL of any provider.")
		return
	}
	resp := map[string]any{"access_token": "mock_cc_" + web.RandomHex(20), "token_type": "bearer", "expires_in": mockTokenTTL}
	if scope := r.PostForm.Get("scope"); scope != "" {
		resp["scope"] = scope
	}
	writeProviderJSON(w, http.StatusOK, resp)
}

func (m *Provider) knowsProvider(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.clients {
		if c.Provider == name {
			return true
		}
	}
	return false
}

func (m *Provider) isTokenURL(u string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.clients {
		if _, ok := c.token.Match(u); ok {
			return true
		}
	}
	return false
}

func writeProviderJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
