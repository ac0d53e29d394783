package server

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// yamlIndex knows, for a parsed config file, the line of every field (by its dotted path, as a
// ConfigError names it) and the field every token belongs to, so that an error found by the
// decoder (which has a token) or by Start (which has a path) points at the same line.
type yamlIndex struct {
	lines  map[string]int
	fields map[*token.Token]string
	keys   map[*token.Token]string // a mapping key's token → the path of its map's field
}

func newYAMLIndex(f *ast.File) *yamlIndex {
	ix := &yamlIndex{lines: map[string]int{}, fields: map[*token.Token]string{}, keys: map[*token.Token]string{}}
	for _, doc := range f.Docs {
		if doc.Body != nil {
			ix.walk(doc.Body, "")
		}
	}
	return ix
}

func (ix *yamlIndex) walk(node ast.Node, path string) {
	switch n := node.(type) {
	case *ast.MappingNode:
		for _, mv := range n.Values {
			ix.pair(mv, path)
		}
	case *ast.MappingValueNode:
		ix.pair(n, path)
	case *ast.SequenceNode:
		for i, v := range n.Values {
			child := fmt.Sprintf("%s[%d]", path, i)
			ix.note(v, child)
			ix.walk(v, child)
		}
	case *ast.TagNode:
		ix.walk(n.Value, path)
	case *ast.AnchorNode:
		ix.walk(n.Value, path)
	}
}

func (ix *yamlIndex) pair(mv *ast.MappingValueNode, path string) {
	key := strings.TrimSpace(mv.Key.String())
	child := key
	if path != "" {
		child = path + "." + key
	}
	ix.note(mv.Key, child)
	ix.keys[mv.Key.GetToken()] = path
	if mv.Value != nil {
		ix.note(mv.Value, child)
		ix.walk(mv.Value, child)
	}
}

func (ix *yamlIndex) note(n ast.Node, path string) {
	tk := n.GetToken()
	if tk == nil {
		return
	}
	if _, seen := ix.lines[path]; !seen {
		ix.lines[path] = tk.Position.Line
	}
	if _, seen := ix.fields[tk]; !seen {
		ix.fields[tk] = path
	}
}

// fieldOf is the field a token belongs to ("" when unknown).
func (ix *yamlIndex) fieldOf(tk *token.Token) string { return ix.fields[tk] }

// childField names an unknown key: its map's path plus the key itself.
func (ix *yamlIndex) childField(tk *token.Token) string {
	if ix == nil {
		return tk.Value
	}
	if parent, ok := ix.keys[tk]; ok && parent != "" {
		return parent + "." + tk.Value
	}
	return tk.Value
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
