package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// Integration is a configured use of a provider (Nango's "provider config"): backed by the
// mock provider with a dev client, or by real OAuth endpoints (IntegrationConfig.Endpoints).
type Integration struct {
	UniqueKey    string
	Provider     *catalog.Provider
	ClientID     string
	ClientSecret string
	Scopes       string // comma-separated, as Nango stores oauth_scopes
	CreatedAt    time.Time
	// Real sends the popup to AuthorizationURL itself and redeems codes at TokenURL itself,
	// instead of at their mock twins on the mock provider.
	Real bool
	// AuthorizationURL and TokenURL are the templates used (the provider's unless configured).
	AuthorizationURL, TokenURL string
	Faults                     catalog.FaultSet // configured for this integration, server-wide ones included
}

// Integrations are the environment's integrations, by unique key.
type Integrations struct {
	byKey map[string]*Integration
	List  []*Integration // sorted by unique key
}

// MockIntegration is an integration of a catalog provider backed by the mock provider, under
// key (the provider's name for the default one), seeded with the provider's default scopes as
// Nango seeds a new integration. Its client secret is derived from the store's seed, so a
// persisted OAuth state still redeems after a restart; only the API host and the mock provider
// ever see it.
func MockIntegration(key string, p *catalog.Provider, seed string, now time.Time) *Integration {
	return &Integration{
		UniqueKey:        key,
		Provider:         p,
		ClientID:         "nango-dev-" + key,
		ClientSecret:     devClientSecret(seed, key),
		Scopes:           strings.Join(p.DefaultScopes, ","),
		CreatedAt:        now.UTC(),
		AuthorizationURL: p.AuthorizationURL,
		TokenURL:         p.TokenURL,
	}
}

// NewIntegrations is an environment without integrations.
func NewIntegrations() *Integrations {
	return &Integrations{byKey: map[string]*Integration{}}
}

// Add adds an integration in key order, or replaces the one of the same key.
func (ins *Integrations) Add(in *Integration) {
	i, found := slices.BinarySearchFunc(ins.List, in.UniqueKey, func(have *Integration, key string) int {
		return strings.Compare(have.UniqueKey, key)
	})
	if found {
		ins.List[i] = in
	} else {
		ins.List = slices.Insert(ins.List, i, in)
	}
	ins.byKey[in.UniqueKey] = in
}

func (ins *Integrations) get(key string) (*Integration, bool) {
	in, ok := ins.byKey[key]
	return in, ok
}

// listIntegrations is GET /integrations, the Connect UI's list (filtered for a session).
func (a *API) listIntegrations(w http.ResponseWriter, r *http.Request) {
	sess, ok := a.requireSessionOrSecret(w, r)
	if !ok {
		return
	}
	data := []map[string]any{}
	for _, in := range a.integrations.List {
		if !sess.Allows(in.UniqueKey) {
			continue
		}
		data = append(data, map[string]any{
			"unique_key":       in.UniqueKey,
			"provider":         in.Provider.Name,
			"display_name":     in.Provider.DisplayName,
			"logo":             a.logoURL(in.Provider.Name),
			"forward_webhooks": true,
			"created_at":       in.CreatedAt.Format(time.RFC3339Nano),
			"updated_at":       in.CreatedAt.Format(time.RFC3339Nano),
		})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"data": data})
}

// getProvider is GET /providers/{provider}: the whole catalog entry, as the Connect UI builds
// its form from it.
func (a *API) getProvider(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.requireSessionOrSecret(w, r); !ok {
		return
	}
	p, ok := a.catalog.Get(r.PathValue("provider"))
	if !ok {
		web.WriteError(w, web.NewError(http.StatusNotFound, "not_found", "Unknown provider "+r.PathValue("provider")))
		return
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"data": a.providerView(p)})
}

func (a *API) logoURL(providerName string) string {
	return a.apiURL + "/images/template-logos/" + providerName + ".svg"
}

// logo draws a placeholder logo (the provider's initial), so the Connect UI shows something
// without reaching Nango's CDN.
func (a *API) logo(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	p, known := a.catalog.Get(name)
	if !ok || !known {
		web.WriteError(w, web.NewError(http.StatusNotFound, "not_found", "Unknown logo"))
		return
	}
	initial := "?"
	if p.DisplayName != "" {
		initial = strings.ToUpper(string([]rune(p.DisplayName)[0]))
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f2937"/><text x="16" y="21" font-family="sans-serif" font-size="16" fill="#fff" text-anchor="middle">%s</text></svg>`, xmlEscape(initial))
}

func xmlEscape(s string) string { return xmlEscaper.Replace(s) }

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// devClientSecret is the mock client secret of an integration: stable for one store, unknown
// outside the server.
func devClientSecret(seed, key string) string {
	mac := hmac.New(sha256.New, []byte(seed))
	mac.Write([]byte(key))
	return "nango-dev-secret-" + hex.EncodeToString(mac.Sum(nil))[:32]
}
