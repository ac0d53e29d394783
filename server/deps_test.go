package server

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/nango-wasm/nango-wasm/server"

// allowedImports is the import graph of the dev server, which follows the wire: the wiring
// imports the origins; each origin (the Nango API stand-in, the mock provider, the demo app,
// the Connect UI) imports only what they share (the store, the catalog, the HTTP toolkit) and
// never another origin, since origins talk over HTTP; the mock provider never reads the API
// host's store. A package of the server tree that is not listed may import none of them.
var allowedImports = map[string][]string{
	"":                   {"internal/api", "internal/provider", "internal/demo", "internal/connectui", "internal/catalog", "internal/store", "internal/web"},
	"internal/api":       {"internal/catalog", "internal/store", "internal/web"},
	"internal/provider":  {"internal/catalog", "internal/web"},
	"internal/demo":      {"internal/catalog", "internal/web"},
	"internal/connectui": {"internal/web"},
	"internal/store":     {"internal/catalog"},
	"internal/catalog":   {},
	"internal/web":       {},
	"internal/webtest":   {}, // the tests' helpers: no package but a test imports it
}

func TestImportGraphFollowsTheWire(t *testing.T) {
	imports := goList(t, "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"/...")
	if _, ok := imports[module+"/internal/api"]; !ok {
		t.Fatalf("go list did not list the server's packages: %v", imports)
	}
	for pkg, deps := range imports {
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		allowed := allowedImports[rel]
		for _, dep := range deps {
			target, ok := strings.CutPrefix(dep, module)
			if !ok {
				continue // the standard library, other modules, the SDK's own packages
			}
			target = strings.TrimPrefix(target, "/")
			if !strings.HasPrefix(target, "internal/") {
				continue // server/cmd and server/loadtest use the public API
			}
			if !slices.Contains(allowed, target) {
				t.Errorf("%s imports %s, which the wire does not allow", pkg, dep)
			}
		}
	}

	// Not even indirectly: the mock provider knows the API host only over HTTP.
	for dep := range goList(t, "-deps", module+"/internal/provider") {
		if dep == module+"/internal/store" || dep == module+"/internal/api" {
			t.Errorf("the mock provider depends on %s", dep)
		}
	}
}

// goList runs go list and maps each line's first field to the others.
func goList(t *testing.T, args ...string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		lines[fields[0]] = fields[1:]
	}
	return lines
}
