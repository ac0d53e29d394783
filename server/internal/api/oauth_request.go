package api

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// undefinedParam marks `authorization_params[k]=undefined`, which the SDK sends for an
// undefined value and Nango reads as "remove this template parameter".
type undefinedParam struct{}

// nonceParam is the query key of nango-wasm's per-call nonce (the SDK's auth.NonceParam).
const nonceParam = "nango_wasm_nonce"

// connectQuery is the query of GET /oauth/connect/{key}, as the SDK's toQueryString writes it.
type connectQuery struct {
	SessionToken        string
	PublicKey           string
	ConnectionID        string
	WSClientID          string
	HMAC                string              // the public-key caller's signature (public_key.go)
	UserScope           string              // Slack's user_scope; a session's defaults replace it
	Nonce               string              // nango-wasm's per-call nonce (docs/wire.md §1); "" from other SDKs
	Params              *catalog.OrderedMap // string values; webhook_url dropped
	AuthorizationParams *catalog.OrderedMap // string or undefinedParam values
	Credentials         *catalog.OrderedMap // string values
}

// parseConnectQuery reads the query in order (Nango builds its objects in query order).
// Bracket keys arrive raw (`params[subdomain]`) or encoded (`params%5Bsubdomain%5D`, after the
// SDK's searchParams.set); unescaping the key handles both. A bracket key given twice is
// dropped, as qs turns it into an array that Nango ignores.
func parseConnectQuery(raw string) (*connectQuery, *web.Error) {
	q := &connectQuery{Params: catalog.NewOrderedMap(), AuthorizationParams: catalog.NewOrderedMap(), Credentials: catalog.NewOrderedMap()}
	seen := map[string]int{}
	type pair struct{ key, value string }
	var pairs []pair
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, web.InvalidQuery([]web.FieldError{{Code: "custom", Message: "The query string is not validly percent-encoded", Path: []any{}}})
		}
		seen[key]++
		pairs = append(pairs, pair{key, value})
	}
	for _, p := range pairs {
		if seen[p.key] > 1 {
			if strings.Contains(p.key, "[") {
				continue
			}
			return nil, web.InvalidQuery([]web.FieldError{{Code: "invalid_type", Message: fmt.Sprintf("Query parameter %q is given more than once", p.key), Path: []any{p.key}}})
		}
		switch p.key {
		case "connect_session_token":
			q.SessionToken = p.value
		case "public_key":
			q.PublicKey = p.value
		case "connection_id":
			q.ConnectionID = p.value
		case "ws_client_id":
			q.WSClientID = p.value
		case "hmac":
			q.HMAC = p.value
		case "user_scope":
			q.UserScope = p.value
		case nonceParam:
			q.Nonce = p.value
		}
		if name, ok := bracketKey(p.key, "params"); ok && name != "webhook_url" {
			q.Params.Set(name, p.value)
		}
		if name, ok := bracketKey(p.key, "authorization_params"); ok {
			if p.value == "undefined" {
				q.AuthorizationParams.Set(name, undefinedParam{})
			} else {
				q.AuthorizationParams.Set(name, p.value)
			}
		}
		if name, ok := bracketKey(p.key, "credentials"); ok {
			q.Credentials.Set(name, p.value)
		}
	}
	if q.Nonce != "" && !noncePattern.MatchString(q.Nonce) {
		return nil, web.InvalidQuery([]web.FieldError{{Code: "invalid_string", Message: nonceParam + " must be 16 to 128 characters among A-Z, a-z, 0-9, - and _", Path: []any{nonceParam}}})
	}
	return q, nil
}

// bracketKey reads `group[name]`; nested brackets are refused, as Nango keeps strings only.
func bracketKey(key, group string) (string, bool) {
	inner, ok := strings.CutPrefix(key, group+"[")
	if !ok {
		return "", false
	}
	inner, ok = strings.CutSuffix(inner, "]")
	if !ok || inner == "" || strings.ContainsAny(inner, "[]") {
		return "", false
	}
	return inner, true
}
