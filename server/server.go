package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nango-wasm/nango-wasm/server/internal/api"
	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/connectui"
	"github.com/nango-wasm/nango-wasm/server/internal/demo"
	"github.com/nango-wasm/nango-wasm/server/internal/provider"
	"github.com/nango-wasm/nango-wasm/server/internal/store"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// Server is a running dev server: one listener per origin.
type Server struct {
	appURL, apiURL, providerURL string
	connectURL                  string // "" when the Connect UI has no origin of its own
	secretKey                   string
	front                       []*http.Server // the app's, the API host's and the Connect UI's
	provider                    *http.Server   // the mock provider's, stopped last
	api                         *api.API
	client                      *http.Client // the API host's and the demo backend's, to the other origins
	store                       store.Store
	shutdownOnce                sync.Once
	shutdownErr                 error
}

// Start checks the configuration, opens the store, binds a listener per origin, serves them in
// goroutines and returns once all accept connections. ctx bounds only the start: cancel
// it afterwards and the server keeps running until Shutdown. An invalid field is reported as a
// *ConfigError naming it (ConfigFile.Explain turns it into file:line).
func Start(ctx context.Context, cfg Config) (*Server, error) {
	p, err := prepare(cfg)
	if err != nil {
		return nil, err
	}
	s, err := p.start(ctx)
	if err != nil {
		p.store.Close()
		return nil, err
	}
	return s, nil
}

// parts are what Start prepares before anything listens.
type parts struct {
	cfg          Config
	serverFaults catalog.FaultSet
	log          *slog.Logger
	catalog      *catalog.Catalog
	provider     *provider.Provider
	store        store.Store
	// environmentUUID is kept in the store, so the URLs of client ID metadata documents
	// survive a restart.
	environmentUUID string
}

