package store

import (
	"slices"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
)

// The records the store keeps: connect sessions, pending OAuth states and connections. Every
// field is exported so the persistent store can encode them as JSON; none of them leaves the
// server as is (the handlers format what the wire shows).

// Session is what POST /connect/sessions grants: who the end user is and what the
// session allows.
type Session struct {
	ID                  string
	EndUser             *EndUser
	AllowedIntegrations []string // nil allows every integration
	Defaults            map[string]IntegrationDefaults
	Overrides           map[string]IntegrationOverride
	WebhookURLOverride  *string
	Tags                map[string]string
	// ReconnectID is the connection_id a reconnect session overwrites ("" for a new
	// connection); the session's one allowed integration holds it.
	ReconnectID string
	// Faults apply to every flow run with the session (nango_dev_faults, docs/wire.md §8).
	Faults    []string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// EndUser is the session's end_user and organization, as a connection keeps them.
type EndUser struct {
	ID           string            `json:"id"`
	DisplayName  *string           `json:"display_name"`
	Email        *string           `json:"email"`
	Tags         map[string]string `json:"tags"`
	Organization *Organization     `json:"organization"`
}

// Organization is the end user's organization.
type Organization struct {
	ID          string  `json:"id"`
	DisplayName *string `json:"display_name"`
}

// IntegrationDefaults is a session's integrations_config_defaults for one integration.
type IntegrationDefaults struct {
	UserScopes          *string             `json:"user_scopes,omitempty"`
	AuthorizationParams *catalog.OrderedMap `json:"authorization_params,omitempty"` // nil: not set
	ConnectionConfig    *catalog.OrderedMap `json:"connection_config,omitempty"`    // nil: not set
}

// IntegrationOverride is a session's overrides for one integration.
type IntegrationOverride struct {
	DocsConnect *string `json:"docs_connect,omitempty"`
}

// OAuthState is one pending authorization, from /oauth/connect to its callback.
type OAuthState struct {
	State              string
	ProviderConfigKey  string
	Provider           string
	ConnectionID       string
	ConnectionConfig   *catalog.OrderedMap
	SessionID          string
	EndUser            *EndUser
	Tags               map[string]string
	ClientID           string
	ClientSecret       string // the integration's, or the flow's override; never logged
	CodeVerifier       string // empty when the provider disables PKCE
	RequestTokenSecret string // OAUTH1: the secret of the request token the popup approves; never logged
	RedirectURI        string
	OpenerOrigin       string // where the callback page may post its result; "" posts nothing
	WSClientID         string
	Nonce              string // the SDK's per-call nonce, echoed in every message of the flow
	WebhookURLOverride *string
	Faults             string // the flow's fault set, canonical (catalog.FaultSet.String)
	ExpiresAt          time.Time
}

// Connection is a stored connection, as GET /connection/{id} returns it.
type Connection struct {
	ID                 int64
	ConnectionID       string
	ProviderConfigKey  string
	Provider           string
	EndUser            *EndUser
	Tags               map[string]string
	ConnectionConfig   *catalog.OrderedMap
	Credentials        any // in Nango's shape for the auth mode: OAuth2Credentials, or a JSON object
	WebhookURLOverride *string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	LastFetchedAt      *time.Time
}

// OAuth2Credentials are Nango's OAuth2Credentials.
type OAuth2Credentials struct {
	Type         string         `json:"type"`
	AccessToken  string         `json:"access_token"`
	RefreshToken string         `json:"refresh_token,omitempty"`
	ExpiresAt    string         `json:"expires_at,omitempty"` // ISO 8601, as JS's toISOString
	Raw          map[string]any `json:"raw"`
}

// OAuth1Credentials are Nango's OAuth1Credentials: the access token and its secret, and the
// provider's whole token response.
type OAuth1Credentials struct {
	Type             string            `json:"type"`
	OAuthToken       string            `json:"oauth_token"`
	OAuthTokenSecret string            `json:"oauth_token_secret"`
	Raw              map[string]string `json:"raw"`
}

// Allows applies a session's allowed_integrations (nil allows all).
func (sess *Session) Allows(key string) bool {
	return sess == nil || sess.AllowedIntegrations == nil || slices.Contains(sess.AllowedIntegrations, key)
}
