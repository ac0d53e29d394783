package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
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

// Server is a running dev server: three listeners, three origins (four with the Connect UI's).
type Server struct {
	appURL, apiURL, providerURL string
	connectURL                  string
	secretKey                   string
	servers                     []*http.Server
	api                         *api.API
	client                      *http.Client // the API host's and the demo backend's, to the other origins
	store                       store.Store  // for tests
	shutdownOnce                sync.Once
	shutdownErr                 error
}

// Start checks the configuration, opens the store, binds the three listeners, serves them in
// goroutines and returns once all three accept connections. ctx bounds only the start: cancel
// it afterwards and the server keeps running until Shutdown. An invalid field is reported as a
// *ConfigError naming it (ConfigFile.Explain turns it into file:line).
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg, serverFaults, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cat, err := cfg.loadProviders()
	if err != nil {
		return nil, err
	}
	mock, err := provider.New()
	if err != nil {
		return nil, err
	}
	st, err := cfg.openStore()
	if err != nil {
		return nil, err
	}
	s, err := start(ctx, cfg, serverFaults, cat, mock, st, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// start does the part of Start that runs with the store open.
func start(ctx context.Context, cfg Config, serverFaults catalog.FaultSet, cat *catalog.Catalog, mock *provider.Provider, st store.Store, log *slog.Logger) (*Server, error) {
	if cfg.SecretKey == "" {
		key, err := st.Setting("secret_key", web.NewUUID)
		if err != nil {
			return nil, err
		}
		cfg.SecretKey = key
	}
	seed, err := st.Setting("client_secret_seed", func() string { return web.RandomHex(32) })
	if err != nil {
		return nil, err
	}
	ins, err := buildIntegrations(cfg, cat, serverFaults, seed, time.Now())
	if err != nil {
		return nil, err
	}

	// The mock provider's listener comes last: Shutdown stops it after the others, whose
	// in-flight callbacks may still be redeeming codes there.
	addrs := []struct{ name, addr string }{{"app", cfg.AppAddr}, {"api", cfg.APIAddr}}
	if cfg.ConnectAddr != "" {
		addrs = append(addrs, struct{ name, addr string }{"connect", cfg.ConnectAddr})
	}
	addrs = append(addrs, struct{ name, addr string }{"provider", cfg.ProviderAddr})
	var lc net.ListenConfig
	var listeners []net.Listener
	for _, a := range addrs {
		l, err := lc.Listen(ctx, "tcp", a.addr)
		if err != nil {
			for _, open := range listeners {
				open.Close()
			}
			return nil, configErr("listen."+a.name, "listen on %s: %v", a.addr, err)
		}
		listeners = append(listeners, l)
	}
	last := len(listeners) - 1
	s := &Server{
		appURL:      originOf(listeners[0]),
		apiURL:      originOf(listeners[1]),
		providerURL: originOf(listeners[last]),
		secretKey:   cfg.SecretKey,
		store:       st,
	}
	connectUIOrigins := []string{s.apiURL}
	if cfg.ConnectAddr != "" {
		s.connectURL = originOf(listeners[2])
		connectUIOrigins = append(connectUIOrigins, s.connectURL)
	}

	client := &http.Client{
		Timeout:   15 * time.Second,
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second},
	}
	signingKey := cfg.Webhook.SigningKey
	if signingKey == "" {
		signingKey = cfg.SecretKey
	}
	sdk := web.NewSDKFiles(cfg.DistDir)
	demo, err := demo.New(demo.Config{APIURL: s.apiURL, SecretKey: cfg.SecretKey, Client: client, Log: log, SDK: sdk})
	if err != nil {
		for _, l := range listeners {
			l.Close()
		}
		return nil, err
	}
	a, err := api.New(api.Config{
		SecretKey: cfg.SecretKey, APIURL: s.apiURL, ProviderURL: s.providerURL,
		Catalog: cat, Integrations: ins, Store: st, Client: client, Log: log, SDK: sdk,
		Environment: cfg.Environment,
		Webhooks: api.WebhookOptions{URL: cfg.Webhook.URL, SigningKey: signingKey, MaxAttempts: cfg.Webhook.MaxAttempts,
			Backoff: cfg.Webhook.Backoff, Timeout: cfg.Webhook.Timeout},
		ConnectUI: connectui.Page("/connect/"), ConnectUIOrigins: connectUIOrigins,
		WebsocketsPath: cfg.WebsocketsPath, RefuseWebSockets: serverFaults.Has(catalog.FaultWSRefuse),
	})
	if err != nil {
		for _, l := range listeners {
			l.Close()
		}
		return nil, err
	}
	for _, in := range ins.List {
		if in.Real {
			continue // a real provider knows its own clients
		}
		mock.Register(provider.Client{
			ID:               in.ClientID,
			Secret:           in.ClientSecret,
			RedirectURI:      a.CallbackURL(),
			Integration:      in.UniqueKey,
			Provider:         in.Provider.Name,
			DisplayName:      in.Provider.DisplayName,
			AuthorizationURL: in.Provider.AuthorizationURL,
			TokenURL:         in.Provider.TokenURL,
			Faults:           in.Faults,
		})
	}
	s.api, s.client = a, client
	handlers := []http.Handler{
		withLogging(log, "app", web.WithBodyLimit(demo.Handler())),
		withLogging(log, "api", web.WithBodyLimit(a.Handler())),
	}
	if cfg.ConnectAddr != "" {
		handlers = append(handlers, withLogging(log, "connect", web.WithBodyLimit(connectui.Handler(sdk))))
	}
	handlers = append(handlers, withLogging(log, "provider", web.WithBodyLimit(mock.Handler())))
	for i, l := range listeners {
		srv := newHTTPServer(handlers[i], log)
		s.servers = append(s.servers, srv)
		go func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("serve", "addr", l.Addr().String(), "err", err)
			}
		}()
	}
	return s, nil
}

// originOf names a listener the way a browser will: an unspecified host (":3000") becomes
// 127.0.0.1, since that is where it can be reached.
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

// Shutdown stops accepting connections, closes open WebSockets, waits for in-flight requests
// until ctx is done, lets queued webhooks go out in what remains of ctx, and closes the store.
// Calling it again returns the first result.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		s.api.DropWebSockets()
		errs := make([]error, len(s.servers)+1)
		// Every origin but the mock provider first: their in-flight requests (a callback
		// redeeming its code) may still need the provider, which stops last.
		last := len(s.servers) - 1
		var wg sync.WaitGroup
		for i, srv := range s.servers[:last] {
			wg.Go(func() { errs[i] = srv.Shutdown(ctx) })
		}
		wg.Wait()
		// The API host's own keep-alive connections to the mock provider would otherwise hold
		// the provider's Shutdown (a connection that never sent a request counts as busy).
		s.client.CloseIdleConnections()
		errs[last] = s.servers[last].Shutdown(ctx)
		s.api.DrainWebhooks(ctx)
		errs[len(s.servers)] = s.store.Close()
		s.shutdownErr = errors.Join(errs...)
	})
	return s.shutdownErr
}
