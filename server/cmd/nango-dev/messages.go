package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nango-wasm/nango-wasm/server"
)

// usageText heads the flags in nango-dev -h.
const usageText = `Usage: nango-dev [flags]

Runs the nango-wasm dev server: the demo app, a stand-in for the Nango API, a mock OAuth
provider and the Connect UI, each on its own origin, and prints their URLs and the secret key.
Settings may also come from a YAML file (-config, server/README.md); a flag given here wins.

Flags:
`

// usageError is a command line the flag package refused.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() + " (nango-dev -h lists the flags)" }

// parseFlags parses the command line. -h prints the usage to stdout and returns flag.ErrHelp;
// a bad flag returns a usageError.
func parseFlags(flags *flag.FlagSet, args []string, stdout io.Writer) error {
	flags.SetOutput(io.Discard) // the flag package would print its error and the whole usage
	err := flags.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		flags.SetOutput(stdout)
		fmt.Fprint(stdout, usageText)
		flags.PrintDefaults()
		return flag.ErrHelp
	case err != nil:
		return usageError{err}
	}
	return nil
}

// exitCode reports err on stderr and says how nango-dev exits: 0 when it ran (or -h asked for
// the usage), 2 for a command line it could not parse, as the flag package does, 1 otherwise.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, "nango-dev:", err)
	if errors.As(err, new(usageError)) {
		return 2
	}
	return 1
}

// flagOf names the flag that sets each config-file field.
var flagOf = map[string]string{
	"listen.app": "app", "listen.api": "api", "listen.provider": "provider", "listen.connect": "connect",
	"secret_key": "secret-key", "websockets_path": "websockets-path", "dist": "dist", "data": "data",
	"providers": "providers", "webhook.url": "webhook-url", "faults": "faults",
}

// origins records where each setting came from, so that an error names what the user typed and
// where: a flag, $NANGO_SECRET_KEY, a line of the config file, or a flag's default.
type origins struct {
	file          *server.ConfigFile
	flags         map[string]bool // the flags given on the command line
	secretFromEnv bool
}

// explain rewrites a *server.ConfigError (Start's) in the user's terms; other errors pass.
func (o origins) explain(err error) error {
	var ce *server.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	name, hasFlag := flagOf[ce.Field]
	inFile := o.file != nil && o.file.Sets(ce.Field)
	switch {
	case hasFlag && o.flags[name] && inFile && ce.Field == "faults": // the two lists are joined
		return fmt.Errorf("-faults or %s's faults: %s", o.file.Path, ce.Message)
	case hasFlag && o.flags[name]:
		return fmt.Errorf("-%s: %s", name, ce.Message)
	case ce.Field == "secret_key" && o.secretFromEnv:
		return fmt.Errorf("$NANGO_SECRET_KEY: %s", ce.Message)
	case inFile || (o.file != nil && !hasFlag):
		return o.file.Explain(err)
	case hasFlag:
		return fmt.Errorf("-%s (default): %s", name, ce.Message)
	}
	return fmt.Errorf("%s: %s", ce.Field, ce.Message)
}

// configFileError names the -config flag when the file cannot be read at all (the file's own
// errors already start with its name and line), and the folder a relative path was looked for in.
func configFileError(path string, err error) error {
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if wd, werr := os.Getwd(); werr == nil && !filepath.IsAbs(path) {
		return fmt.Errorf("-config: %v (looked in %s)", err, wd)
	}
	return fmt.Errorf("-config: %v", err)
}
