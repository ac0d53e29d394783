//go:build !js

package main

import (
	"os/exec"
	"strings"
	"testing"
)

// Size is a feature: packages the browser already provides (fetch, URL, JSON, timers) or that
// an SDK never needs must stay out of nango.wasm. net/http alone adds ~450 KB brotli; context
// pulls in time's formatting (~25 KB).
var banned = []string{"net/http", "os/exec", "text/template", "html/template", "encoding/json", "net/url", "context", "reflect/internal", "crypto/tls"}

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
