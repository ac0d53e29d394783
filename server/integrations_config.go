package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/api"
	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/provider"
)

// IntegrationConfig declares one integration, as a Nango environment's integration settings do.
type IntegrationConfig struct {
	// UniqueKey is the integration's key (Nango's provider_config_key), required.
	UniqueKey string
	// Provider names the catalog entry; "" means the one named like UniqueKey.
	Provider string
	// ClientID and ClientSecret are the OAuth client. With mock endpoints they default to a
	// dev client; with real endpoints they are required.
	ClientID, ClientSecret string
	// Scopes replaces the provider's default scopes (nil keeps them).
	Scopes []string
	// Endpoints is "mock" (default: the mock provider stands in for the provider) or "real":
	// the popup goes to AuthorizationURL and codes are redeemed at TokenURL, which may be any
	// OAuth2 server (the provider's own URLs when left empty).
	Endpoints string
	// AuthorizationURL and TokenURL override the provider's (real endpoints only); they may
	// hold ${connectionConfig.X} like the catalog's.
	AuthorizationURL, TokenURL string
	// Faults apply to every flow of this integration (docs/wire.md §8).
	Faults []string
}

const (
	endpointsMock = "mock"
	endpointsReal = "real"
)

// ConfigError names the Config field that holds an invalid value, by its name in the config
// file ("integrations[1].client_secret"), so ConfigFile.Explain can point at its line.
type ConfigError struct {
	Field   string
	Message string
}

func (e *ConfigError) Error() string { return "nango: config: " + e.Field + ": " + e.Message }

func configErr(field, format string, args ...any) *ConfigError {
	return &ConfigError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// buildIntegrations makes the server's integrations: one mock integration per catalog provider
// when none are configured (or MockAllProviders asks for them too), then the configured ones,
// which win over a default of the same key.
func buildIntegrations(cfg Config, cat *catalog.Catalog, server catalog.FaultSet, seed string, now time.Time) (*api.Integrations, error) {
	ins := api.NewIntegrations()
	if len(cfg.Integrations) == 0 || cfg.MockAllProviders {
		for _, name := range cat.Names {
			in := api.MockIntegration(name, cat.Providers[name], seed, now)
			in.Faults = server
			ins.Add(in)
		}
	}
	seen := map[string]int{}
	mockClients := map[string]string{}
	for i, ic := range cfg.Integrations {
		field := fmt.Sprintf("integrations[%d]", i)
		in, err := configuredIntegration(field, ic, cat, seed, now)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[in.UniqueKey]; dup {
			return nil, configErr(field+".unique_key", "%q is already the key of integrations[%d]", in.UniqueKey, prev)
		}
		seen[in.UniqueKey] = i
		if !in.Real {
			if other, dup := mockClients[in.ClientID]; dup {
				return nil, configErr(field+".client_id", "%q is already the client of integration %q (the mock provider tells its clients apart by id)", in.ClientID, other)
			}
			mockClients[in.ClientID] = in.UniqueKey
		}
		faults, err := catalog.ParseFaults(ic.Faults...)
		if err != nil {
			return nil, configErr(field+".faults", "%v", err)
		}
		if len(faults.SocketOnly()) > 0 {
			return nil, configErr(field+".faults", "%v", catalog.SocketFaultError("an integration"))
		}
		in.Faults = server.Union(faults)
		ins.Add(in)
	}
	for _, in := range ins.List {
		if cfg.COOP[in.UniqueKey] {
			in.Faults = in.Faults.Union(catalog.FaultSet{catalog.FaultCOOP: 0})
		}
	}
	return ins, nil
}

// configuredIntegration checks one IntegrationConfig and fills in its defaults.
func configuredIntegration(field string, ic IntegrationConfig, cat *catalog.Catalog, seed string, now time.Time) (*api.Integration, error) {
	if ic.UniqueKey == "" {
		return nil, configErr(field+".unique_key", "required")
	}
	if !api.ProviderConfigKeyPattern.MatchString(ic.UniqueKey) || len(ic.UniqueKey) > 255 {
		return nil, configErr(field+".unique_key", "%q may hold only letters, digits and ~:.@ _- (at most 255)", ic.UniqueKey)
	}
	name := ic.Provider
	if name == "" {
		name = ic.UniqueKey
	}
	p, ok := cat.Get(name)
	if !ok {
		f := field + ".provider"
		if ic.Provider == "" {
			f = field + ".unique_key"
		}
		return nil, configErr(f, "no provider %q in the catalog", name)
	}
	in := api.MockIntegration(ic.UniqueKey, p, seed, now)
	if ic.Scopes != nil {
		in.Scopes = strings.Join(ic.Scopes, ",")
	}
	switch ic.Endpoints {
	case "", endpointsMock:
		if ic.AuthorizationURL != "" {
			return nil, configErr(field+".authorization_url", "only with endpoints: real (mock endpoints follow the provider's URL)")
		}
		if ic.TokenURL != "" {
			return nil, configErr(field+".token_url", "only with endpoints: real (mock endpoints follow the provider's URL)")
		}
	case endpointsReal:
		if p.AuthMode != "OAUTH2" || p.AuthorizationURL == "" {
			return nil, configErr(field+".endpoints", "real endpoints need a popup OAUTH2 provider; %s uses %s", p.Name, p.AuthMode)
		}
		if ic.ClientID == "" {
			return nil, configErr(field+".client_id", "required when endpoints are real")
		}
		if ic.ClientSecret == "" {
			return nil, configErr(field+".client_secret", "required when endpoints are real")
		}
		in.Real = true
		for _, u := range []struct {
			key   string
			value string
			dst   *string
		}{{"authorization_url", ic.AuthorizationURL, &in.AuthorizationURL}, {"token_url", ic.TokenURL, &in.TokenURL}} {
			if u.value == "" {
				continue
			}
			if _, err := catalog.ParseProviderURL(catalog.PlaceholderRE.ReplaceAllString(u.value, "x")); err != nil {
				return nil, configErr(field+"."+u.key, "must be an http(s) URL without query or fragment (it may hold ${connectionConfig.X})")
			}
			*u.dst = u.value
		}
	default:
		return nil, configErr(field+".endpoints", "must be %q or %q, not %q", endpointsMock, endpointsReal, ic.Endpoints)
	}
	if ic.ClientID != "" {
		in.ClientID = ic.ClientID
	}
	if ic.ClientSecret != "" {
		in.ClientSecret = ic.ClientSecret
	}
	if (ic.ClientID == "") != (ic.ClientSecret == "") {
		missing := "client_secret"
		if ic.ClientID == "" {
			missing = "client_id"
		}
		return nil, configErr(field+"."+missing, "required with %s", map[string]string{"client_id": "client_secret", "client_secret": "client_id"}[missing])
	}
	return in, nil
}

// registerMockClients makes the mock provider know the client of every integration it stands
// in for, with the API host's callback as its redirect_uri.
func registerMockClients(mock *provider.Provider, ins *api.Integrations, callbackURL string) {
	for _, in := range ins.List {
		if in.Real {
			continue // a real provider knows its own clients
		}
		mock.Register(provider.Client{
			ID:               in.ClientID,
			Secret:           in.ClientSecret,
			RedirectURI:      callbackURL,
			Integration:      in.UniqueKey,
			Provider:         in.Provider.Name,
			DisplayName:      in.Provider.DisplayName,
			AuthorizationURL: in.Provider.AuthorizationURL,
			TokenURL:         in.Provider.TokenURL,
			RequestURL:       in.Provider.RequestURL,
			Faults:           in.Faults,
		})
	}
}
