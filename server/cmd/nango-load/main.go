// Command nango-load measures the dev server under load: N complete OAuth flows over HTTP,
// C at a time, on loopback (make bench measures the in-memory store against a ceiling with the
// same driver; this command compares the stores). It starts its own in-process server for each store
// (-store mem, bolt or both) unless -api names a running one, and prints one line per run:
// flows/s, p50, p99 and the integrity check. It exits non-zero if a flow failed or a connection
// was lost, duplicated or misrouted.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nango-wasm/nango-wasm/server"
	"github.com/nango-wasm/nango-wasm/server/loadtest"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "nango-load:", err)
		os.Exit(1)
	}
}

func run() error {
	flows := flag.Int("n", 2000, "number of flows")
	concurrency := flag.Int("c", 32, "flows in flight at once")
	stores := flag.String("store", "both", "store of the in-process server: mem, bolt or both")
	apiURL := flag.String("api", "", "API origin of a running dev server (loopback only) instead of an in-process one")
	secretKey := flag.String("secret-key", os.Getenv("NANGO_SECRET_KEY"), "secret key of the server named by -api")
	timeout := flag.Duration("timeout", 10*time.Minute, "bound of each run")
	flag.Parse()
	opts := loadtest.Options{Flows: *flows, Concurrency: *concurrency, Timeout: *timeout}
	if *apiURL != "" {
		return measure("external", loadtest.Target{APIURL: *apiURL, SecretKey: *secretKey}, opts)
	}
	var kinds []string
	switch *stores {
	case "both":
		kinds = []string{"mem", "bolt"}
	case "mem", "bolt":
		kinds = []string{*stores}
	default:
		return fmt.Errorf("-store must be mem, bolt or both")
	}
	for _, kind := range kinds {
		if err := measureInProcess(kind, opts); err != nil {
			return err
		}
	}
	return nil
}

func measureInProcess(kind string, opts loadtest.Options) error {
	cfg := server.Config{AppAddr: "127.0.0.1:0", APIAddr: "127.0.0.1:0", ProviderAddr: "127.0.0.1:0"}
	if kind == "bolt" {
		dir, err := os.MkdirTemp("", "nango-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DataFile = filepath.Join(dir, "nango-dev.db")
	}
	srv, err := server.Start(context.Background(), cfg)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	return measure(kind, loadtest.Target{APIURL: srv.APIURL(), SecretKey: srv.SecretKey()}, opts)
}

func measure(label string, t loadtest.Target, opts loadtest.Options) error {
	report, err := loadtest.Run(context.Background(), t, opts)
	if err != nil {
		return err
	}
	fmt.Printf("store=%s concurrency=%d %s\n", label, opts.Concurrency, report)
	return report.Err()
}
