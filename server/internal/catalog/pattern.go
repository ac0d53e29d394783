package catalog

import (
	"fmt"
	"regexp"
	"strings"
)

// FieldPattern is a connection_config field's pattern (a JS regex) in Go's RE2, which has no
// lookaround. Nango's patterns use lookaround only as a leading negative lookahead,
// `^(?!X)Y`: a value matches when Y matches it and X matches no prefix of it. Both halves are
// kept, so the server never accepts a value the Connect UI's pattern refuses (Salesforce's
// Lightning hosts, which are not API hosts).
type FieldPattern struct {
	match   *regexp.Regexp
	exclude *regexp.Regexp // X anchored at the start; nil without a lookahead
}

// MatchString reports whether v matches the pattern as a JS RegExp test would.
func (p *FieldPattern) MatchString(v string) bool {
	if p.exclude != nil && p.exclude.MatchString(v) {
		return false
	}
	return p.match.MatchString(v)
}

// compileJSPattern compiles a providers.yaml pattern; a pattern RE2 cannot express other than
// as a leading negative lookahead is an error, never a weaker check.
func compileJSPattern(pattern string) (*FieldPattern, error) {
	if re, err := regexp.Compile(pattern); err == nil {
		return &FieldPattern{match: re}, nil
	}
	if rest, ok := strings.CutPrefix(pattern, "^(?!"); ok {
		if lookahead, tail, ok := cutGroup(rest); ok {
			exclude, err1 := regexp.Compile("^(?:" + lookahead + ")")
			match, err2 := regexp.Compile("^" + tail)
			if err1 == nil && err2 == nil {
				return &FieldPattern{match: match, exclude: exclude}, nil
			}
		}
	}
	return nil, fmt.Errorf("pattern %q is not supported by Go's regexp", pattern)
}

// cutGroup splits s after the `)` that closes a group already open, skipping escaped and
// bracketed parentheses.
func cutGroup(s string) (inside, after string, ok bool) {
	depth, inClass := 1, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return s[:i], s[i+1:], true
			}
		}
	}
	return "", "", false
}
