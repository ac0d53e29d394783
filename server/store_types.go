package server

import "time"

// The records the store keeps: connect sessions, pending OAuth states and connections. Every
// field is exported so the persistent store can encode them as JSON; none of them leaves the
// server as is (the handlers format what the wire shows).

// connectSession is what POST /connect/sessions grants: who the end user is and what the
// session allows.
type connectSession struct {
	ID                  string
	EndUser             *endUser
	AllowedIntegrations []string // nil allows every integration
	Defaults            map[string]integrationDefaults
	Overrides           map[string]integrationOverride
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

type endUser struct {
	ID           string            `json:"id"`
	DisplayName  *string           `json:"display_name"`
	Email        *string           `json:"email"`
	Tags         map[string]string `json:"tags"`
	Organization *organization     `json:"organization"`
}

type organization struct {
	ID          string  `json:"id"`
	DisplayName *string `json:"display_name"`
}

type integrationDefaults struct {
	UserScopes          *string     `json:"user_scopes,omitempty"`
	AuthorizationParams *orderedMap `json:"authorization_params,omitempty"` // nil: not set
	ConnectionConfig    *orderedMap `json:"connection_config,omitempty"`    // nil: not set
}

type integrationOverride struct {
	DocsConnect *string `json:"docs_connect,omitempty"`
}

// oauthState is one pending authorization, from /oauth/connect to its callback.
type oauthState struct {
	State              string
	ProviderConfigKey  string
	Provider           string
	ConnectionID       string
	ConnectionConfig   *orderedMap
	SessionID          string
	EndUser            *endUser
	Tags               map[string]string
	ClientID           string
	ClientSecret       string // the integration's, or the flow's override; never logged
	CodeVerifier       string // empty when the provider disables PKCE
	RedirectURI        string
	OpenerOrigin       string // where the callback page may post its result; "" posts nothing
	WSClientID         string
	Nonce              string // the SDK's per-call nonce, echoed in every message of the flow
	WebhookURLOverride *string
	Faults             string // the flow's fault set, canonical (faultSet.String)
	ExpiresAt          time.Time
}

// connection is a stored connection, as GET /connection/{id} returns it.
type connection struct {
	ID                 int64
	ConnectionID       string
	ProviderConfigKey  string
	Provider           string
	EndUser            *endUser
	Tags               map[string]string
	ConnectionConfig   *orderedMap
	Credentials        any // in Nango's shape for the auth mode: oauth2Credentials, or a JSON object
	WebhookURLOverride *string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	LastFetchedAt      *time.Time
}

// oauth2Credentials are Nango's OAuth2Credentials.
type oauth2Credentials struct {
	Type         string         `json:"type"`
	AccessToken  string         `json:"access_token"`
	RefreshToken string         `json:"refresh_token,omitempty"`
	ExpiresAt    string         `json:"expires_at,omitempty"` // ISO 8601, as JS's toISOString
	Raw          map[string]any `json:"raw"`
}
