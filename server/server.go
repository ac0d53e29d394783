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
)

// Config says where the dev server listens and what it serves.
type Config struct {
	// AppAddr, APIAddr and ProviderAddr are the listen addresses of the demo app, the Nango API
	// host and the mock provider; defaults "127.0.0.1:3000", "127.0.0.1:3003", "127.0.0.1:3004".
	// Port 0 picks a free port.
	AppAddr, APIAddr, ProviderAddr string
	// SecretKey is the environment's secret key, a UUID v4 as Nango's; "" generates one.
	SecretKey string
	// DistDir holds the built SDK (nango.js, nango.classic.js, nango.wasm, wasm_exec.js,
	// nango.d.ts), served under /sdk/ on the app and API origins. Missing files answer 404.
	DistDir string
	// Logger receives one line per request (never a query string, token or code); nil discards.
	Logger *slog.Logger
	// WebsocketsPath is where the SDK's WebSocket is served on the API origin, as Nango's
	// NANGO_SERVER_WEBSOCKETS_PATH (the SDK's websocketsPath option); "" means "/".
	WebsocketsPath string
	// COOP lists the integrations (by unique key) whose mock-provider pages send
	// Cross-Origin-Opener-Policy: same-origin, which severs the popup from its opener in a
	// browser, as some real providers do. A flow can ask for it too (docs/wire.md §3).
	COOP map[string]bool
}

// Server is a running dev server: three listeners, three origins.
type Server struct {
	appURL, apiURL, providerURL string
	secretKey                   string
	servers                     []*http.Server
	hub                         *wsHub
	api                         *api          // for tests
	mock                        *mockProvider // for tests
	shutdownOnce                sync.Once
	shutdownErr                 error
}

// Start binds the three listeners, serves them in goroutines and returns once all three accept
// connections. ctx bounds only the start: cancel it afterwards and the server keeps running
// until Shutdown. It returns an error if an address cannot be bound or SecretKey is not a UUID v4.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.AppAddr == "" {
		cfg.AppAddr = "127.0.0.1:3000"
	}
	if cfg.APIAddr == "" {
		cfg.APIAddr = "127.0.0.1:3003"
	}
	if cfg.ProviderAddr == "" {
		cfg.ProviderAddr = "127.0.0.1:3004"
	}
	if cfg.SecretKey == "" {
		cfg.SecretKey = newUUID()
	}
	if cfg.WebsocketsPath == "" {
		cfg.WebsocketsPath = "/"
	}
	if !websocketsPathPattern.MatchString(cfg.WebsocketsPath) {
		return nil, fmt.Errorf("nango: the WebSocket path %q must start with / and hold only letters, digits and -._~/", cfg.WebsocketsPath)
	}
	if !uuidV4Pattern.MatchString(cfg.SecretKey) {
		return nil, errors.New("nango: the secret key must be a UUID v4, as Nango's secret keys are")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cat, err := loadCatalog(providersYAML)
	if err != nil {
		return nil, err
	}
	pg, err := parsePages()
	if err != nil {
		return nil, err
	}

	var lc net.ListenConfig
	var listeners []net.Listener
	for _, addr := range []string{cfg.AppAddr, cfg.APIAddr, cfg.ProviderAddr} {
		l, err := lc.Listen(ctx, "tcp", addr)
		if err != nil {
			for _, open := range listeners {
				open.Close()
			}
			return nil, fmt.Errorf("nango: listen on %s: %w", addr, err)
		}
		listeners = append(listeners, l)
	}
	s := &Server{
		appURL:      originOf(listeners[0]),
		apiURL:      originOf(listeners[1]),
		providerURL: originOf(listeners[2]),
		secretKey:   cfg.SecretKey,
		hub:         newWSHub(log, wsOptions{}),
	}

	client := &http.Client{
		Timeout:   15 * time.Second,
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second},
	}
	sdk := sdkFiles{dir: cfg.DistDir}
	mock := newMockProvider(s.providerURL, pg, log, cfg.COOP)
	a := &api{
		secretKey:   cfg.SecretKey,
		apiURL:      s.apiURL,
		providerURL: s.providerURL,
		catalog:     cat,
		store:       newStore(),
		hub:         s.hub,
		pages:       pg,
		client:      client,
		log:         log,
		now:         time.Now,
		sdk:         sdk,
	}
	a.integrations = newIntegrations(cat, time.Now())
	for _, in := range a.integrations.list {
		mock.register(mockClient{
			ID:               in.ClientID,
			Secret:           in.ClientSecret,
			RedirectURI:      a.callbackURL(),
			Integration:      in.UniqueKey,
			Provider:         in.Provider.Name,
			DisplayName:      in.Provider.DisplayName,
			AuthorizationURL: in.Provider.AuthorizationURL,
			TokenURL:         in.Provider.TokenURL,
		})
	}
	s.api, s.mock = a, mock
	demo := &demoApp{apiURL: s.apiURL, secretKey: cfg.SecretKey, client: client, pages: pg, log: log, sdk: sdk}
	apiRoutes, err := a.routes(cfg.WebsocketsPath)
	if err != nil {
		for _, l := range listeners {
			l.Close()
		}
		return nil, err
	}

	handlers := []http.Handler{
		withLogging(log, "app", demo.routes()),
		withLogging(log, "api", withCORS(s.apiURL, apiRoutes)),
		withLogging(log, "provider", mock.routes()),
	}
	for i, l := range listeners {
		srv := &http.Server{
			Handler:           handlers[i],
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
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

// SecretKey is the environment's secret key, for POST /connect/sessions.
func (s *Server) SecretKey() string { return s.secretKey }

// DropWebSockets cuts every open SDK WebSocket without a close handshake, as a proxy or a
// network change does, and returns how many it cut. Their ids stay resumable (docs/wire.md §5).
func (s *Server) DropWebSockets() int { return s.hub.dropAll() }

// RefuseWebSockets makes the API host answer WebSocket upgrades with 503 (true) or accept them
// again (false), as a proxy that blocks WebSockets does.
func (s *Server) RefuseWebSockets(refuse bool) { s.hub.setRefuse(refuse) }

// Shutdown stops accepting connections, closes open WebSockets and waits for in-flight requests
// until ctx is done. Calling it again returns the first result.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		s.hub.closeAll()
		errs := make([]error, len(s.servers))
		var wg sync.WaitGroup
		for i, srv := range s.servers {
			wg.Go(func() { errs[i] = srv.Shutdown(ctx) })
		}
		wg.Wait()
		s.shutdownErr = errors.Join(errs...)
	})
	return s.shutdownErr
}
