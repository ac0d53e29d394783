// Command nango-dev runs the nango-wasm dev server: the demo app, a Nango API host and a mock
// OAuth provider, each on its own origin.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/nango-wasm/nango-wasm/server"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "nango-dev:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg := server.Config{}
	flag.StringVar(&cfg.AppAddr, "app", "127.0.0.1:3000", "listen address of the demo app")
	flag.StringVar(&cfg.APIAddr, "api", "127.0.0.1:3003", "listen address of the Nango API host")
	flag.StringVar(&cfg.ProviderAddr, "provider", "127.0.0.1:3004", "listen address of the mock OAuth provider")
	flag.StringVar(&cfg.SecretKey, "secret-key", os.Getenv("NANGO_SECRET_KEY"), "secret key, a UUID v4 (default $NANGO_SECRET_KEY, else a random one)")
	flag.StringVar(&cfg.DistDir, "dist", "dist", "directory holding the built SDK, served under /sdk/")
	flag.StringVar(&cfg.WebsocketsPath, "websockets-path", "/", "path of the SDK's WebSocket on the API host (NANGO_SERVER_WEBSOCKETS_PATH)")
	coop := flag.String("coop", "", "comma-separated integrations whose mock-provider pages send Cross-Origin-Opener-Policy: same-origin")
	flag.Parse()
	for _, key := range strings.Split(*coop, ",") {
		if key = strings.TrimSpace(key); key != "" {
			if cfg.COOP == nil {
				cfg.COOP = map[string]bool{}
			}
			cfg.COOP[key] = true
		}
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.Start(ctx, cfg)
	if err != nil {
		return err
	}
	// The secret key is printed once, for the developer; it is never logged.
	fmt.Printf("nango-dev is running\n  demo app:      %s\n  Nango API:     %s\n  mock provider: %s\n  secret key:    %s\n",
		srv.AppURL(), srv.APIURL(), srv.ProviderURL(), srv.SecretKey())

	<-ctx.Done()
	stop()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
