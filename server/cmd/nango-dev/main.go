// Command nango-dev runs the nango-wasm dev server: the demo app, a Nango API host and a mock
// OAuth provider, each on its own origin. Configuration comes from an optional YAML file
// (-config, server/README.md) and flags; a flag given on the command line wins over the file.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/nango-wasm/nango-wasm/server"
)

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// shutdownGrace is how long in-flight requests and queued webhooks get after SIGINT/SIGTERM.
const shutdownGrace = 10 * time.Second

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("nango-dev", flag.ContinueOnError)
	configPath := fs.String("config", "", "YAML config file (server/README.md); flags given here win over it")
	app := fs.String("app", "127.0.0.1:3000", "listen address of the demo app")
	apiAddr := fs.String("api", "127.0.0.1:3003", "listen address of the Nango API host")
	provider := fs.String("provider", "127.0.0.1:3004", "listen address of the mock OAuth provider")
	connect := fs.String("connect", "127.0.0.1:3009", "listen address of the Connect UI's own origin (Nango's local default); empty: only at the API host's /connect/")
	secretKey := fs.String("secret-key", "", "secret key, a UUID v4 (default $NANGO_SECRET_KEY, else the config file's, else a random one kept in -data)")
	dist := fs.String("dist", "dist", "directory holding the built SDK, served under /sdk/")
	wsPath := fs.String("websockets-path", "/", "path of the SDK's WebSocket on the API host (NANGO_SERVER_WEBSOCKETS_PATH)")
	coop := fs.String("coop", "", "comma-separated integrations whose mock-provider pages send Cross-Origin-Opener-Policy: same-origin")
	data := fs.String("data", "", "bbolt file keeping connections, sessions and OAuth states across restarts (default: in memory)")
	providers := fs.String("providers", "", "a Nango-format providers.yaml to use instead of the embedded catalog")
	webhookURL := fs.String("webhook-url", "", "URL receiving Nango's auth webhooks")
	faults := fs.String("faults", "", "comma-separated faults for every flow (docs/wire.md §8)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	verbose := fs.Bool("v", false, "debug logging")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *logFormat != "text" && *logFormat != "json" {
		return fmt.Errorf("-log-format: must be text or json, not %q", *logFormat)
	}

	var file *server.ConfigFile
	cfg := server.Config{}
	if *configPath != "" {
		var err error
		if file, err = server.LoadConfigFile(*configPath); err != nil {
			return configFileError(*configPath, err)
		}
		cfg = file.Config
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	from := origins{file: file, flags: set}
	// A flag wins when given; otherwise the file's value, otherwise the flag's default.
	pick := func(name string, flagValue string, fileValue *string) {
		if set[name] || *fileValue == "" {
			*fileValue = flagValue
		}
	}
	pick("app", *app, &cfg.AppAddr)
	pick("api", *apiAddr, &cfg.APIAddr)
	pick("provider", *provider, &cfg.ProviderAddr)
	pick("connect", *connect, &cfg.ConnectAddr)
	pick("dist", *dist, &cfg.DistDir)
	pick("websockets-path", *wsPath, &cfg.WebsocketsPath)
	pick("data", *data, &cfg.DataFile)
	pick("providers", *providers, &cfg.ProvidersFile)
	pick("webhook-url", *webhookURL, &cfg.Webhook.URL)
	if env := os.Getenv("NANGO_SECRET_KEY"); env != "" && !set["secret-key"] {
		cfg.SecretKey = env
		from.secretFromEnv = true
	}
	pick("secret-key", *secretKey, &cfg.SecretKey)
	cfg.Faults = append(cfg.Faults, splitList(*faults)...)
	for _, key := range splitList(*coop) {
		if cfg.COOP == nil {
			cfg.COOP = map[string]bool{}
		}
		cfg.COOP[key] = true
	}
	cfg.Logger = server.NewLogger(stderr, *logFormat, *verbose)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.Start(ctx, cfg)
	if err != nil {
		return from.explain(err)
	}
	// The secret key is printed once, for the developer; it is never logged.
	fmt.Fprintf(stdout, "nango-dev is running\n  demo app:      %s\n  Nango API:     %s\n  mock provider: %s\n",
		srv.AppURL(), srv.APIURL(), srv.ProviderURL())
	if srv.ConnectURL() != "" {
		fmt.Fprintf(stdout, "  Connect UI:    %s (also %s/connect/)\n", srv.ConnectURL(), srv.APIURL())
	}
	fmt.Fprintf(stdout, "  emulator:      %s/emulator\n", srv.APIURL())
	fmt.Fprintf(stdout, "  secret key:    %s\n", srv.SecretKey())

	<-ctx.Done()
	stop()
	cfg.Logger.Info("shutting down: letting in-flight requests finish", "grace", shutdownGrace)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
