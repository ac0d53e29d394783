package main

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/nango-wasm/nango-wasm/server"
)

// embedded is the built SDK that make embed-sdk copies into sdk/ before the binary is built;
// without it, the folder holds only its README.
//
//go:embed sdk
var embedded embed.FS

// embeddedSDK is the embedded SDK's files, as /sdk/ serves them.
func embeddedSDK() fs.FS {
	sdk, err := fs.Sub(embedded, "sdk")
	if err != nil {
		panic(err) // "sdk" is a valid path: fs.Sub cannot fail
	}
	return sdk
}

// defaultDist is where a repository checkout keeps the built SDK (make build).
const defaultDist = "dist"

// useSDK picks what /sdk/ serves: the folder given with -dist (or the config file's dist),
// else the SDK embedded in the binary, else ./dist, and says which. When what it picked has no
// nango.wasm it warns, with the fix, rather than let every page's SDK 404 unexplained.
func useSDK(cfg *server.Config, distGiven bool, sdk fs.FS, stderr io.Writer) string {
	switch {
	case distGiven:
		if !hasWasm(os.DirFS(cfg.DistDir)) {
			fmt.Fprintf(stderr, "nango-dev: warning: -dist %s holds no nango.wasm, so /sdk/ answers 404: run make build there, or point -dist at the folder holding the built SDK\n", cfg.DistDir)
		}
		return cfg.DistDir
	case hasWasm(sdk):
		cfg.SDK = sdk
		return "embedded in this binary"
	}
	cfg.DistDir = defaultDist
	if !hasWasm(os.DirFS(defaultDist)) {
		fmt.Fprintln(stderr, "nango-dev: warning: this nango-dev was built without the SDK and ./dist has none, so /sdk/ (nango.js, nango.wasm) answers 404. "+
			"Fix: pass -dist <folder holding the built SDK>, or build nango-dev with the SDK embedded: in a checkout of nango-wasm, make nango-dev (or make embed-sdk && go install ./server/cmd/nango-dev)")
	}
	return defaultDist
}

func hasWasm(files fs.FS) bool {
	info, err := fs.Stat(files, "nango.wasm")
	return err == nil && info.Mode().IsRegular()
}
