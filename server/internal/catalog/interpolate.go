package catalog

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// PlaceholderRE finds ${…} in provider templates (authorization_url, token_url, params).
var PlaceholderRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// validAuthority tells what the host part of an interpolated provider URL may hold:
// ^[A-Za-z0-9.-]+(:[0-9]{1,5})?$, checked by a scan (it is on every flow's path). Values are
// percent-encoded before they are interpolated, so a value that tried to end the host early
// (`evil.com#`, `evil.com/`, `user@evil.com`) leaves a `%` here and is refused.
func validAuthority(s string) bool {
	host, port, hasPort := strings.Cut(s, ":")
	if host == "" || hasPort && (port == "" || len(port) > 5) {
		return false
	}
	for _, c := range []byte(host) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	for _, c := range []byte(port) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Interpolate fills ${connectionConfig.X} from config. A template may hold alternatives
// separated by `||`; the first whose placeholders all have a value wins (Nango's fallback rule).
// Empty values count as missing. With encode, values are percent-encoded as encodeURIComponent
// does, and nothing is ever decoded again.
func Interpolate(template string, config *OrderedMap, encode bool) (string, bool) {
	out, _, ok := interpolate(template, config, encode)
	return out, ok
}

// interpolate is Interpolate that also returns the alternative it filled.
func interpolate(template string, config *OrderedMap, encode bool) (out, alt string, ok bool) {
	for _, alt := range strings.Split(template, "||") {
		alt = strings.TrimSpace(alt)
		if out, complete := fillPlaceholders(alt, config, encode); complete {
			return out, alt, true
		}
	}
	return "", "", false
}

// fillPlaceholders replaces each ${name} of alt (what PlaceholderRE matches: "${", no "}", "}")
// with its value, and reports whether every one had a value. It scans rather than running
// PlaceholderRE: it is on every flow's path, twice.
func fillPlaceholders(alt string, config *OrderedMap, encode bool) (string, bool) {
	var out strings.Builder
	complete := true
	rest := alt
	for {
		start := strings.Index(rest, "${")
		if start < 0 {
			break
		}
		length := strings.IndexByte(rest[start+2:], '}')
		if length < 0 {
			break // no "}" after this "${", nor after any later one
		}
		placeholder := rest[start : start+2+length+1]
		name := strings.TrimPrefix(strings.TrimSpace(placeholder[2:len(placeholder)-1]), "connectionConfig.")
		out.WriteString(rest[:start])
		switch v, ok := config.String(name); {
		case !ok:
			complete = false
			out.WriteString(placeholder)
		case encode:
			out.WriteString(auth.EncodeURIComponent(v)) // as Nango's makeUrl does, with the SDK's own encoder
		default:
			out.WriteString(v)
		}
		rest = rest[start+len(placeholder):]
	}
	if out.Len() == 0 {
		return rest, complete
	}
	out.WriteString(rest)
	return out.String(), complete
}

// InterpolateURL fills a provider URL template (authorization_url, token_url) from config and
// parses it. ok is false when a placeholder has no value. When the host itself came from config
// (Salesforce's https://${connectionConfig.hostname}/…), it must be a public DNS name:
// otherwise err wraps ErrHostNotAllowed. A host the template fixes is the operator's choice
// and is taken as it is (the dev server's own loopback endpoints among them).
func InterpolateURL(template string, config *OrderedMap) (u ProviderURL, ok bool, err error) {
	raw, alt, ok := interpolate(template, config, true)
	if !ok {
		return ProviderURL{}, false, nil
	}
	if u, err = ParseProviderURL(raw); err != nil {
		return ProviderURL{}, true, err
	}
	_, altRest, _ := strings.Cut(alt, "://")
	altHost, _, _ := strings.Cut(altRest, "/")
	if u.HostFromConfig = strings.Contains(altHost, "${"); u.HostFromConfig {
		if err := checkConfigHost(u.Host); err != nil {
			return ProviderURL{}, true, err
		}
	}
	return u, true, nil
}

// ProviderURL is an interpolated provider URL split as the mock provider's paths carry it.
type ProviderURL struct {
	Scheme, Host, Path string // Path starts with "/", and stays percent-encoded
	// HostFromConfig says the end user chose the host (through connection config): requests
	// to it go through a dialer that refuses private addresses.
	HostFromConfig bool
}

func (u ProviderURL) String() string { return u.Scheme + "://" + u.Host + u.Path }

// ParseProviderURL checks that an interpolated URL still has the shape of its template: an
// http(s) scheme, a plain host, and a path, with no query or fragment smuggled in.
func ParseProviderURL(raw string) (ProviderURL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "https" && scheme != "http") {
		return ProviderURL{}, fmt.Errorf("nango: %q is not an http(s) URL", raw)
	}
	host, path, _ := strings.Cut(rest, "/")
	if !validAuthority(host) {
		return ProviderURL{}, fmt.Errorf("nango: %q has an invalid host", raw)
	}
	if strings.ContainsAny(path, "?#") {
		return ProviderURL{}, fmt.Errorf("nango: %q has a query or fragment", raw)
	}
	return ProviderURL{Scheme: scheme, Host: strings.ToLower(host), Path: "/" + path}, nil
}

