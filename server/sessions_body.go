package server

import (
	"strings"

	"github.com/nango-wasm/nango-wasm/server/internal/catalog"
)

// validateSessionBody checks a POST /connect/sessions body against the schema of Nango's
// postSessions.ts (strict objects, string limits, tag rules) and returns every issue at once.
func validateSessionBody(body map[string]any) []fieldError {
	var v validator
	v.strict(body, []any{}, "end_user", "organization", "allowed_integrations", "integrations_config_defaults", "overrides", "webhook_url_override", "tags", "nango_dev_faults")
	_, hasTags := body["tags"]
	v.sessionFields(body, !hasTags)
	return v.errs
}

// validateReconnectBody checks a POST /connect/sessions/reconnect body (Nango's
// postReconnect.ts): the pair to reconnect, then the session fields, with end_user optional and
// no allowed_integrations (the session allows the one integration).
func validateReconnectBody(body map[string]any) []fieldError {
	var v validator
	root := []any{}
	v.strict(body, root, "connection_id", "integration_id", "end_user", "organization", "integrations_config_defaults", "overrides", "webhook_url_override", "tags", "nango_dev_faults")
	v.str(body, "connection_id", root, strRule{required: true, max: 255, pattern: connectionIDPattern})
	v.str(body, "integration_id", root, strRule{required: true, max: 255, pattern: providerConfigKeyRE})
	v.sessionFields(body, false)
	return v.errs
}

// sessionFields checks the fields a session and a reconnect session share.
func (v *validator) sessionFields(body map[string]any, endUserRequired bool) {
	root := []any{}
	if user, ok := v.object(body, "end_user", root, endUserRequired); ok {
		path := []any{"end_user"}
		v.strict(user, path, "id", "email", "display_name", "tags")
		v.str(user, "id", path, strRule{required: true, min: 1, max: 255})
		v.str(user, "email", path, strRule{min: 5, email: true})
		v.str(user, "display_name", path, strRule{max: 255})
		v.record(user, "tags", path, strRule{}, func(_ string, val any, p []any) {
			v.strValue(val, true, p, strRule{max: 255})
		})
	}
	if org, ok := v.object(body, "organization", root, false); ok {
		path := []any{"organization"}
		v.strict(org, path, "id", "display_name")
		v.str(org, "id", path, strRule{required: true, max: 255})
		v.str(org, "display_name", path, strRule{max: 255})
	}
	if raw, present := body["allowed_integrations"]; present {
		list, ok := raw.([]any)
		if !ok {
			v.expected([]any{"allowed_integrations"}, "array", raw, true)
		}
		for i, item := range list {
			v.strValue(item, true, []any{"allowed_integrations", i}, strRule{max: 255, pattern: providerConfigKeyRE})
		}
	}
	keyRule := strRule{max: 255, pattern: providerConfigKeyRE}
	v.record(body, "integrations_config_defaults", root, keyRule, func(_ string, val any, p []any) {
		defaults, ok := val.(map[string]any)
		if !ok {
			v.expected(p, "object", val, true)
			return
		}
		v.strict(defaults, p, "user_scopes", "authorization_params", "connection_config")
		v.str(defaults, "user_scopes", p, strRule{})
		v.record(defaults, "authorization_params", p, strRule{}, func(_ string, val any, p []any) {
			v.strValue(val, true, p, strRule{})
		})
		if config, ok := v.object(defaults, "connection_config", p, false); ok {
			v.str(config, "oauth_scopes_override", at(p, "connection_config"), strRule{})
		}
	})
	v.record(body, "overrides", root, keyRule, func(_ string, val any, p []any) {
		override, ok := val.(map[string]any)
		if !ok {
			v.expected(p, "object", val, true)
			return
		}
		v.str(override, "docs_connect", p, strRule{url: true, min: 1})
	})
	if hook, ok := v.str(body, "webhook_url_override", root, strRule{url: true}); ok && pointsAtNango(hook) {
		v.add([]any{"webhook_url_override"}, "custom", "Webhook URL override cannot point to nango.dev")
	}
	v.faults(body)
	if _, present := body["tags"]; present {
		v.record(body, "tags", root, strRule{}, func(_ string, val any, p []any) {
			v.strValue(val, true, p, strRule{})
		})
	}
}

func pointsAtNango(raw string) bool {
	host := strings.ToLower(raw)
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	host, _, _ = strings.Cut(host, "/")
	return host == "nango.dev" || strings.HasSuffix(host, ".nango.dev")
}

// faults checks nango_dev_faults, the dev server's own session field (docs/wire.md §8): a list
// of fault names, each usable by a flow.
func (v *validator) faults(body map[string]any) {
	raw, present := body["nango_dev_faults"]
	if !present {
		return
	}
	list, ok := raw.([]any)
	if !ok {
		v.expected([]any{"nango_dev_faults"}, "array", raw, true)
		return
	}
	for i, item := range list {
		spec, ok := v.strValue(item, true, []any{"nango_dev_faults", i}, strRule{min: 1})
		if !ok {
			continue
		}
		set, err := catalog.ParseFaults(spec)
		if err == nil && len(set.SocketOnly()) > 0 {
			err = catalog.SocketFaultError("a session")
		}
		if err != nil {
			v.add([]any{"nango_dev_faults", i}, "custom", err.Error())
		}
	}
}
