package server

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/nango-wasm/nango-wasm/wasm/auth"
)

// placeholderRE finds ${…} in provider templates (authorization_url, token_url, params).
var placeholderRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// authorityRE is what the host part of an interpolated provider URL may hold. Values are
// percent-encoded before they are interpolated, so a value that tried to end the host early
// (`evil.com#`, `evil.com/`, `user@evil.com`) leaves a `%` here and is refused.
var authorityRE = regexp.MustCompile(`^[A-Za-z0-9.-]+(:[0-9]{1,5})?$`)

// interpolate fills ${connectionConfig.X} from config. A template may hold alternatives
// separated by `||`; the first whose placeholders all have a value wins (Nango's fallback rule).
// Empty values count as missing. With encode, values are percent-encoded as encodeURIComponent
// does, and nothing is ever decoded again.
func interpolate(template string, config *orderedMap, encode bool) (string, bool) {
	for _, alt := range strings.Split(template, "||") {
		alt = strings.TrimSpace(alt)
		complete := true
		out := placeholderRE.ReplaceAllStringFunc(alt, func(m string) string {
			name := strings.TrimSpace(m[2 : len(m)-1])
			name = strings.TrimPrefix(name, "connectionConfig.")
			v, ok := config.String(name)
			if !ok {
				complete = false
				return m
			}
			if encode {
				return auth.EncodeURIComponent(v) // as Nango's makeUrl does, with the SDK's own encoder
			}
			return v
		})
		if complete {
			return out, true
		}
	}
	return "", false
}

// providerURL is an interpolated provider URL split as the mock provider's paths carry it.
type providerURL struct {
	Scheme, Host, Path string // Path starts with "/", and stays percent-encoded
}

func (u providerURL) String() string { return u.Scheme + "://" + u.Host + u.Path }

// parseProviderURL checks that an interpolated URL still has the shape of its template: an
// http(s) scheme, a plain host, and a path, with no query or fragment smuggled in.
func parseProviderURL(raw string) (providerURL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "https" && scheme != "http") {
		return providerURL{}, fmt.Errorf("nango: %q is not an http(s) URL", raw)
	}
	host, path, _ := strings.Cut(rest, "/")
	if !authorityRE.MatchString(host) {
		return providerURL{}, fmt.Errorf("nango: %q has an invalid host", raw)
	}
	if strings.ContainsAny(path, "?#") {
		return providerURL{}, fmt.Errorf("nango: %q has a query or fragment", raw)
	}
	return providerURL{Scheme: scheme, Host: strings.ToLower(host), Path: "/" + path}, nil
}

// mockPath maps a real provider URL onto the mock provider: /{kind}/{scheme}/{host}{path}.
func mockPath(kind string, u providerURL) string {
	return "/oauth/" + kind + "/" + u.Scheme + "/" + u.Host + u.Path
}

// queryParam is one key of an authorize query, in order.
type queryParam struct{ Key, Value string }

// orderedQuery mimics URLSearchParams.set: an existing key keeps its place, a new one is appended.
type orderedQuery []queryParam

func (q *orderedQuery) set(key, value string) {
	for i := range *q {
		if (*q)[i].Key == key {
			(*q)[i].Value = value
			return
		}
	}
	*q = append(*q, queryParam{key, value})
}

// encode writes the query as application/x-www-form-urlencoded, as URLSearchParams does.
func (q orderedQuery) encode() string {
	parts := make([]string, len(q))
	for i, p := range q {
		parts[i] = url.QueryEscape(p.Key) + "=" + url.QueryEscape(p.Value)
	}
	return strings.Join(parts, "&")
}

// templateMatcher recognizes URLs made from one template (with its `||` alternatives) and
// recovers the values that were interpolated into it.
type templateMatcher struct {
	alts []*regexp.Regexp
}

func newTemplateMatcher(template string) *templateMatcher {
	m := &templateMatcher{}
	for _, alt := range strings.Split(template, "||") {
		alt = strings.TrimSpace(alt)
		var expr strings.Builder
		expr.WriteString("^")
		last := 0
		for _, loc := range placeholderRE.FindAllStringSubmatchIndex(alt, -1) {
			expr.WriteString(regexp.QuoteMeta(alt[last:loc[0]]))
			name := strings.TrimPrefix(strings.TrimSpace(alt[loc[2]:loc[3]]), "connectionConfig.")
			fmt.Fprintf(&expr, "(?P<%s>[^/?#]+)", sanitizeGroupName(name))
			last = loc[1]
		}
		expr.WriteString(regexp.QuoteMeta(alt[last:]) + "$")
		if re, err := regexp.Compile(expr.String()); err == nil {
			m.alts = append(m.alts, re)
		}
	}
	return m
}

// match returns the (still encoded) values interpolated into u, or ok=false.
func (m *templateMatcher) match(u string) (*orderedMap, bool) {
	for _, re := range m.alts {
		sub := re.FindStringSubmatch(u)
		if sub == nil {
			continue
		}
		vals := newOrderedMap()
		for i, name := range re.SubexpNames() {
			if name != "" {
				vals.Set(restoreGroupName(name), sub[i])
			}
		}
		return vals, true
	}
	return nil, false
}

// Go's named groups allow only word characters; config names may hold `-` (Zoho's
// accounts-server), which is carried through as `_2d_`.
func sanitizeGroupName(name string) string { return groupNameSanitizer.Replace(name) }

func restoreGroupName(name string) string { return groupNameRestorer.Replace(name) }

var (
	groupNameSanitizer = strings.NewReplacer("-", "_2d_", ".", "_2e_")
	groupNameRestorer  = strings.NewReplacer("_2d_", "-", "_2e_", ".")
)
