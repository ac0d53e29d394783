//go:build !js

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// Size is a feature: packages the browser already provides (fetch, URL, JSON, timers) or that
// an SDK never needs must stay out of nango.wasm. net/http alone adds ~450 KB brotli. fmt brings
// reflect, os and unicode's tables (~80 KB; safejs is patched not to need it, see
// third_party/safejs/PATCH.md); os comes with os.Args, and time with os or any import of its own
// (its init alone: ~33 KB); context brings time and its formatting (~60 KB).
var banned = []string{"net/http", "os/exec", "text/template", "html/template", "encoding/json", "net/url", "context",
	"reflect/internal", "crypto/tls", "fmt", "reflect", "os", "time", "io/fs", "syscall", "log"}

func TestWasmBuildStaysSmall(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string]bool{}
	for _, d := range strings.Fields(string(out)) {
		deps[d] = true
	}
	if !deps["github.com/hack-pad/safejs"] {
		t.Fatal("go list returned an unexpected dependency list")
	}
	for _, b := range banned {
		if deps[b] {
			t.Errorf("nango.wasm depends on %s", b)
		}
	}
}
