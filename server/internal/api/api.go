package api

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// API is the Nango API host: its handlers and what they need.
type API struct {
	secretKey    string
	apiURL       string
	providerURL  string
	catalog      *catalog.Catalog
	integrations *Integrations
	store        store.Store
	hub          *wsHub
	client       *http.Client // to the token endpoints (the mock provider's, or a real one)
	configHosts  *http.Client // to a token endpoint whose host came from connection config
	log          *slog.Logger
	now          func() time.Time
	sdk          web.SDKFiles
	webhooks     *webhookSender
	environment  string // the environment name the auth webhook reports
	wsPath       string // where the SDK's WebSocket is served (GET /connect/session tells it)
	publicKey    PublicKeyAuth
	connectUI    http.Handler // the Connect UI page, served at /connect/
	handler      http.Handler // the routes, behind the CORS policy
	mcp          mcpClients   // the clients MCP integrations registered
	// environmentUUID names the environment in the URLs of its client ID metadata documents.
	environmentUUID string

	// The emulator's (emulator*.go): what changed, for its listeners; the webhook deliveries;
	// the faults set live; whether WebSockets are refused without them (the configuration, or
	// RefuseWebSockets).
	changes       *changeFeed
	deliveries    *deliveryLog
	faults        *liveFaults
	refuseWithout atomic.Bool
}

// Config is what the API host is built from.
type Config struct {
	SecretKey    string
	APIURL       string // the API host's own origin
	ProviderURL  string // the mock provider's origin
	Catalog      *catalog.Catalog
	Integrations *Integrations
	Store        store.Store
	Client       *http.Client // to the token endpoints and the provider's API
	Log          *slog.Logger
	SDK          web.SDKFiles
	Environment  string
	// EnvironmentUUID is the environment's id, in the URLs of its client ID metadata documents.
	EnvironmentUUID string
	Webhooks        WebhookOptions
	// ConnectUI is the Connect UI page, served at /connect/; ConnectUIOrigins are where the
	// Connect UI is served (its telemetry names one of them).
	ConnectUI        http.Handler
	ConnectUIOrigins []string
	// WebsocketsPath is where the SDK's WebSocket is served; RefuseWebSockets answers its
	// upgrades 503 from the start (the ws_refuse fault, server-wide).
	WebsocketsPath   string
	RefuseWebSockets bool
	// PublicKey is the legacy public-key authentication and its HMAC (public_key.go).
	PublicKey PublicKeyAuth
}

// New builds the API host. It fails when the WebSocket path collides with another route, or
// when cfg has no ConnectUI.
func New(cfg Config) (*API, error) {
	if cfg.ConnectUI == nil {
		return nil, errors.New("nango: the API host needs the Connect UI page (Config.ConnectUI)")
	}
	changes := newChangeFeed()
	a := &API{
		secretKey:    cfg.SecretKey,
		apiURL:       cfg.APIURL,
		providerURL:  cfg.ProviderURL,
		catalog:      cfg.Catalog,
		integrations: cfg.Integrations,
		store:        observedStore{Store: cfg.Store, changes: changes},
		hub:          newWSHub(cfg.Log, wsOptions{}),
		client:       cfg.Client,
		configHosts:  configHostClient(cfg.Client, net.DefaultResolver, publicOnly),
		log:          cfg.Log,
		now:          time.Now,
		sdk:          cfg.SDK,
		environment:  cfg.Environment,
		connectUI:    cfg.ConnectUI,
		wsPath:       cfg.WebsocketsPath,
		publicKey:    cfg.PublicKey,

		changes:         changes,
		faults:          &liveFaults{},
		mcp:             mcpClients{byKey: map[string]mcpClient{}},
		environmentUUID: cfg.EnvironmentUUID,
	}
	if a.publicKey.AccountCreatedAt.IsZero() {
		a.publicKey.AccountCreatedAt = a.now() // a new account: its public key is refused
	}
	if a.wsPath == "" {
		a.wsPath = "/"
	}
	a.deliveries = newDeliveryLog(a.now, func() { changes.publish(topicWebhooks) })
	a.RefuseWebSockets(cfg.RefuseWebSockets)
	routes, err := a.routes(a.wsPath)
	if err != nil {
		return nil, err
	}
	a.handler = withCORS(cfg.ConnectUIOrigins, routes)
	a.webhooks = newWebhookSender(cfg.Webhooks, cfg.Log, a.deliveries) // DrainWebhooks stops it
	return a, nil
}

// Handler is the API host: its routes behind Nango's CORS policy.
func (a *API) Handler() http.Handler { return a.handler }

// DropWebSockets cuts every open SDK WebSocket without a close handshake and returns how many
// it cut; their ids stay resumable.
func (a *API) DropWebSockets() int { return a.hub.dropAll() }

// RefuseWebSockets makes the WebSocket path answer upgrades 503 (true), or accept them again
// (unless ws_refuse is set live).
func (a *API) RefuseWebSockets(refuse bool) {
	a.refuseWithout.Store(refuse)
	a.hub.setRefuse(refuse || a.faults.refusesWebSockets())
}

// DrainWebhooks stops taking webhooks and lets the queued ones go out until ctx is done.
func (a *API) DrainWebhooks(ctx context.Context) { a.webhooks.shutdown(ctx) }
