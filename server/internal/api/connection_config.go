package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
	"github.com/nango-wasm/nango-wasm/server/internal/web"
)

// validateConnectionConfig checks each value the end user gave against the provider's field
// rules (pattern, enum). Nango does not, and its decode-and-retry URL building then lets
// `subdomain=evil.com#` redirect the popup to another host; here such a value never reaches a URL.
func validateConnectionConfig(p *catalog.Provider, config *catalog.OrderedMap) *web.Error {
	for _, f := range p.Fields {
		v, ok := config.String(f.Name)
		if !ok {
			continue
		}
		if f.Check != nil && !f.Check.MatchString(v) {
			return invalidConnectionConfig(fmt.Sprintf("Invalid Connection Config param %q: %s does not match the pattern %s.", f.Name, catalog.CompactJSON(v), f.Pattern))
		}
		if len(f.Enum) > 0 && !slices.Contains(f.Enum, v) {
			return invalidConnectionConfig(fmt.Sprintf("Invalid Connection Config param %q: %s is not one of %s.", f.Name, catalog.CompactJSON(v), strings.Join(f.Enum, ", ")))
		}
	}
	return nil
}

func invalidConnectionConfig(message string) *web.Error {
	return &web.Error{Status: http.StatusBadRequest, Code: "invalid_connection_config", Message: message, WSErr: true}
}

// storedConnectionConfig is the connection_config kept with a connection: the flow's config
// with oauth_scopes_override as an array (as Nango stores it), the credential overrides moved
// out, and the token response's metadata keys filled in where the config has no value.
func storedConnectionConfig(p *catalog.Provider, flow *catalog.OrderedMap, tokenResponse map[string]any) *catalog.OrderedMap {
	out := flow.Clone()
	for _, key := range []string{"oauth_client_id_override", "oauth_client_secret_override", "oauth_refresh_token_override"} {
		out.Delete(key)
	}
	if scopes, ok := out.String("oauth_scopes_override"); ok {
		list := []any{}
		for _, s := range strings.Split(scopes, ",") {
			list = append(list, s)
		}
		out.Set("oauth_scopes_override", list)
	}
	for _, key := range p.TokenResponseMetadata {
		if _, has := out.String(key); has {
			continue
		}
		if v, ok := dottedLookup(tokenResponse, key); ok {
			out.Set(key, v)
		}
	}
	return out
}

// dottedLookup reads "team.id" as tokenResponse["team"]["id"]; Nango stores it under the flat
// key "team.id".
func dottedLookup(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[part]; !ok {
			return nil, false
		}
	}
	return cur, cur != nil
}

// invalidProviderURL is the error of a connection config that does not make a valid provider
// URL. A host refused as not public gets a message that does not name it (the page shows it
// to whoever is at the keyboard); the log has the detail.
func (a *API) invalidProviderURL(in *Integration, template, provided string, err error) *web.Error {
	if errors.Is(err, catalog.ErrHostNotAllowed) {
		a.log.Warn("connection config host refused", "integration", in.UniqueKey, "err", err)
		return invalidConnectionConfig("The Connection Config names a host the dev server does not send requests to: a host taken from connection config must be the provider's public DNS name.")
	}
	return invalidConnectionConfig(fmt.Sprintf("The Connection Config does not make a valid url from %s. Provided Connection Config: %s", template, provided))
}