// MockPath maps a real provider URL onto the mock provider: /{kind}/{scheme}/{host}{path}.
func MockPath(kind string, u ProviderURL) string {
	return "/oauth/" + kind + "/" + u.Scheme + "/" + u.Host + u.Path
}

// TemplateMatcher recognizes URLs made from one template (with its `||` alternatives) and
// recovers the values that were interpolated into it.
type TemplateMatcher struct {
	alts []templateAlt
}

// templateAlt is one alternative of a template, as the regexp
// ^literal[0](?P<name[0]>[^/?#]+)literal[1]…$ would match it: matched by a scan with the
// regexp's backtracking order (a placeholder takes the longest run that lets the rest match),
// since it runs twice on every flow's path.
type templateAlt struct {
	literals []string // one more than names
	names    []string
}

// NewTemplateMatcher compiles a template (authorization_url or token_url) into a matcher.
func NewTemplateMatcher(template string) *TemplateMatcher {
	m := &TemplateMatcher{}
	for _, alt := range strings.Split(template, "||") {
		alt = strings.TrimSpace(alt)
		var expr strings.Builder
		var a templateAlt
		expr.WriteString("^")
		last := 0
		for _, loc := range PlaceholderRE.FindAllStringSubmatchIndex(alt, -1) {
			expr.WriteString(regexp.QuoteMeta(alt[last:loc[0]]))
			a.literals = append(a.literals, alt[last:loc[0]])
			name := sanitizeGroupName(strings.TrimPrefix(strings.TrimSpace(alt[loc[2]:loc[3]]), "connectionConfig."))
			fmt.Fprintf(&expr, "(?P<%s>[^/?#]+)", name)
			a.names = append(a.names, restoreGroupName(name))
			last = loc[1]
		}
		expr.WriteString(regexp.QuoteMeta(alt[last:]) + "$")
		a.literals = append(a.literals, alt[last:])
		// The regexp is still what decides which alternatives are valid (a name Go's groups
		// refuse drops its alternative), and what TestTemplateMatcherScansAsItsRegexp holds
		// the scan to.
		if _, err := regexp.Compile(expr.String()); err == nil {
			m.alts = append(m.alts, a)
		}
	}
	return m
}

// Match returns the (still encoded) values interpolated into u, or ok=false.
func (m *TemplateMatcher) Match(u string) (*OrderedMap, bool) {
	for _, a := range m.alts {
		rest, ok := strings.CutPrefix(u, a.literals[0])
		values := make([]string, len(a.names))
		if !ok || !a.matchFrom(rest, 0, values) {
			continue
		}
		vals := NewOrderedMap()
		for i, name := range a.names {
			vals.Set(name, values[i])
		}
		return vals, true
	}
	return nil, false
}

// matchFrom matches rest against placeholder i and everything after it, filling values.
func (a templateAlt) matchFrom(rest string, i int, values []string) bool {
	if i == len(a.names) {
		return rest == ""
	}
	run := strings.IndexAny(rest, "/?#")
	if run < 0 {
		run = len(rest)
	}
	for n := run; n >= 1; n-- {
		if after, ok := strings.CutPrefix(rest[n:], a.literals[i+1]); ok && a.matchFrom(after, i+1, values) {
			values[i] = rest[:n]
			return true
		}
	}
	return false
}

// Go's named groups allow only word characters; config names may hold `-` (Zoho's
// accounts-server), which is carried through as `_2d_`.
func sanitizeGroupName(name string) string { return groupNameSanitizer.Replace(name) }

func restoreGroupName(name string) string { return groupNameRestorer.Replace(name) }

var (
	groupNameSanitizer = strings.NewReplacer("-", "_2d_", ".", "_2e_")
	groupNameRestorer  = strings.NewReplacer("_2d_", "-", "_2e_", ".")
)

// RealURLFromMockPath turns /oauth/{kind}/{scheme}/{host}/{path} back into scheme://host/path,
// keeping the path's percent-encoding as the API host wrote it.
func RealURLFromMockPath(escapedPath, prefix string) (ProviderURL, error) {
	rest, ok := strings.CutPrefix(escapedPath, prefix)
	if !ok {
		return ProviderURL{}, fmt.Errorf("nango: unexpected mock path %q", escapedPath)
	}
	scheme, rest, _ := strings.Cut(rest, "/")
	host, path, _ := strings.Cut(rest, "/")
	return ParseProviderURL(scheme + "://" + host + "/" + path)
}
