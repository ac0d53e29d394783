package server

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// yamlIndex knows, for a parsed config file, the line where each field starts (by its dotted
// path, as a ConfigError names it) and the field each token belongs to, so that an error found
// by the decoder (which has a token) or by Start (which has a path) points at the same line. The
// paths are the YAML paths goccy/go-yaml's parser gives every node ("$.integrations[1].scopes"),
// without the "$.".
type yamlIndex struct {
	lines  map[string]int
	fields map[*token.Token]string
}

func newYAMLIndex(f *ast.File) *yamlIndex {
	ix := &yamlIndex{lines: map[string]int{}, fields: map[*token.Token]string{}}
	for _, doc := range f.Docs {
		if doc.Body != nil {
			ast.Walk(ix, doc.Body)
		}
	}
	return ix
}

// Visit notes a node. A field's first node in the walk (a mapping value, whose token is on its
// key's line, or a sequence item) gives the field's line; an unknown key's own token names the
// field it would have been.
func (ix *yamlIndex) Visit(n ast.Node) ast.Visitor {
	tk := n.GetToken()
	if tk == nil {
		return ix
	}
	field := strings.TrimPrefix(strings.TrimPrefix(n.GetPath(), "$"), ".")
	if _, seen := ix.lines[field]; !seen {
		ix.lines[field] = tk.Position.Line
	}
	if _, seen := ix.fields[tk]; !seen {
		ix.fields[tk] = field
	}
	return ix
}

// fieldOf is the field a token belongs to ("" when unknown).
func (ix *yamlIndex) fieldOf(tk *token.Token) string {
	if ix == nil {
		return ""
	}
	return ix.fields[tk]
}

// parentPath drops the last element of a dotted path: "a.b[1].c" → "a.b[1]" → "a.b" → "a".
func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}