// prepare checks the configuration, loads the catalog, makes the mock provider and, last,
// opens the store (the one part that must be closed again).
func prepare(cfg Config) (*parts, error) {
	cfg, serverFaults, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p := &parts{cfg: cfg, serverFaults: serverFaults, log: cfg.Logger}
	if p.log == nil {
		p.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if p.catalog, err = cfg.loadProviders(); err != nil {
		return nil, err
	}
	p.provider = provider.New()
	if p.store, err = cfg.openStore(); err != nil {
		return nil, err
	}
	return p, nil
}

// start runs with the store open: it settles the keys the store keeps, builds the
// integrations, binds the listeners, builds each origin and serves it.
func (p *parts) start(ctx context.Context) (*Server, error) {
	seed, err := p.settleKeys()
	if err != nil {
		return nil, err
	}
	ins, err := buildIntegrations(p.cfg, p.catalog, p.serverFaults, seed, time.Now())
	if err != nil {
		return nil, err
	}
	ls, err := listen(ctx, p.cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{
		appURL:      originOf(ls.app),
		apiURL:      originOf(ls.api),
		providerURL: originOf(ls.provider),
		secretKey:   p.cfg.SecretKey,
		store:       p.store,
		client: &http.Client{
			Timeout:   15 * time.Second,
			Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second},
		},
	}
	if ls.connect != nil {
		s.connectURL = originOf(ls.connect)
	}
	h, err := p.handlers(s, ins)
	if err != nil {
		ls.close()
		return nil, err
	}
	s.serve(ls, h, p.log)
	return s, nil
}

// settleKeys fills in the secret key, when the config has none, and the environment's id, and
// returns the seed of the mock clients' secrets: all generated once and kept in the store, so
// they survive a restart on the same data file. Webhooks without a signing key are signed with the secret key, as
// Nango signs them with the environment's.
func (p *parts) settleKeys() (seed string, err error) {
	if p.cfg.SecretKey == "" {
		if p.cfg.SecretKey, err = p.store.Setting("secret_key", web.NewUUID); err != nil {
			return "", err
		}
	}
	if p.cfg.Webhook.SigningKey == "" {
		p.cfg.Webhook.SigningKey = p.cfg.SecretKey
	}
	if p.environmentUUID, err = p.store.Setting("environment_uuid", web.NewUUID); err != nil {
		return "", err
	}
	return p.store.Setting("client_secret_seed", func() string { return web.RandomHex(32) })
}

// handlers are what each origin serves; connect is nil when the Connect UI has no origin of
// its own.
type handlers struct {
	app, api, connect, provider http.Handler
}

// handlers builds every origin once the URLs are known: the demo app, the API host, the
// Connect UI, and the mock provider with the clients of the mock integrations. Each is logged
// and bounds the bodies it reads.
func (p *parts) handlers(s *Server, ins *api.Integrations) (handlers, error) {
	sdk := web.NewSDKFiles(p.cfg.DistDir)
	if p.cfg.SDK != nil {
		sdk = web.NewEmbeddedSDK(p.cfg.SDK)
	}
	appHost, _, _ := net.SplitHostPort(p.cfg.AppAddr) // a name here is one the demo app answers to
	app, err := demo.New(demo.Config{APIURL: s.apiURL, SecretKey: p.cfg.SecretKey, Client: s.client, Log: p.log, SDK: sdk, Hosts: []string{appHost}})
	if err != nil {
		return handlers{}, err
	}
	connectUIOrigins := []string{s.apiURL}
	if s.connectURL != "" {
		connectUIOrigins = append(connectUIOrigins, s.connectURL)
	}
	s.api, err = api.New(api.Config{
		SecretKey: p.cfg.SecretKey, APIURL: s.apiURL, ProviderURL: s.providerURL,
		Catalog: p.catalog, Integrations: ins, Store: p.store, Client: s.client, Log: p.log, SDK: sdk,
		Environment: p.cfg.Environment, EnvironmentUUID: p.environmentUUID,
		Webhooks:  api.WebhookOptions(p.cfg.Webhook),
		ConnectUI: connectui.Page("/connect/", apiOrigins(s.apiURL)), ConnectUIOrigins: connectUIOrigins,
		WebsocketsPath: p.cfg.WebsocketsPath, RefuseWebSockets: p.serverFaults.Has(catalog.FaultWSRefuse),
		PublicKey: api.PublicKeyAuth{Key: p.cfg.PublicKey, AccountCreatedAt: p.cfg.AccountCreatedAt, HMACKey: p.cfg.HMACKey},
	})
	if err != nil {
		return handlers{}, err
	}
	registerMockClients(p.provider, ins, s.api.CallbackURL(), s.api.AppSetupURL(), s.api.ClientMetadataURL)
	wrap := func(origin string, h http.Handler) http.Handler {
		return withLogging(p.log, origin, web.WithBodyLimit(h))
	}
	h := handlers{
		app:      wrap("app", app.Handler()),
		api:      wrap("api", s.api.Handler()),
		provider: wrap("provider", p.provider.Handler()),
	}
	if s.connectURL != "" {
		h.connect = wrap("connect", connectui.Handler(sdk, apiOrigins(s.apiURL)))
	}
	return h, nil
}

// listeners are the dev server's origins, bound; connect is nil when the Connect UI has no
// origin of its own.
type listeners struct {
	app, api, connect, provider net.Listener
}

// listen binds every origin's address, or none: after a failure the ones bound are closed.
func listen(ctx context.Context, cfg Config) (*listeners, error) {
	ls := &listeners{}
	binds := []struct {
		name, addr string
		dst        *net.Listener
	}{{"app", cfg.AppAddr, &ls.app}, {"api", cfg.APIAddr, &ls.api}, {"connect", cfg.ConnectAddr, &ls.connect}, {"provider", cfg.ProviderAddr, &ls.provider}}
	var lc net.ListenConfig
	for _, b := range binds {
		if b.addr == "" {
			continue // only the Connect UI's may be empty: withDefaults fills the others
		}
		l, err := lc.Listen(ctx, "tcp", b.addr)
		if err != nil {
			ls.close()
			return nil, configErr("listen."+b.name, "cannot listen on %s: %s", b.addr, listenFailure(err))
		}
		*b.dst = l
	}
	return ls, nil
}

func (ls *listeners) close() {
	for _, l := range []net.Listener{ls.app, ls.api, ls.connect, ls.provider} {
		if l != nil {
			l.Close()
		}
	}
}

// serve serves each origin on its listener, in goroutines. The mock provider's server is kept
// apart: Shutdown stops it after the others, whose in-flight callbacks may still be redeeming
// codes there.
func (s *Server) serve(ls *listeners, h handlers, log *slog.Logger) {
	for _, o := range []struct {
		l net.Listener
		h http.Handler
	}{{ls.app, h.app}, {ls.api, h.api}, {ls.connect, h.connect}} {
		if o.l != nil {
			s.front = append(s.front, serveOn(o.l, o.h, log))
		}
	}
	s.provider = serveOn(ls.provider, h.provider, log)
}

// serveOn serves h on l in a goroutine, with the listeners' limits.
func serveOn(l net.Listener, h http.Handler, log *slog.Logger) *http.Server {
	srv := newHTTPServer(h, log)
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("serve", "addr", l.Addr().String(), "err", err)
		}
	}()
	return srv
}

