package server

import (
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// Config says where the dev server listens and what it serves. The zero value is a working
// server: every provider of the embedded catalog as a mock integration, in memory, no webhooks.
// The config file (LoadConfigFile) sets the same fields.
type Config struct {
	// AppAddr, APIAddr and ProviderAddr are the listen addresses of the demo app, the Nango API
	// host and the mock provider; defaults "127.0.0.1:3000", "127.0.0.1:3003", "127.0.0.1:3004".
	// Port 0 picks a free port.
	AppAddr, APIAddr, ProviderAddr string
	// ConnectAddr, when set, gives the Connect UI an origin of its own (as connect.nango.dev is
	// in production; Nango's local default is 127.0.0.1:3009), besides the API host's /connect/.
	// "" (the default) serves it at the API host only.
	ConnectAddr string
	// SecretKey is the environment's secret key, a UUID v4 as Nango's; "" generates one (kept in
	// the DataFile, when there is one, so a backend's key survives a restart).
	SecretKey string
	// Environment is the environment name the auth webhooks report; default "dev".
	Environment string
	// DistDir holds the built SDK (nango.js, nango.classic.js, nango.wasm, wasm_exec.js,
	// nango.d.ts), served under /sdk/ on the app and API origins. Missing files answer 404.
	DistDir string
	// DataFile keeps connections, connect sessions and pending OAuth states in a bbolt file, so
	// they survive a restart (or a kill -9); "" keeps them in memory.
	DataFile string
	// ProvidersFile replaces the embedded catalog with a Nango-format providers.yaml (aliases
	// resolved); "" uses the embedded one.
	ProvidersFile string
	// Integrations declares the integrations. None: one mock integration per catalog provider.
	Integrations []IntegrationConfig
	// MockAllProviders keeps the one-per-provider mock integrations next to Integrations (a
	// configured integration wins over the default of the same key).
	MockAllProviders bool
	// Webhook sends Nango's auth webhooks (docs/wire.md §9).
	Webhook WebhookConfig
	// Faults apply to every flow: fault names of docs/wire.md §8 ("ws_refuse", "slow_consent:2s").
	Faults []string
	// Logger receives one line per request (secrets redacted, see NewLogger); nil discards.
	Logger *slog.Logger
	// WebsocketsPath is where the SDK's WebSocket is served on the API origin, as Nango's
	// NANGO_SERVER_WEBSOCKETS_PATH (the SDK's websocketsPath option); "" means "/".
	WebsocketsPath string
	// PublicKey is the environment's public key, Nango's authentication before connect sessions
	// (a UUID v4); "" reads any well-formed key as the environment's. It authenticates only when
	// AccountCreatedAt is on or before 2025-08-25 (Nango's PUBLIC_AUTHENTICATION_DEPRECATION_DATE);
	// the zero AccountCreatedAt is a new account, whose public key gets deprecated_authentication.
	PublicKey        string
	AccountCreatedAt time.Time
	// HMACKey turns on Nango's hmac_enabled: a public-key request must then carry
	// hmac=hex(HMAC-SHA256(HMACKey, "<integration>[:<connection_id>]")). Sessions are exempt.
	HMACKey string
	// COOP lists the integrations (by unique key) whose mock-provider pages send
	// Cross-Origin-Opener-Policy: same-origin: the coop fault, kept under its older name.
	COOP map[string]bool
}

// websocketsPathPattern keeps WebsocketsPath a plain path, usable as a ServeMux pattern.
var websocketsPathPattern = regexp.MustCompile(`^/[A-Za-z0-9._~/-]*$`)

// withDefaults fills the defaults and checks what can be checked without the catalog or the
// store, reporting the first bad field by its config-file name.
func (cfg Config) withDefaults() (Config, catalog.FaultSet, error) {
	defaults := []struct {
		field *string
		value string
	}{
		{&cfg.AppAddr, "127.0.0.1:3000"}, {&cfg.APIAddr, "127.0.0.1:3003"}, {&cfg.ProviderAddr, "127.0.0.1:3004"},
		{&cfg.WebsocketsPath, "/"}, {&cfg.Environment, "dev"},
	}
	for _, d := range defaults {
		if *d.field == "" {
			*d.field = d.value
		}
	}
	if !websocketsPathPattern.MatchString(cfg.WebsocketsPath) {
		return cfg, nil, configErr("websockets_path", "%q must start with / and hold only letters, digits and -._~/", cfg.WebsocketsPath)
	}
	if cfg.SecretKey != "" && !web.UUIDv4Pattern.MatchString(cfg.SecretKey) {
		return cfg, nil, configErr("secret_key", "must be a UUID v4, as Nango's secret keys are")
	}
	if cfg.PublicKey != "" && !web.UUIDv4Pattern.MatchString(cfg.PublicKey) {
		return cfg, nil, configErr("public_key", "must be a UUID v4, as Nango's public keys are")
	}
	if u := cfg.Webhook.URL; u != "" && !web.IsHTTPURL(u) {
		return cfg, nil, configErr("webhook.url", "%q is not an http(s) URL", web.SafeURL(u))
	}
	if cfg.Webhook.MaxAttempts < 0 || cfg.Webhook.MaxAttempts > 20 {
		return cfg, nil, configErr("webhook.max_attempts", "must be between 1 and 20")
	}
	faults, err := catalog.ParseFaults(cfg.Faults...)
	if err != nil {
		return cfg, nil, configErr("faults", "%v", err)
	}
	return cfg, faults, nil
}

// loadProviders reads the catalog: the embedded one, or ProvidersFile.
func (cfg Config) loadProviders() (*catalog.Catalog, error) {
	if cfg.ProvidersFile == "" {
		return catalog.Load(catalog.ProvidersYAML)
	}
	data, err := os.ReadFile(cfg.ProvidersFile)
	if err != nil {
		return nil, configErr("providers", "%v", err)
	}
	cat, err := catalog.Load(data)
	if err != nil {
		return nil, configErr("providers", "%s: %v", cfg.ProvidersFile, err)
	}
	if len(cat.Names) == 0 {
		return nil, configErr("providers", "%s holds no provider", cfg.ProvidersFile)
	}
	return cat, nil
}

// openStore opens the DataFile, or an in-memory store.
func (cfg Config) openStore() (store.Store, error) {
	if cfg.DataFile == "" {
		return store.NewMemory(), nil
	}
	st, err := store.OpenBolt(cfg.DataFile)
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	return st, nil
}

// WebhookConfig says where the auth webhooks go and how they are signed and retried.
type WebhookConfig struct {
	// URL receives every auth webhook; a session's webhook_url_override wins over it. "" sends
	// none except to overrides.
	URL string
	// SigningKey signs the bodies (X-Nango-Signature, X-Nango-Hmac-Sha256); "" signs with the
	// secret key, as Nango signs with the environment's secret key.
	SigningKey string
	// MaxAttempts bounds the deliveries of one webhook (default 5).
	MaxAttempts int
	// Backoff is the wait before the first retry, doubled for each next one (default 500 ms,
	// at most 30 s).
	Backoff time.Duration
	// Timeout bounds one attempt (default 10 s).
	Timeout time.Duration
}
