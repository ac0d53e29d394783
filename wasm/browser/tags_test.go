//go:build !js

package browser

import (
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every file of the browser layer is built for js/wasm only, so the core stays testable natively
// and nothing here is compiled into a native program by accident.
func TestEveryFileIsTaggedForWasm(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "tags_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ParseComments|parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		var expr constraint.Expr
		for _, group := range parsed.Comments {
			for _, c := range group.List {
				if constraint.IsGoBuild(c.Text) {
					expr, _ = constraint.Parse(c.Text)
				}
			}
		}
		if expr == nil || expr.String() != "js && wasm" {
			t.Errorf("%s: want the build constraint `//go:build js && wasm`", f)
		}
	}
	if _, err := os.Stat("doc.go"); err != nil {
		t.Fatal("the package has no doc.go")
	}
}