// originOf names a listener the way a browser will: an unspecified host (":3000") becomes
// 127.0.0.1, since that is where it can be reached.
// apiOrigins are the origins the Connect UI may take as its API: the API host's, and on
// 127.0.0.1 the same port on localhost, the name people also type.
func apiOrigins(apiURL string) []string {
	if rest, ok := strings.CutPrefix(apiURL, "http://127.0.0.1:"); ok {
		return []string{apiURL, "http://localhost:" + rest}
	}
	return []string{apiURL}
}

func originOf(l net.Listener) string {
	addr := l.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// AppURL is the demo app's origin, such as "http://127.0.0.1:3000" (no trailing slash).
func (s *Server) AppURL() string { return s.appURL }

// APIURL is the Nango API host's origin: the SDK's `host` option.
func (s *Server) APIURL() string { return s.apiURL }

// ProviderURL is the mock OAuth provider's origin.
func (s *Server) ProviderURL() string { return s.providerURL }

// ConnectURL is the Connect UI's own origin ("" unless Config.ConnectAddr is set); the Connect
// UI is also at APIURL()+"/connect/".
func (s *Server) ConnectURL() string { return s.connectURL }

// SecretKey is the environment's secret key, for POST /connect/sessions.
func (s *Server) SecretKey() string { return s.secretKey }

// DropWebSockets cuts every open SDK WebSocket without a close handshake, as a proxy or a
// network change does, and returns how many it cut. Their ids stay resumable (docs/wire.md §5).
func (s *Server) DropWebSockets() int { return s.api.DropWebSockets() }

// RefuseWebSockets makes the API host answer WebSocket upgrades with 503 (true) or accept them
// again (false), as a proxy that blocks WebSockets does.
func (s *Server) RefuseWebSockets(refuse bool) { s.api.RefuseWebSockets(refuse) }

// Shutdown stops accepting connections, closes open WebSockets and emulator event streams, waits for in-flight requests
// until ctx is done, lets queued webhooks go out in what remains of ctx, and closes the store.
// Calling it again returns the first result.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		s.api.DropWebSockets()
		s.api.EndEventStreams()
		// Every origin but the mock provider first: their in-flight requests (a callback
		// redeeming its code) may still need the provider, which stops last.
		errs := make([]error, len(s.front), len(s.front)+2)
		var wg sync.WaitGroup
		for i, srv := range s.front {
			wg.Go(func() { errs[i] = srv.Shutdown(ctx) })
		}
		wg.Wait()
		// The API host's own keep-alive connections to the mock provider would otherwise hold
		// the provider's Shutdown (a connection that never sent a request counts as busy).
		s.client.CloseIdleConnections()
		errs = append(errs, s.provider.Shutdown(ctx))
		s.api.DrainWebhooks(ctx)
		errs = append(errs, s.store.Close())
		s.shutdownErr = errors.Join(errs...)
	})
	return s.shutdownErr
}
